// The outside measurement: a read-committed reader of the pipeline's topics that never commits.
// What it reads is what verdict.ts counts.
import type { Config } from '../config/config.ts';
import type { Messaging } from '../runtime/wiring.ts';
import type { DeadLetter, SmsPrediction } from '../schemas/index.ts';
import { type ReadRecord, readTopic } from '../testkit/read-topic.ts';
import type { Observed } from './verdict.ts';

export class TopicReader {
  private readonly config: Config;
  private readonly messaging: Messaging;

  constructor(config: Config, messaging: Messaging) {
    this.config = config;
    this.messaging = messaging;
  }

  /** Reads a topic to its end (read committed); with `until`, on until it holds or `timeoutMs` passes. */
  async read<T>(
    topic: string,
    until?: (records: readonly ReadRecord<T>[]) => boolean,
    timeoutMs = 120_000,
  ): Promise<ReadRecord<T>[]> {
    const brokers = this.config.kafka.brokers;
    try {
      return await readTopic<T>(this.messaging, topic, { brokers, until, timeoutMs });
    } catch (error) {
      if (!until) throw error;
      // The condition never held: read what is there, the counts will show what is missing.
      return readTopic<T>(this.messaging, topic, { brokers, timeoutMs: 60_000 });
    }
  }

  /** Keys of a topic's records, without decoding values (sms.raw may hold poison). */
  async readKeys(topic: string): Promise<string[]> {
    const keysOnly = { codec: { ...this.messaging.codec, decode: async <T>() => null as T } };
    const records = await readTopic<null>(keysOnly, topic, { brokers: this.config.kafka.brokers, timeoutMs: 120_000 });
    return records.map((r) => r.record.key ?? '');
  }

  /** Waits until each of `ids` has a prediction from each of `models` versions (or `timeoutMs` passes). */
  async waitForPredictions(ids: readonly string[], models: number, timeoutMs = 180_000): Promise<void> {
    const expected = new Set(ids);
    const wanted = expected.size * models;
    await this.read<SmsPrediction>(
      this.config.topics.predictions,
      (records) => {
        if (records.length < wanted) return false;
        const pairs = new Set(
          records.filter((r) => expected.has(r.value.sms_id)).map((r) => `${r.value.sms_id}|${r.value.model_version}`),
        );
        return pairs.size >= wanted;
      },
      timeoutMs,
    );
  }

  /** Every raw key, committed prediction and dead letter, as verdict.ts takes them, and when each prediction was made. */
  async observed(): Promise<Pick<Observed, 'rawKeys' | 'predictions' | 'deadLetters'> & { scoredAt: number[] }> {
    const { predictions, dlq, raw } = this.config.topics;
    const scored = await this.read<SmsPrediction>(predictions);
    return {
      rawKeys: await this.readKeys(raw),
      predictions: scored.map(({ value, record }) => ({
        smsId: value.sms_id,
        modelVersion: value.model_version,
        origin: record.headers['spamstream-origin'] ?? '?',
      })),
      scoredAt: scored.map(({ value }) => value.scored_at),
      deadLetters: (await this.read<DeadLetter>(dlq)).map(({ value }) => ({
        key: value.key?.toString('utf8') ?? '',
        code: value.error_code,
        description:
          `${value.processor} ${value.error_code} at ` +
          `${value.source_topic}/${value.source_partition}@${value.source_offset}: ${value.error_reason}`,
      })),
    };
  }
}
