// sms.replays into the edge's replay tracker (edge/replay-board.ts): each record decoded and handed
// over under its key; a tombstone forgets its replay. Like the prediction feed, it shows what it
// can: a record it cannot decode is skipped (told to `onSkip`), and every record is acknowledged,
// so the source never stalls on one.
import { concatMap } from 'rxjs';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource } from '../connectors/kafka.ts';
import { type ReplayStatus, loadSchema } from '../schemas/index.ts';
import type { ReplayTracker } from './replay-board.ts';

export interface ReplayFeedOptions {
  /** Told about each skipped record (e.g. to log it). */
  readonly onSkip?: (reason: unknown) => void;
  /** Told when the source fails; the board then keeps what it had, and lets running replays turn lost. */
  readonly onError?: (error: unknown) => void;
}

export interface ReplayFeed {
  /** Closes the source (which completes after acknowledging what it emitted). */
  close(): Promise<void>;
}

export function followReplays(
  source: RecordSource,
  codec: RecordCodec,
  tracker: ReplayTracker,
  options: ReplayFeedOptions = {},
): ReplayFeed {
  const readerSchema = loadSchema('replay-status');
  const subscription = source.records
    .pipe(
      concatMap(async (record) => {
        try {
          const status = record.value === null ? null : await codec.decode<ReplayStatus>(record.value, readerSchema);
          const key = record.key ?? status?.group_id;
          if (key !== undefined) tracker.update(key, status);
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
