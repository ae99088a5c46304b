// One kafkajs client per process, configured from the Kafka slice of the configuration.
import { Kafka, type LogEntry, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../../config/config.ts';
import { type Log, silentLog } from '../../core/log.ts';

/**
 * kafkajs reports every retry, rebalance and reconnection at ERROR or WARN, although it recovers
 * from them by itself; spamstream reports what it does not recover from (a stream error, a retry
 * that lasts). So its lines go to the debug log.
 */
function toDebugLog(log: Log) {
  return () => ({ namespace, label, log: entry }: LogEntry) => {
    const { message, error } = entry as { message: string; error?: string };
    log.debug(`kafkajs ${label} [${namespace}] ${message}${error ? `: ${error}` : ''}`);
  };
}

export function createKafkaClient(config: KafkaConfig, clientIdSuffix = '', log: Log = silentLog, requestTimeoutMs = 30_000): Kafka {
  return new Kafka({
    clientId: `${config.clientId}${clientIdSuffix}`,
    brokers: [...config.brokers],
    logLevel: logLevel.INFO,
    logCreator: toDebugLog(log),
    retry: { initialRetryTime: 300, retries: 8 },
    connectionTimeout: 3_000,
    requestTimeout: requestTimeoutMs,
  });
}
