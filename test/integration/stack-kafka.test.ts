// kafkajs 2.2.4 against the stack's Kafka (4.1): the evidence for running Kafka 4.x at all. kafkajs was
// written for 2.x/3.x brokers; Kafka 4.0 removed old protocol versions (KIP-896), so every API the
// pipeline uses is exercised here: admin, produce, group consume with commits, and transactions.
import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { createTopicsAndWait } from '../../connectors/kafka/admin.ts';

const config = loadConfig();
const kafka = new Kafka({
  clientId: 'spamstream-stack-test',
  brokers: [...config.kafka.brokers],
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const run = randomUUID().slice(0, 8);
const consumers: Consumer[] = [];

beforeAll(() => admin.connect());
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect()));
  await admin.disconnect();
});

/** Subscribes a new consumer and collects `count` messages (or fails after `ms`). */
async function consume(
  topic: string,
  groupId: string,
  count: number,
  options: { readUncommitted?: boolean; ms?: number } = {},
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId, readUncommitted: options.readUncommitted ?? false });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: KafkaMessage[] = [];
  // A rejoin (the machine under load) may deliver a record again: kafkajs' own group is at-least-once.
  const seen = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`got ${messages.length} of ${count} messages from ${topic}`)),
      options.ms ?? 30_000,
    );
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (seen.has(`${partition}@${message.offset}`)) return;
        seen.add(`${partition}@${message.offset}`);
        messages.push(message);
        if (messages.length === count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  return messages;
}

describe("kafkajs 2.2.4 against the stack's Kafka", () => {
  it('describes a one-broker cluster and creates topics', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    const topic = `stack-test.admin.${run}`;
    await createTopicsAndWait(admin, [{ topic, numPartitions: 3 }]);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('produces and consumes in a consumer group, committing offsets', async () => {
    const topic = `stack-test.group.${run}`;
    const groupId = `stack-test.group.${run}`;
    await createTopicsAndWait(admin, [{ topic, numPartitions: 2 }]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: ['a', 'b', 'c', 'd'].map((value) => ({ key: value, value })) });
    await producer.disconnect();

    const messages = await consume(topic, groupId, 4);
    expect(messages.map((m) => m.value?.toString()).sort()).toEqual(['a', 'b', 'c', 'd']);
    await consumers.at(-1)!.disconnect(); // leaving the group commits what it consumed
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(4);
  });

  it('commits and aborts transactions, with consumed offsets sent inside them', async () => {
    const input = `stack-test.tx-in.${run}`;
    const output = `stack-test.tx-out.${run}`;
    const groupId = `stack-test.tx.${run}`;
    await createTopicsAndWait(admin, [{ topic: input }, { topic: output }]);
    const producer = kafka.producer({ transactionalId: `stack-test.${run}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic: output, messages: [{ value: 'kept' }] });
      await committed.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: '7' }] }],
      });
      await committed.commit();

      const aborted = await producer.transaction();
      await aborted.send({ topic: output, messages: [{ value: 'dropped' }] });
      await aborted.abort();

      const after = await producer.transaction();
      await after.send({ topic: output, messages: [{ value: 'kept too' }] });
      await after.commit();
    } finally {
      await producer.disconnect();
    }

    const readCommitted = await consume(output, `${groupId}.reader`, 2);
    expect(readCommitted.map((m) => m.value?.toString())).toEqual(['kept', 'kept too']);
    const readUncommitted = await consume(output, `${groupId}.uncommitted`, 3, { readUncommitted: true });
    expect(readUncommitted.map((m) => m.value?.toString())).toEqual(['kept', 'dropped', 'kept too']);
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(offsets!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '7' })]);
  });
});
