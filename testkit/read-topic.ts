// Reads a topic from its beginning with a plain kafkajs consumer (read committed, kafkajs' default)
// that never commits, until its own fetch position on every partition reaches the partition's last
// stable offset and `until` holds — so "no duplicate" checks see every committed record.
// The position is taken from kafkajs' end-of-batch events, which also fire for fetches holding only
// aborted records or transaction markers: those occupy offsets too, and a reader that only counted
// the records it was handed (or offsets committed for them) would wait for them forever.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../config/config.ts';
import { registerCompressionCodecs } from '../connectors/kafka/compression.ts';
import { type Envelope, envelope } from '../core/envelope.ts';
import type { Messaging } from '../runtime/wiring.ts';

export interface ReadRecord<T> {
  readonly value: T;
  readonly record: Envelope<Buffer | null>;
}

export interface ReadOptions<T> {
  /** Keep reading (caught up or not) until this holds; default: caught up once. */
  readonly until?: (records: readonly ReadRecord<T>[]) => boolean;
  readonly timeoutMs?: number;
  /** Default: the brokers the environment configures, as the CLI reads them. */
  readonly brokers?: readonly string[];
}

const POLL_MS = 200;

export async function readTopic<T>(
  messaging: Pick<Messaging, 'codec'>,
  topic: string,
  options: ReadOptions<T> = {},
): Promise<ReadRecord<T>[]> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const brokers = [...(options.brokers ?? loadConfig().kafka.brokers)];
  registerCompressionCodecs();
  const kafka = new Kafka({ clientId: 'spamstream-reader', brokers, logLevel: logLevel.NOTHING });
  // Named after the topic so that a test can check that no reader group is left behind.
  const groupId = `reader.${topic}.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const admin = kafka.admin();
  /** Per partition: the next offset this reader would fetch. */
  const positions = new Map<number, bigint>();
  /** Offsets already taken: a rejoin without committed offsets starts again from the beginning. */
  const seen = new Set<string>();
  const out: ReadRecord<T>[] = [];
  let failure: unknown;

  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.topic !== topic) return;
    const next = BigInt(payload.lastOffset) + 1n;
    if (next > (positions.get(payload.partition) ?? 0n)) positions.set(payload.partition, next);
  });
  const deadline = Date.now() + timeoutMs;
  try {
    await Promise.all([admin.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (seen.has(`${partition}@${message.offset}`)) return;
        seen.add(`${partition}@${message.offset}`);
        const record = envelope({
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          timestamp: Number(message.timestamp),
          origin: { topic, partition, offset: message.offset },
        });
        try {
          const value = record.value === null ? null : await messaging.codec.decode<T>(record.value);
          out.push({ value: value as T, record });
        } catch (error) {
          failure ??= error;
        }
      },
    });
    for (;;) {
      // Read committed: `high` is the last stable offset, which counts committed transactions' markers.
      const ends = await admin.fetchTopicOffsets(topic);
      const caughtUp = ends.every(
        ({ partition, high, low }) => BigInt(high) <= BigInt(low) || (positions.get(partition) ?? 0n) >= BigInt(high),
      );
      if (caughtUp && (options.until?.(out) ?? true)) break;
      if (Date.now() > deadline) {
        const what = `${out.length} records after ${timeoutMs} ms`;
        throw new Error(`reading ${topic}: ${what}, not caught up or condition not met`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    if (failure) throw failure;
    return out;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    // A group that never committed holds nothing worth keeping.
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
