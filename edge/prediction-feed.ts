// The live page's view of sms.predictions: a RecordSource of raw records decoded with the codec
// and fanned out to listeners. A live view shows what it can: records it cannot decode (or
// tombstones) are skipped, and every record is acknowledged so the source never stalls on them.
// When the source also reads the raw topic (`rawTopic`), the texts of those messages are kept in a
// bounded map, so the page can show a prediction beside its message: predictions carry no text,
// and the store keeps none. A message scored before its raw record was read simply has no text.
import { concatMap, filter } from 'rxjs';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource } from '../connectors/kafka.ts';
import { type SmsPrediction, type SmsRaw, loadSchema } from '../schemas/index.ts';
import { REPLAY_HEADER } from '../processors/deliver.ts';
import type { PredictionFeed, PredictionOrigin } from './deps.ts';
import { createRecentTexts } from './recent-texts.ts';

export interface PredictionFeedOptions {
  /** Told about each skipped record (e.g. to log it). */
  readonly onSkip?: (reason: unknown) => void;
  /** Told when the source fails; the feed then stays silent. */
  readonly onError?: (error: unknown) => void;
  /** The topic of incoming messages, when the source reads it too: their texts are remembered. */
  readonly rawTopic?: string;
  /** How many texts to remember (default 5,000: seconds of traffic at a thousand messages a second). */
  readonly keepTexts?: number;
}

export interface ClosablePredictionFeed extends PredictionFeed {
  /** Closes the source (which completes after acknowledging what it emitted) and drops listeners. */
  close(): Promise<void>;
}

export function createPredictionFeed(
  source: RecordSource,
  codec: RecordCodec,
  options: PredictionFeedOptions = {},
): ClosablePredictionFeed {
  const readerSchema = loadSchema('sms-predictions');
  const rawSchema = loadSchema('sms-raw');
  const listeners = new Set<(prediction: SmsPrediction, origin: PredictionOrigin) => void>();
  const texts = createRecentTexts(options.keepTexts ?? 5_000);

  const decode = async (value: Buffer | null, topic: string): Promise<SmsPrediction | undefined> => {
    if (value === null) return undefined;
    try {
      if (topic === options.rawTopic) {
        const raw = await codec.decode<SmsRaw>(value, rawSchema);
        texts.remember(raw.sms_id, raw.text);
        return undefined;
      }
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
          const prediction = await decode(record.value, record.origin.topic);
          const replay = record.headers[REPLAY_HEADER];
          return prediction && { prediction, origin: replay === undefined ? {} : { replay } };
        } finally {
          source.acknowledge([record.origin]);
        }
      }),
      filter((decoded) => decoded !== undefined),
    )
    .subscribe({
      next: ({ prediction, origin }) => {
        for (const listener of listeners) {
          try {
            listener(prediction, origin);
          } catch (error) {
            // One broken listener must not starve the others or end the feed.
            options.onSkip?.(error);
          }
        }
      },
      error: (error: unknown) => options.onError?.(error),
    });

  return {
    textOf: (smsId) => texts.textOf(smsId),
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
