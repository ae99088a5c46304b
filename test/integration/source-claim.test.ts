// A partition read again after a failed transaction (handed back) starts from where this instance
// was, which may lie far below what another owner committed meanwhile — the zombie fault scenario's
// resumed instance. Nothing below the committed offset its claim answered may be emitted again,
// in the first fetched batch or any later one: a resumed zombie used to re-emit and commit the
// records of every batch after the first, moving the group's offset backwards (726 duplicate
// predictions in one full zombie run).
import type { Subscription } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../core/envelope.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { createKafkaSource, createTopics, kafkaClient, unique } from '../../testkit/real-ports.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const kafka = kafkaClient();
const RECORDS = 3_000;
const COMMITTED_ELSEWHERE = 2_500;

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a partition handed back after a failed transaction', () => {
  const topic = unique('handed-back');

  beforeAll(async () => {
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    const producer = kafka.producer();
    await producer.connect();
    // 1 KiB each: the reread spans several fetches (kafkajs fetches up to 1 MiB a partition).
    const value = Buffer.alloc(1_024, 'x');
    for (let from = 0; from < RECORDS; from += 500)
      await producer.send({
        topic,
        messages: Array.from({ length: 500 }, (_, i) => ({ key: String(from + i), value })),
      });
    await producer.disconnect();
  }, 60_000);

  it('is read again from the offset the claim answered, in every later batch too', async () => {
    let claims = 0;
    const source = createKafkaSource(kafka, {
      groupId: unique('handed-back-group'),
      topics: [topic],
      fromBeginning: true,
      maxInFlight: 10,
      closeTimeoutMs: 1_000,
      // The first owner finds nothing committed; once handed back, another owner has committed far ahead.
      claim: async () => (++claims === 1 ? undefined : String(COMMITTED_ELSEWHERE)),
    });
    const seen: Envelope<Buffer | null>[] = [];
    let subscription: Subscription | undefined;
    try {
      subscription = source.records.subscribe((record) => seen.push(record));
      await until(() => seen.length >= 10, 'the first records');
      const fenced = () => Promise.reject(new SpamstreamError('REVOKED', 'another producer committed meanwhile'));
      await expect(source.acknowledge([seen[0]!.origin], fenced)).rejects.toMatchObject({ code: 'REVOKED' });
      const before = seen.length;
      await until(() => seen.length >= before + 5, 'records after the partition was handed back');
      expect(claims).toBe(2);
      expect(seen.slice(before).map((r) => Number(r.origin.offset))).toEqual(
        Array.from({ length: seen.length - before }, (_, i) => COMMITTED_ELSEWHERE + i),
      );
    } finally {
      subscription?.unsubscribe();
      await source.close();
    }
  }, 90_000);
});

describe('partitions a rejoin gives to another member', () => {
  it('are released by the instance that held them, and only those', async () => {
    const topic = unique('released');
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    const groupId = unique('released-group');
    const released: number[][] = [[], []];
    const sources = [0, 1].map((i) =>
      createKafkaSource(kafka, {
        groupId,
        topics: [topic],
        fromBeginning: true,
        maxInFlight: 10,
        closeTimeoutMs: 1_000,
        sessionTimeoutMs: 6_000,
        release: (tp) => released[i]!.push(tp.partition),
      }),
    );
    const [first, second] = sources as [(typeof sources)[0], (typeof sources)[0]];
    const subscriptions: Subscription[] = [];
    try {
      subscriptions.push(first.records.subscribe());
      await waitUntil('the first instance holds both partitions', () => first.joined());
      subscriptions.push(second.records.subscribe());
      await waitUntil('the first instance released the partition the second was given', () => released[0]!.length > 0);
      expect(released[0]).toHaveLength(1);
      expect([0, 1]).toContain(released[0]![0]);
      expect(released[1]).toEqual([]);
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await Promise.all(sources.map((source) => source.close()));
    }
  }, 90_000);
});
