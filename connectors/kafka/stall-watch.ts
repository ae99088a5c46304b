// A source's watch on its records in flight (connectors/kafka/source.ts): a pipeline that stopped
// finishing records says so, instead of waiting in silence.
import type { InFlight } from './in-flight.ts';

const DEFAULT_STALL_WARNING_MS = 60_000;

/**
 * Records in flight with none finishing for a long while: the pipeline waits on something (an outage
 * being retried, or a step that never settles). Said once per stall, naming the oldest uncommitted record
 * of each partition, and once more when records finish again.
 */
export function watchStalls(
  inFlight: InFlight,
  options: { readonly groupId: string; readonly warn?: (line: string) => void; readonly stallWarningMs?: number },
) {
  const limit = options.stallWarningMs ?? DEFAULT_STALL_WARNING_MS;
  let lastProgress = Date.now();
  let warned = false;
  const timer = setInterval(
    () => {
      if (inFlight.count === 0) lastProgress = Date.now();
      const idle = Date.now() - lastProgress;
      if (warned || idle < limit || !options.warn) return;
      warned = true;
      const oldest = inFlight
        .partitions()
        .flatMap((tp) => {
          const first = inFlight.firstOpen(tp);
          return first === undefined ? [] : [`${tp.topic}:${tp.partition}@${first}`];
        })
        .join(', ');
      options.warn(
        `${options.groupId}: no record finished for ${Math.round(idle / 1000)} s while ${inFlight.count} are in ` +
          `flight (the oldest uncommitted: ${oldest || 'none'})`,
      );
    },
    Math.max(100, Math.floor(limit / 4)),
  ).unref();
  return {
    progressed() {
      if (warned) options.warn?.(`${options.groupId}: records finish again`);
      warned = false;
      lastProgress = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}
