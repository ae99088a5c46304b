// The live page's view of sms.predictions: a RecordSource of raw records decoded with the codec
// and fanned out to listeners. A live view shows what it can: records it cannot decode (or
// tombstones) are skipped, and every record is acknowledged so the source never stalls on them.
import { concatMap, filter } from 'rxjs';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource } from '../connectors/kafka.ts';
import { type SmsPrediction, loadSchema } from '../schemas/index.ts';
import type { PredictionFeed } from './deps.ts';

export interface PredictionFeedOptions {
  /** Told about each skipped record (e.g. to log it). */
  readonly onSkip?: (reason: unknown) => void;
  /** Told when the source fails; the feed then stays silent. */
  readonly onError?: (error: unknown) => void;
}

export interface ClosablePredictionFeed extends PredictionFeed {
  /** Closes the source (which completes after acknowledging what it emitted) and drops listeners. */
  close(): Promise<void>;
}

export function createPredictionFeed(source: RecordSource, codec: RecordCodec, options: PredictionFeedOptions = {}): ClosablePredictionFeed {
  const readerSchema = loadSchema('sms-predictions');
  const listeners = new Set<(prediction: SmsPrediction) => void>();

  const decode = async (value: Buffer | null): Promise<SmsPrediction | undefined> => {
    if (value === null) return undefined;
    try {
      return await codec.decode<SmsPrediction>(value, readerSchema);
    } catch (error) {
      options.onSkip?.(error);
      return undefined;
    }
  };

  // concatMap keeps the topic's order on the page; decoding is cached per schema id, so it keeps up.
  const subscription = source.records
    .pipe(
      concatMap(async (record) => {
        try {
          return await decode(record.value);
        } finally {
          source.acknowledge([record.origin]);
        }
      }),
      filter((prediction): prediction is SmsPrediction => prediction !== undefined),
    )
    .subscribe({
      next: (prediction) => {
        for (const listener of listeners) {
          try {
            listener(prediction);
          } catch (error) {
            // One broken listener must not starve the others or end the feed.
            options.onSkip?.(error);
          }
        }
      },
      error: (error: unknown) => options.onError?.(error),
    });

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      try {
        await source.close();
      } finally {
        subscription.unsubscribe();
        listeners.clear();
      }
    },
  };
}
