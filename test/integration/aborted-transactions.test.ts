// Records of an aborted transaction must never reach a processor, nor the readers that count
// duplicates. The broker lists a fetch's aborted transactions in the order they ended; kafkajs 2.2.4
// stepped into them in that order, one per record, so a transaction that began first but ended last
// leaked its first records (patches/kafkajs+2.2.4.patch). The zombie fault scenario met exactly
// this: a frozen instance's open transaction, aborted by its successor's claim, interleaved with
// others — and read-committed readers counted its predictions twice.
import type { Producer } from 'kafkajs';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTopic } from '../../testkit/read-topic.ts';
import { createKafkaSource, createTopics, kafkaClient, unique } from '../../testkit/real-ports.ts';

const kafka = kafkaClient();

describe('read committed, with aborted transactions that ended in another order than they began', () => {
  const topic = unique('aborted-order');
  const producers: Producer[] = [];
  const transactional = async (name: string) => {
    const producer = kafka.producer({ transactionalId: `${topic}-${name}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    producers.push(producer);
    return producer;
  };
  const write = (tx: { send: Producer['send'] }, key: string) => tx.send({ topic, messages: [{ key, value: key }] });

  beforeAll(async () => {
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    const [early, late, committed] = await Promise.all(['early', 'late', 'committed'].map(transactional));
    await write(committed!, 'committed-0'); // outside any transaction: offset 0
    const first = await early!.transaction();
    await write(first, 'early-aborted-1'); // begins first…
    const second = await late!.transaction();
    await write(second, 'late-aborted-2');
    await second.abort(); // …the later one ends first
    await write(first, 'early-aborted-3');
    await first.abort();
    const third = await committed!.transaction();
    await write(third, 'committed-4');
    await third.commit();
  });
  afterAll(() => Promise.all(producers.map((p) => p.disconnect())));

  it("the pipeline's source emits only the committed records", async () => {
    const source = createKafkaSource(kafka, {
      groupId: unique('aborted-order-group'),
      topics: [topic],
      fromBeginning: true,
      maxInFlight: 10,
    });
    try {
      const records = await firstValueFrom(source.records.pipe(take(2), toArray()));
      await source.acknowledge(records.map((r) => r.origin));
      expect(records.map((r) => r.key)).toEqual(['committed-0', 'committed-4']);
    } finally {
      await source.close();
    }
  });

  it('the reader that counts duplicates sees only the committed records', async () => {
    const keysOnly = { codec: { decode: async <T>() => null as T } } as unknown as Parameters<typeof readTopic>[0];
    const records = await readTopic<null>(keysOnly, topic, { timeoutMs: 30_000 });
    expect(records.map((r) => r.record.key)).toEqual(['committed-0', 'committed-4']);
  });
});
