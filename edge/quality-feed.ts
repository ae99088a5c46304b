// sms.quality into the edge's quality tracker (edge/quality-board.ts): each record decoded and handed
// over under its key (a partition of sms.verdicts). Like the replay feed, it shows what it can: a
// record it cannot decode is skipped (told to `onSkip`), and every record is acknowledged, so the
// source never stalls on one.
import { concatMap } from 'rxjs';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource } from '../connectors/kafka.ts';
import { type QualityCounts, loadSchema } from '../schemas/index.ts';
import type { QualityTracker } from './quality-board.ts';

export interface QualityFeedOptions {
  readonly onSkip?: (reason: unknown) => void;
  /** Told when the source fails; the tracker then keeps what it had. */
  readonly onError?: (error: unknown) => void;
}

export interface QualityFeed {
  close(): Promise<void>;
}

export function followQuality(
  source: RecordSource,
  codec: RecordCodec,
  tracker: QualityTracker,
  options: QualityFeedOptions = {},
): QualityFeed {
  const readerSchema = loadSchema('quality-counts');
  const subscription = source.records
    .pipe(
      concatMap(async (record) => {
        try {
          const counts = record.value === null ? null : await codec.decode<QualityCounts>(record.value, readerSchema);
          const key = record.key ?? (counts ? String(counts.partition) : undefined);
          if (key !== undefined) tracker.update(key, counts);
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
