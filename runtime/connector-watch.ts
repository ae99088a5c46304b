// While the cdc processor runs, its Debezium connector is watched: a failed task is restarted
// (Kafka Connect leaves it FAILED otherwise — after PostgreSQL was away when the task started, say).
// The first restart of a streak is a warning, since a task that keeps failing needs a look.
import type { Log } from '../core/log.ts';

export interface ConnectorWatch {
  stop(): void;
}

/** Calls `restartFailed` every `everyMs`; it resolves with how many failed tasks it restarted. */
export function watchConnector(restartFailed: () => Promise<number>, log: Log, everyMs = 30_000): ConnectorWatch {
  let failing = false;
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const restarted = await restartFailed();
      if (restarted > 0) (failing ? log.debug : log.warn)(`cdc connector: restarted ${restarted} failed task(s)`);
      failing = restarted > 0;
    } catch (error) {
      log.debug(`cdc connector: no status from Kafka Connect (${(error as Error).message})`);
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
