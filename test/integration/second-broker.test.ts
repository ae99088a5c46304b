// The private broker of tests that crash or restart Kafka: it keeps what it acknowledged across
// a kill -9, comes back on the same address, and leaves no process behind.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicsAndWait } from '../../connectors/kafka/admin.ts';
import { isAlive } from '../../stack/process.ts';
import { type SecondBroker, startSecondBroker } from '../../testkit/second-broker.ts';

describe('the second broker', () => {
  let broker: SecondBroker;
  beforeAll(async () => {
    broker = await startSecondBroker();
  });
  afterAll(() => broker?.dispose());

  const client = () =>
    new Kafka({ clientId: 'second-broker-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });

  async function readAll(topic: string): Promise<string[]> {
    const consumer = client().consumer({ groupId: `second-broker-test-${Date.now()}` });
    const values: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
      const deadline = Date.now() + 30_000;
      while (values.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await consumer.disconnect();
    }
    return values;
  }

  it('runs on its own port, keeps an acknowledged record across kill -9 and a restart', async () => {
    expect(broker.brokers).toHaveLength(1);
    expect(broker.brokers[0]).not.toBe('127.0.0.1:9092');
    const topic = 'kept';
    const admin = client().admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1 }]);
    await admin.disconnect();
    const producer = client().producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'survives a crash' }] });
    await producer.disconnect();
    expect(await readAll(topic)).toEqual(['survives a crash']);

    const first = broker.pid()!;
    await broker.kill();
    expect(isAlive(first)).toBe(false);
    await broker.start();
    expect(broker.pid()).not.toBe(first);
    expect(await readAll(topic)).toEqual(['survives a crash']);
  });

  it('pause freezes it and resume brings it back; dispose leaves no process', async () => {
    broker.pause();
    const frozen = client().admin();
    const answer = frozen
      .connect()
      .then(() => frozen.describeCluster())
      .then(
        () => 'answered',
        () => 'failed',
      );
    const first = await Promise.race([answer, new Promise((r) => setTimeout(() => r('silent'), 3_000))]);
    expect(first).toBe('silent');
    broker.resume();
    expect(await answer).toBe('answered');
    await frozen.disconnect();

    const pid = broker.pid()!;
    await broker.dispose();
    expect(isAlive(pid)).toBe(false);
    expect(broker.pid()).toBeUndefined();
  });
});
