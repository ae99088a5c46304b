// The real connectors, configured from the environment like the CLI is, for integration tests.
import { Kafka, logLevel } from 'kafkajs';
import { type Config, loadConfig } from '../config/config.ts';
import { createTopicsAndWait } from '../connectors/kafka/admin.ts';
import { createKafkaSource } from '../connectors/kafka/source.ts';
import { createKafkaWriter } from '../connectors/kafka/writer.ts';

export const config: Config = loadConfig();

export function kafkaClient(): Kafka {
  return new Kafka({ clientId: 'spamstream-test', brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING });
}

export async function createTopics(kafka: Kafka, topics: { topic: string; numPartitions: number }[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, topics);
  } finally {
    await admin.disconnect();
  }
}

export { createKafkaSource, createKafkaWriter };

export const unique = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
