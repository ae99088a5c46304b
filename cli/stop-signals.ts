// What SIGINT and SIGTERM mean to a command that drains before it exits (start, run, replay,
// consume): the first stops it; asking again exits at once. Ctrl-C in a terminal signals the whole
// foreground process group, so under `npm start` or `npx` both npm and node get the SIGINT, and npm
// forwards its own to node as well: node hears the same signal twice within milliseconds. That
// second one is an echo of the first, not the user asking again, and must not cut the drain short.

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * The same signal again within this long of the one that began the stop is its echo. Far longer
 * than npm takes to forward a signal (about a millisecond here), shorter than a person takes to
 * decide the drain is too slow and press Ctrl-C again.
 */
export const ECHO_WINDOW_MS = 1_000;

export type StopState =
  | { readonly phase: 'running' }
  /** Stopping since `at` (a monotonic clock's milliseconds), begun by `signal`, or by a failure when absent. */
  | { readonly phase: 'stopping'; readonly signal?: StopSignal; readonly at: number };

/** stop: drain and exit; echo: the first signal again, forwarded by a parent: nothing; force: exit now. */
export type SignalMeaning = 'stop' | 'echo' | 'force';

export const RUNNING: StopState = { phase: 'running' };

export function hearSignal(
  state: StopState,
  signal: StopSignal,
  at: number,
): { readonly meaning: SignalMeaning; readonly state: StopState } {
  if (state.phase === 'running') return { meaning: 'stop', state: { phase: 'stopping', signal, at } };
  if (signal === state.signal && at - state.at < ECHO_WINDOW_MS) return { meaning: 'echo', state };
  return { meaning: 'force', state };
}

/** The stop begun without a signal (a processor failed): any signal from now on asks again. */
export const stoppingWithoutSignal = (state: StopState, at: number): StopState =>
  state.phase === 'running' ? { phase: 'stopping', at } : state;

export interface SignalSource {
  on(name: StopSignal, listener: () => void): unknown;
  removeListener(name: StopSignal, listener: () => void): unknown;
}

export interface StopListener {
  /** The stop began for another reason: a signal from now on forces the exit. */
  stopping(): void;
  /** Stops listening (Node's default for the signals applies again). */
  close(): void;
}

/**
 * Listens for SIGINT and SIGTERM with `on`, not `once`: a later signal must find a listener, or
 * Node's default would kill the process silently.
 */
export function listenForStop(
  signals: SignalSource,
  act: { stop(signal: StopSignal): void; force(signal: StopSignal): void },
  now: () => number = () => performance.now(),
): StopListener {
  let state = RUNNING;
  const listeners = STOP_SIGNALS.map((name) => {
    const listener = () => {
      const heard = hearSignal(state, name, now());
      state = heard.state;
      if (heard.meaning === 'stop') act.stop(name);
      else if (heard.meaning === 'force') act.force(name);
    };
    signals.on(name, listener);
    return [name, listener] as const;
  });
  return {
    stopping: () => void (state = stoppingWithoutSignal(state, now())),
    close: () => {
      for (const [name, listener] of listeners) signals.removeListener(name, listener);
    },
  };
}
