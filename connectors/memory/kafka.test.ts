import { describeKafkaContract } from '../kafka.contract.ts';
import { describeTransactionalWriterContract } from '../transactional-writer.contract.ts';
import { MAX_RECORD_BYTES, createMemoryKafka } from './kafka.ts';

describeKafkaContract('in-memory Kafka', async () => {
  const kafka = createMemoryKafka();
  return {
    createTopic: async (name, partitions) => kafka.createTopic(name, partitions),
    writer: kafka.writer(),
    source: (options) => kafka.source(options),
  };
});

describeTransactionalWriterContract('in-memory Kafka', async () => {
  const kafka = createMemoryKafka();
  return {
    createTopic: async (name, partitions) => kafka.createTopic(name, partitions),
    openWriter: (groupId) => kafka.transactionalWriter(groupId),
    committedKeys: async (topic) => kafka.records(topic).map((r) => r.key ?? ''),
    committedOffset: async (groupId, input) => {
      const offset = kafka.committed(groupId, input.topic, input.partition);
      return offset === undefined ? undefined : String(offset);
    },
    maxRecordBytes: MAX_RECORD_BYTES,
  };
});
