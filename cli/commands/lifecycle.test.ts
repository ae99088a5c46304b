import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RunningPipeline } from '../../runtime/pipeline.ts';
import { ECHO_WINDOW_MS } from '../stop-signals.ts';
import { EXIT_FAILED, EXIT_FORCED, EXIT_STOPPED, runUntilStopped } from './lifecycle.ts';

const never = new Promise<never>(() => {});
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function harness(
  pipeline: Partial<RunningPipeline>,
  shutdownTimeoutMs = 5_000,
  started: Promise<unknown> = Promise.resolve(),
) {
  const signals = new EventEmitter();
  const clock = { ms: 0 };
  const lines: string[] = [];
  const exits: number[] = [];
  const record = (line: string) => void lines.push(line);
  const done = runUntilStopped(
    async () => {
      await started;
      return { processors: [], failed: never, stop: async () => {}, ...pipeline };
    },
    {
      shutdownTimeoutMs,
      signals,
      exit: (code) => void exits.push(code),
      log: record,
      error: record,
      now: () => clock.ms,
    },
  );
  return { signals, clock, lines, exits, done };
}

describe('runUntilStopped', () => {
  it('stops on a signal and exits 0 once stopped', async () => {
    let stops = 0;
    const h = harness({ stop: async () => void (stops += 1) });
    await tick();
    expect(h.exits).toEqual([]);
    h.signals.emit('SIGTERM', 'SIGTERM');
    await h.done;
    expect(stops).toBe(1);
    expect(h.lines).toEqual(['SIGTERM: draining and shutting down…', 'stopped']);
    expect(h.exits).toEqual([EXIT_STOPPED]);
  });

  it('a signal while the parts are still starting stops them once they run, and exits 0', async () => {
    let stops = 0;
    let running: () => void = () => {};
    const h = harness({ stop: async () => void (stops += 1) }, 5_000, new Promise<void>((r) => (running = r)));
    await tick();
    h.signals.emit('SIGTERM', 'SIGTERM');
    await tick();
    expect(h.exits).toEqual([]);
    running();
    await h.done;
    expect(stops).toBe(1);
    expect(h.lines).toEqual(['SIGTERM: draining and shutting down…', 'stopped']);
    expect(h.exits).toEqual([EXIT_STOPPED]);
  });

  it('exits 1 after a processor failed, and after a stop that failed', async () => {
    const failed = harness({ failed: Promise.resolve(new Error('broken')) });
    await failed.done;
    expect(failed.lines[0]).toBe('a processor failed: broken; shutting down');
    expect(failed.exits).toEqual([EXIT_FAILED]);

    const stopFailed = harness({ stop: () => Promise.reject(new Error('cannot close')) });
    stopFailed.signals.emit('SIGINT', 'SIGINT');
    await stopFailed.done;
    expect(stopFailed.lines).toContain('while shutting down: cannot close');
    expect(stopFailed.exits).toEqual([EXIT_FAILED]);
  });

  // Ctrl-C under `npm start`: the terminal signals npm and node, and npm forwards its SIGINT to node.
  it('the same signal twice at once (a parent forwarding it) drains and exits 0', async () => {
    let stops = 0;
    const h = harness({ stop: async () => void (stops += 1) });
    await tick();
    h.signals.emit('SIGINT', 'SIGINT');
    h.signals.emit('SIGINT', 'SIGINT');
    await h.done;
    expect(stops).toBe(1);
    expect(h.lines).toEqual(['SIGINT: draining and shutting down…', 'stopped']);
    expect(h.exits).toEqual([EXIT_STOPPED]);
  });

  it('the same signal again a second later forces the exit', async () => {
    const h = harness({ stop: () => never });
    h.signals.emit('SIGINT', 'SIGINT');
    h.clock.ms += ECHO_WINDOW_MS - 1;
    h.signals.emit('SIGINT', 'SIGINT');
    await tick();
    expect(h.exits).toEqual([]);
    h.clock.ms += 1;
    h.signals.emit('SIGINT', 'SIGINT');
    expect(h.exits).toEqual([EXIT_FORCED]);
    expect(h.lines.at(-1)).toMatch(/^SIGINT during shutdown: exiting now/);
  });

  it('a signal after a processor failed forces the exit', async () => {
    const h = harness({ failed: Promise.resolve(new Error('broken')), stop: () => never });
    await tick();
    h.signals.emit('SIGINT', 'SIGINT');
    expect(h.exits).toEqual([EXIT_FORCED]);
  });

  it('a second signal while stopping forces the exit at once', async () => {
    const h = harness({ stop: () => never });
    h.signals.emit('SIGINT', 'SIGINT');
    await tick();
    expect(h.exits).toEqual([]);
    h.signals.emit('SIGTERM', 'SIGTERM');
    expect(h.exits).toEqual([EXIT_FORCED]);
    expect(h.lines.at(-1)).toMatch(/^SIGTERM during shutdown: exiting now/);
  });

  it('a stop that hangs ends at the deadline', async () => {
    const h = harness({ stop: () => never }, 50);
    h.signals.emit('SIGINT', 'SIGINT');
    await tick(20);
    expect(h.exits).toEqual([]);
    await tick(60);
    expect(h.exits).toEqual([EXIT_FORCED]);
    expect(h.lines.at(-1)).toBe('shutdown took longer than 0.05 s; exiting');
  });
});
