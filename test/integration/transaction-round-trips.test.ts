// A transaction that also commits its input's offset is five requests to the broker (AddPartitionsToTxn,
// Produce, AddOffsetsToTxn, TxnOffsetCommit, EndTxn). kafkajs 2.2.4 looked its coordinators up again
// before four of them: four more round trips, in sequence, in every transaction of both processors.
// patches/kafkajs+2.2.4.patch keeps each coordinator until a request to it fails or its connection is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopics, kafkaClient, unique } from '../../testkit/real-ports.ts';

const kafka = kafkaClient();

describe('transactions that commit offsets', () => {
  const topic = unique('round-trips');
  const groupId = unique('round-trips-group');
  const producer = kafka.producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
  const requests: string[] = [];
  producer.on(producer.events.REQUEST, (event) => requests.push(event.payload.apiName));

  beforeAll(async () => {
    await createTopics(kafka, [{ topic, numPartitions: 1 }]);
    await producer.connect();
  });
  afterAll(() => producer.disconnect());

  it('look their coordinators up once, not before every request', async () => {
    const transactions = 5;
    for (let i = 0; i < transactions; i++) {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: [{ key: `k${i}`, value: `v${i}` }] });
      await tx.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic, partitions: [{ partition: 0, offset: String(i + 1) }] }],
      });
      await tx.commit();
    }
    const count = (api: string) => requests.filter((name) => name === api).length;
    expect(count('EndTxn')).toBe(transactions);
    // One lookup of the transaction coordinator and one of the group's (unpatched: 4 per transaction).
    expect(count('GroupCoordinator')).toBeLessThanOrEqual(2);
  });
});
