// The patched kafkajs send (patches/kafkajs+2.2.4.patch, docs/adr/0001-patch-kafkajs.md): when a
// broker dies mid-send and its partitions move to a broker that has already answered for others, the
// retry sends them there. Unpatched, kafkajs kept answers per broker and sent nothing more to one that
// had answered: the records were dropped and the send resolved (the cluster fault suite lost 2 raw
// records so). Driven here through kafkajs's own sendMessages with a cluster of two fake brokers.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const createSendMessages = require('kafkajs/src/producer/sendMessages.js');
const createRetry = require('kafkajs/src/retry/index.js');
const { KafkaJSConnectionError } = require('kafkajs/src/errors.js');

type TopicData = { topic: string; partitions: { partition: number | string; messages: unknown[] }[] }[];

function twoBrokers() {
  const leaders = new Map([
    [0, 1],
    [1, 2],
  ]);
  const sent: { broker: number; partitions: number[] }[] = [];
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: TopicData }) {
      const partitions = topicData.flatMap((t) => t.partitions.map((p) => Number(p.partition)));
      sent.push({ broker: nodeId, partitions });
      // Broker 2 dies on the first request it gets; its partitions then move to broker 1.
      if (nodeId === 2) throw new KafkaJSConnectionError('Connection error: ECONNREFUSED', { host: 'b2', port: 9092 });
      return {
        topics: topicData.map((t) => ({
          topicName: t.topic,
          partitions: t.partitions.map((p) => ({ partition: Number(p.partition), errorCode: 0, baseOffset: '0' })),
        })),
      };
    },
  });
  const brokers = new Map([
    [1, broker(1)],
    [2, broker(2)],
  ]);
  const cluster = {
    targetTopics: new Set<string>(),
    async addMultipleTargetTopics() {},
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {
      leaders.set(1, 1);
    },
    isConnected: () => true,
    removeBroker() {},
    findTopicPartitionMetadata: () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
    findLeaderForPartitions(_topic: string, partitions: string[]) {
      const byLeader: Record<number, number[]> = {};
      for (const partition of partitions) (byLeader[leaders.get(Number(partition))!] ??= []).push(Number(partition));
      return byLeader;
    },
    findBroker: async ({ nodeId }: { nodeId: string }) => brokers.get(Number(nodeId)),
  };
  const eosManager = {
    isTransactional: () => false,
    getSequence: () => 0,
    updateSequence() {},
    acquireBrokerLock: async () => {},
    releaseBrokerLock: async () => {},
    getProducerId: () => -1,
    getProducerEpoch: () => 0,
  };
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const send = createSendMessages({
    logger,
    cluster,
    eosManager,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  return { send, sent };
}

describe('kafkajs sendMessages, patched', () => {
  it("sends a dead broker's partitions to the broker that took them over, even one that had answered", async () => {
    const { send, sent } = twoBrokers();
    const answers = await send({
      acks: -1,
      timeout: 1_000,
      topicMessages: [
        {
          topic: 'sms.raw',
          messages: [
            { partition: 0, value: 'a' },
            { partition: 1, value: 'b' },
          ],
        },
      ],
    });
    expect(sent).toEqual([
      { broker: 1, partitions: [0] },
      { broker: 2, partitions: [1] },
      { broker: 1, partitions: [1] },
    ]);
    expect(answers.map((a: { partition: number }) => a.partition).sort()).toEqual([0, 1]);
  });
});
