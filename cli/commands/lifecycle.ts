// Shared by `start` and `run`: keep the process up until a signal or a processor failure, then
// shut down in order (drain, commit, close).
import type { RunningPipeline } from '../../runtime/pipeline.ts';

export async function runUntilStopped(pipeline: RunningPipeline): Promise<void> {
  const signal = new Promise<string>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => resolve(name));
  });
  const reason = await Promise.race([signal, pipeline.failed]);
  if (reason instanceof Error) {
    console.error(`a processor failed: ${reason.message}; shutting down`);
    process.exitCode = 1;
  } else {
    console.log(`${reason}: draining and shutting down…`);
  }
  const forced = setTimeout(() => {
    console.error('shutdown took longer than 60 s; exiting');
    process.exit(1);
  }, 60_000).unref();
  await pipeline.stop();
  clearTimeout(forced);
  console.log('stopped');
}
