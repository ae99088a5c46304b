// Reads a topic from its beginning as a throw-away consumer group, until the group's committed
// offsets reach the partitions' end offsets and `until` holds — so "no duplicate" checks see every
// record. (Committed offsets, not the last record seen: transaction markers hold offsets too.)
import { randomUUID } from 'node:crypto';
import type { Envelope } from '../../core/envelope.ts';
import type { Messaging } from '../../runtime/connect.ts';

export interface ReadRecord<T> {
  readonly value: T;
  readonly record: Envelope<Buffer | null>;
}

export interface ReadOptions<T> {
  /** Keep reading (caught up or not) until this holds; default: caught up once. */
  readonly until?: (records: readonly ReadRecord<T>[]) => boolean;
  readonly timeoutMs?: number;
}

export async function readTopic<T>(messaging: Messaging, topic: string, options: ReadOptions<T> = {}): Promise<ReadRecord<T>[]> {
  const groupId = `reader.${randomUUID()}`;
  const source = messaging.openSource({ groupId, topics: [topic], fromBeginning: true, maxInFlight: 50_000, partitionsConcurrently: 8, processor: 'reader', closeTimeoutMs: 2_000 });
  const out: ReadRecord<T>[] = [];
  let failure: unknown;
  const subscription = source.records.subscribe(async (record) => {
    try {
      out.push({ value: (record.value === null ? null : await messaging.codec.decode<T>(record.value)) as T, record });
    } catch (error) {
      failure = error;
    }
    source.acknowledge([record.origin]);
  });
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  try {
    for (;;) {
      const [ends, committed] = await Promise.all([messaging.endOffsets(topic), messaging.committedOffsets(groupId, topic)]);
      const caughtUp = [...ends].every(([partition, end]) => end === 0n || (committed.get(partition) ?? 0n) >= end);
      if (caughtUp && (options.until?.(out) ?? true)) break;
      if (Date.now() > deadline) throw new Error(`reading ${topic}: ${out.length} records after ${options.timeoutMs ?? 120_000} ms, not caught up or condition not met`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (failure) throw failure;
    return out;
  } finally {
    await source.close();
    subscription.unsubscribe();
  }
}
