// The TransactionalWriter contract against the real broker, through the production wiring
// (runtime/wiring.ts connectMessaging), the same suite the in-memory writer passes.
import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import type { RecordCodec } from '../../connectors/codec.ts';
import { describeTransactionalWriterContract } from '../../connectors/transactional-writer.contract.ts';
import { connectMessaging } from '../../runtime/wiring.ts';
import { dropRun } from '../../testkit/drop-run.ts';
import { readTopic } from '../../testkit/read-topic.ts';
import { createTopics, kafkaClient } from '../../testkit/real-ports.ts';

const config = loadConfig();
const run = `txw${randomUUID().slice(0, 8)}`;
const messaging = connectMessaging(config);
const kafka = kafkaClient();
// The suite writes plain bytes, not Avro records: read them as they are.
const bytes = { codec: { decode: async (value: Buffer) => value } as unknown as RecordCodec };

afterAll(async () => {
  await messaging.close();
  await dropRun(config.kafka, run);
});

describeTransactionalWriterContract('kafkajs against the local broker', async () => ({
  namePrefix: `${run}.`,
  createTopic: (topic, partitions) => createTopics(kafka, [{ topic, numPartitions: partitions }]),
  openWriter: (groupId) => messaging.openTransactionalWriter(groupId),
  committedKeys: async (topic) => (await readTopic(bytes, topic)).map(({ record }) => record.key ?? ''),
  committedOffset: async (groupId, input) =>
    (await messaging.committedOffsets(groupId, input.topic)).get(input.partition)?.toString(),
  // The broker's default message.max.bytes (the local stack keeps it).
  maxRecordBytes: 1024 * 1024,
}));
