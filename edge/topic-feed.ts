// A live feed of the edge: a topic read in order, each record decoded with the reader's schema and
// handed to `take`. It shows what it can: a record it cannot decode is skipped (told to `onSkip`),
// and every record is acknowledged, so the source never stalls on one. The replay, quality and drift
// feeds are this with their own `take`.
import { concatMap } from 'rxjs';
import type { Envelope } from '../core/envelope.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource } from '../connectors/kafka.ts';
import type { AvroSchema } from '../schemas/index.ts';

export interface FeedOptions {
  /** Told about each skipped record (e.g. to log it). */
  readonly onSkip?: (reason: unknown) => void;
  /** Told when the source fails; what the feed filled keeps what it had. */
  readonly onError?: (error: unknown) => void;
}

export interface Feed {
  /** Closes the source (which completes after acknowledging what it emitted). */
  close(): Promise<void>;
}

export interface TopicFeed<T> {
  readonly schema: AvroSchema;
  /** Records this feed leaves undecoded and untaken (acknowledged all the same). */
  readonly ignore?: (record: Envelope<Buffer | null>) => boolean;
  /** The decoded value, null for a tombstone. */
  readonly take: (value: T | null, record: Envelope<Buffer | null>) => void;
}

export function followTopic<T>(
  source: RecordSource,
  codec: RecordCodec,
  feed: TopicFeed<T>,
  options: FeedOptions = {},
): Feed {
  const subscription = source.records
    .pipe(
      concatMap(async (record) => {
        try {
          if (feed.ignore?.(record)) return;
          feed.take(record.value === null ? null : await codec.decode<T>(record.value, feed.schema), record);
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
