// One kafkajs client per process, configured from the Kafka slice of the configuration.
import { Kafka, type KafkaConfig as KafkaJsConfig, type LogEntry, type SASLOptions, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../../config/config.ts';
import { type Log, silentLog } from '../../core/log.ts';
import { tlsOptions } from '../tls.ts';

/**
 * kafkajs's `ssl` and `sasl` for a secured cluster (TLS, SASL PLAIN or SCRAM), from the settings.
 * Throws, naming the settings, when a mechanism lacks its user or password or a PEM file is unreadable.
 */
export function kafkaSecurity(config: KafkaConfig): Pick<KafkaJsConfig, 'ssl' | 'sasl'> {
  const files = { ca: config.sslCaFile, cert: config.sslCertFile, key: config.sslKeyFile };
  const ssl = config.ssl ? tlsOptions(files, 'SPAMSTREAM_KAFKA_SSL') : undefined;
  if (config.saslMechanism === 'none') return ssl ? { ssl } : {};
  if (!config.saslUsername || !config.saslPassword) {
    throw new Error(`SPAMSTREAM_KAFKA_SASL_MECHANISM=${config.saslMechanism} needs SPAMSTREAM_KAFKA_SASL_USERNAME and `
      + 'SPAMSTREAM_KAFKA_SASL_PASSWORD (or SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE)');
  }
  const { saslMechanism: mechanism, saslUsername: username, saslPassword: password } = config;
  const sasl = { mechanism, username, password } as SASLOptions;
  return { ...(ssl ? { ssl } : {}), sasl };
}

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
    ...kafkaSecurity(config),
    logLevel: logLevel.INFO,
    logCreator: toDebugLog(log),
    retry: { initialRetryTime: 300, retries: 8 },
    connectionTimeout: 3_000,
    requestTimeout: requestTimeoutMs,
  });
}
