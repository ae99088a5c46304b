import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  ECHO_WINDOW_MS,
  RUNNING,
  type StopSignal,
  hearSignal,
  listenForStop,
  stoppingWithoutSignal,
} from './stop-signals.ts';

describe('hearSignal', () => {
  it('takes the first signal as the stop', () => {
    expect(hearSignal(RUNNING, 'SIGINT', 5)).toEqual({
      meaning: 'stop',
      state: { phase: 'stopping', signal: 'SIGINT', at: 5 },
    });
  });

  // A terminal's Ctrl-C reaches npm and node, and npm forwards its SIGINT: node hears it twice.
  it('takes the same signal again within the echo window as its echo, at once or a little later', () => {
    const { state } = hearSignal(RUNNING, 'SIGINT', 1_000);
    expect(hearSignal(state, 'SIGINT', 1_000)).toEqual({ meaning: 'echo', state });
    expect(hearSignal(state, 'SIGINT', 1_000 + ECHO_WINDOW_MS - 1)).toEqual({ meaning: 'echo', state });
  });

  it('takes the same signal after the echo window, or another signal at any time, as asking again', () => {
    const { state } = hearSignal(RUNNING, 'SIGINT', 1_000);
    expect(hearSignal(state, 'SIGINT', 1_000 + ECHO_WINDOW_MS).meaning).toBe('force');
    expect(hearSignal(state, 'SIGTERM', 1_000).meaning).toBe('force');
  });

  it('measures the window from the first signal, not from its echo', () => {
    const first = hearSignal(RUNNING, 'SIGTERM', 0);
    const echo = hearSignal(first.state, 'SIGTERM', ECHO_WINDOW_MS - 10);
    expect(hearSignal(echo.state, 'SIGTERM', ECHO_WINDOW_MS).meaning).toBe('force');
  });

  it('takes any signal as asking again once a stop began without one (a failure)', () => {
    const state = stoppingWithoutSignal(RUNNING, 0);
    expect(hearSignal(state, 'SIGINT', 0).meaning).toBe('force');
    const signalled = hearSignal(RUNNING, 'SIGINT', 0).state;
    expect(stoppingWithoutSignal(signalled, 50)).toBe(signalled);
  });
});

describe('listenForStop', () => {
  it('stops once for a signal and its echo, forces on asking again, and stops listening when closed', () => {
    const signals = new EventEmitter();
    const clock = { ms: 0 };
    const heard: string[] = [];
    const listening = listenForStop(
      signals,
      { stop: (name) => heard.push(`stop ${name}`), force: (name) => heard.push(`force ${name}`) },
      () => clock.ms,
    );
    const emit = (name: StopSignal) => signals.emit(name);
    emit('SIGINT');
    emit('SIGINT');
    expect(heard).toEqual(['stop SIGINT']);
    clock.ms += ECHO_WINDOW_MS;
    emit('SIGINT');
    expect(heard).toEqual(['stop SIGINT', 'force SIGINT']);
    listening.close();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
