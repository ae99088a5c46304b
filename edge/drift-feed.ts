// sms.features into the edge's drift monitor (edge/drift-monitor.ts): each live record decoded and
// its vectors observed. What a replay recomputed (its `spamstream-replay` header) is history, not
// what messages look like now, so it is left out. Like the other live feeds it shows what it can:
// a record it cannot decode is skipped (told to `onSkip`), and every record is acknowledged, so the
// source never stalls on one.
import { concatMap } from 'rxjs';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource } from '../connectors/kafka.ts';
import { REPLAY_HEADER } from '../processors/deliver.ts';
import { type SmsFeatures, loadSchema } from '../schemas/index.ts';
import type { DriftMonitor } from './drift-monitor.ts';

export interface DriftFeedOptions {
  readonly onSkip?: (reason: unknown) => void;
  /** Told when the source fails; the monitor then keeps its last window. */
  readonly onError?: (error: unknown) => void;
}

export interface DriftFeed {
  /** Closes the source (which completes after acknowledging what it emitted). */
  close(): Promise<void>;
}

export function followDrift(
  source: RecordSource,
  codec: RecordCodec,
  monitor: Pick<DriftMonitor, 'observe'>,
  options: DriftFeedOptions = {},
): DriftFeed {
  const readerSchema = loadSchema('sms-features');
  const subscription = source.records
    .pipe(
      concatMap(async (record) => {
        try {
          if (record.value === null || record.headers[REPLAY_HEADER] !== undefined) return;
          const features = await codec.decode<SmsFeatures>(record.value, readerSchema);
          monitor.observe(features.views);
        } catch (error) {
          options.onSkip?.(error);
        } finally {
          source.acknowledge([record.origin]);
        }
      }),
    )
    .subscribe({ error: (error: unknown) => options.onError?.(error) });
  return {
    async close() {
      try {
        await source.close();
      } finally {
        subscription.unsubscribe();
      }
    },
  };
}
