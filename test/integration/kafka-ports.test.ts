// The Kafka ports contract against the real broker.
import { afterAll } from 'vitest';
import { describeKafkaContract } from '../../connectors/kafka.contract.ts';
import { createKafkaSource, createKafkaWriter, createTopics, kafkaClient } from '../../testkit/real-ports.ts';

const kafka = kafkaClient();
const writer = createKafkaWriter(kafka);
afterAll(() => writer.close());

describeKafkaContract('kafkajs against the local broker', async () => ({
  createTopic: (topic, partitions) => createTopics(kafka, [{ topic, numPartitions: partitions }]),
  writer,
  source: (options) => createKafkaSource(kafka, { ...options, fromBeginning: true, partitionsConcurrently: 3 }),
}));
