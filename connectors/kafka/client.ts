// One kafkajs client per process, configured from the Kafka slice of the configuration.
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../../config/config.ts';

export function createKafkaClient(config: KafkaConfig, clientIdSuffix = ''): Kafka {
  return new Kafka({
    clientId: `${config.clientId}${clientIdSuffix}`,
    brokers: [...config.brokers],
    // kafkajs logs every retry at ERROR; warnings and worse are enough for an operator.
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 8 },
    connectionTimeout: 3_000,
  });
}
