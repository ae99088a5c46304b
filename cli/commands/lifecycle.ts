// Shared by `start` and `run`: start the pipeline, keep the process up until a signal or a processor
// failure, then shut down in order (drain, commit, close) and exit. Signals are heard from before the
// start: one that arrives while parts are still starting stops them once they run, where Node's
// default would have killed the process mid-start. A signal asking again forces the exit; npm's
// echo of a Ctrl-C does not (cli/stop-signals.ts). The exit is explicit: kafkajs may keep a
// socket or a timer alive after its clients were closed (a consumer it restarts by itself after
// a broker came back reconnects past `disconnect()`), which would keep a stopped process running.
import type { RunningPipeline } from '../../runtime/pipeline.ts';
import { type SignalSource, listenForStop } from '../stop-signals.ts';

export const EXIT_STOPPED = 0;
export const EXIT_FAILED = 1;
/** A second signal, or a shutdown past its deadline: what was in flight may not be committed. */
export const EXIT_FORCED = 3;

export interface LifecycleOptions {
  /** How long draining and closing may take before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** Where signals come from (the process; an emitter in tests). */
  readonly signals?: SignalSource;
  /** A monotonic clock in milliseconds (tests set it). */
  readonly now?: () => number;
  readonly exit?: (code: number) => void;
  readonly log?: (line: string) => void;
  readonly error?: (line: string) => void;
}

export async function runUntilStopped(start: () => Promise<RunningPipeline>, options: LifecycleOptions): Promise<void> {
  const { signals = process, log = console.log, error = console.error } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopRequested: (name: string) => void = () => {};
  const signalled = new Promise<string>((resolve) => (stopRequested = resolve));
  const listening = listenForStop(
    signals,
    {
      stop: stopRequested,
      force: (name) => {
        error(`${name} during shutdown: exiting now, without waiting for what is in flight`);
        exit(EXIT_FORCED);
      },
    },
    options.now,
  );

  const pipeline = await start();
  const reason = await Promise.race([signalled, pipeline.failed]);
  listening.stopping();
  let code = EXIT_STOPPED;
  if (reason instanceof Error) {
    error(`a processor failed: ${reason.message}; shutting down`);
    code = EXIT_FAILED;
  } else {
    log(`${reason}: draining and shutting down…`);
  }
  // Not unref'd, and never cleared before exiting: the deadline holds whatever `stop` does.
  const forced = setTimeout(() => {
    error(`shutdown took longer than ${options.shutdownTimeoutMs / 1000} s; exiting`);
    exit(EXIT_FORCED);
  }, options.shutdownTimeoutMs);
  try {
    await pipeline.stop();
    log('stopped');
  } catch (failure) {
    error(`while shutting down: ${failure instanceof Error ? failure.message : String(failure)}`);
    code = EXIT_FAILED;
  }
  clearTimeout(forced);
  exit(code);
}
