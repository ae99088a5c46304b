import { describeKafkaContract } from '../kafka.contract.ts';
import { createMemoryKafka } from './kafka.ts';

describeKafkaContract('in-memory Kafka', async () => {
  const kafka = createMemoryKafka();
  return {
    createTopic: async (name, partitions) => kafka.createTopic(name, partitions),
    writer: kafka.writer(),
    source: (options) => kafka.source(options),
  };
});
