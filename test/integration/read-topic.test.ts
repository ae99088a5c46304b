// The reader that tests and benchmarks count records with: it must see exactly the committed records
// of a topic that also holds aborted transactions and transaction markers, and it must finish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMessaging } from '../../runtime/wiring.ts';
import { type SmsRaw, loadSchema } from '../../schemas/index.ts';
import { valueSubject } from '../../topology/topics.ts';
import { readTopic } from '../../testkit/read-topic.ts';
import { waitUntil } from '../../testkit/wait-until.ts';
import { config, createTopics, kafkaClient, unique } from '../../testkit/real-ports.ts';

const kafka = kafkaClient();

describe('readTopic', () => {
  const messaging = connectMessaging(config);
  const topic = unique('read-topic');
  const producer = kafka.producer({
    transactionalId: unique('read-topic-tx'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  const admin = kafka.admin();

  const message = async (id: string, partition: number) => ({
    key: id,
    partition,
    value: await messaging.codec.encode(valueSubject(topic), {
      sms_id: id,
      sender: '+447700900000',
      recipient: '+447700900001',
      text: `text of ${id}`,
      received_at: Date.now(),
      source: 'test',
    } satisfies SmsRaw),
  });
  /** One transaction writing `ids` round-robin over both partitions, committed or aborted. */
  async function transaction(ids: readonly string[], outcome: 'commit' | 'abort') {
    const tx = await producer.transaction();
    await tx.send({ topic, messages: await Promise.all(ids.map((id, i) => message(id, i % 2))) });
    await (outcome === 'commit' ? tx.commit() : tx.abort());
  }

  beforeAll(async () => {
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await messaging.registry.register(valueSubject(topic), loadSchema('sms-raw'));
    await producer.connect();
    await admin.connect();
    await transaction(['a1', 'a2', 'a3', 'a4'], 'commit');
    await transaction(['b1', 'b2'], 'abort');
    await transaction(['c1', 'c2'], 'commit');
    // The topic ends with aborted records and abort markers on both partitions.
    await transaction(['d1', 'd2', 'd3', 'd4'], 'abort');
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await messaging.close();
  });

  it('returns exactly the committed records, promptly, past aborted batches and markers', async () => {
    const started = Date.now();
    const records = await readTopic<SmsRaw>(messaging, topic, { timeoutMs: 30_000 });
    expect(records.map((r) => r.value.sms_id).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'c1', 'c2']);
    expect(Date.now() - started).toBeLessThan(15_000);
    const a1 = records.find((r) => r.value.sms_id === 'a1')!;
    expect(a1.record.key).toBe('a1');
    expect(a1.record.origin).toMatchObject({ topic, partition: 0 });
    // Its throw-away consumer group is gone afterwards.
    const { groups } = await admin.listGroups();
    expect(groups.filter((g) => g.groupId.startsWith(`reader.${topic}.`))).toEqual([]);
  });

  it('keeps reading until the condition holds, seeing records committed meanwhile', async () => {
    const reading = readTopic<SmsRaw>(messaging, topic, { until: (r) => r.length >= 8, timeoutMs: 30_000 });
    // Committed once the reader's group has its partitions, so that it sees them arrive.
    await waitUntil('the reader has joined its group', async () => {
      const ids = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((id) => id.startsWith(`reader.${topic}.`));
      if (ids.length === 0) return false;
      const { groups } = await admin.describeGroups(ids);
      return groups.some((g) => g.state === 'Stable');
    });
    await transaction(['e1', 'e2'], 'commit');
    await transaction(['f1'], 'abort');
    const records = await reading;
    expect(records.map((r) => r.value.sms_id).sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'c1', 'c2', 'e1', 'e2']);
  });

  it('finishes on a topic that holds only an aborted transaction', async () => {
    const aborted = unique('read-topic-aborted');
    await createTopics(kafka, [{ topic: aborted, numPartitions: 1 }]);
    const tx = await producer.transaction();
    await tx.send({ topic: aborted, messages: [{ key: 'x', value: 'never committed' }] });
    await tx.abort();
    expect(await readTopic(messaging, aborted, { timeoutMs: 20_000 })).toEqual([]);
  });

  it('gives up with a clear error when the condition never holds', async () => {
    await expect(readTopic(messaging, topic, { until: (r) => r.length > 100, timeoutMs: 3_000 })).rejects.toThrow(
      /not caught up or condition not met/,
    );
  });
});
