// One kafkajs client per process, configured from the Kafka slice of the configuration.
import { Kafka, type KafkaConfig as KafkaJsConfig, type LogEntry, type SASLOptions, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../../config/config.ts';
import { type Log, silentLog } from '../../core/log.ts';
import { tlsOptions } from '../tls.ts';
import { registerCompressionCodecs } from './compression.ts';

/**
 * kafkajs's `ssl` and `sasl` for a secured cluster (TLS, SASL PLAIN or SCRAM), from the settings.
 * Throws, naming the settings, when a mechanism lacks its user or password or a PEM file is unreadable.
 */
export function kafkaSecurity(config: KafkaConfig): Pick<KafkaJsConfig, 'ssl' | 'sasl'> {
  const files = { ca: config.sslCaFile, cert: config.sslCertFile, key: config.sslKeyFile };
  const ssl = config.ssl ? tlsOptions(files, 'SPAMSTREAM_KAFKA_SSL') : undefined;
  if (config.saslMechanism === 'none') return ssl ? { ssl } : {};
  if (!config.saslUsername || !config.saslPassword) {
    throw new Error(
      `SPAMSTREAM_KAFKA_SASL_MECHANISM=${config.saslMechanism} needs SPAMSTREAM_KAFKA_SASL_USERNAME and ` +
        'SPAMSTREAM_KAFKA_SASL_PASSWORD (or SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE)',
    );
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
  return () =>
    ({ namespace, label, log: entry }: LogEntry) => {
      const { message, error } = entry as { message: string; error?: string };
      log.debug(`kafkajs ${label} [${namespace}] ${message}${error ? `: ${error}` : ''}`);
    };
}

/**
 * kafkajs reports refused credentials as "SASL SCRAM SHA256 authentication failed: …" without the
 * broker or the settings involved; this says both (never the password). Other errors pass through.
 */
export function explainSaslFailure(error: unknown, config: KafkaConfig): unknown {
  if (!(error instanceof Error) || error.name !== 'KafkaJSSASLAuthenticationError') return error;
  const who = `user ${JSON.stringify(config.saslUsername)} (${config.saslMechanism})`;
  const hint = 'check SPAMSTREAM_KAFKA_SASL_USERNAME and SPAMSTREAM_KAFKA_SASL_PASSWORD';
  const message = `Kafka ${config.brokers.join(',')} refused the SASL credentials of ${who}: ${error.message}; ${hint}`;
  return new Error(message, { cause: error });
}

/** Every admin, producer and consumer of the client explains a refused login on connect. */
function explainingLogins(kafka: Kafka, config: KafkaConfig): Kafka {
  const explain = <T extends { connect(): Promise<void> }>(client: T): T => {
    const connect = client.connect.bind(client);
    client.connect = () =>
      connect().catch((error: unknown) => {
        throw explainSaslFailure(error, config);
      });
    return client;
  };
  const { admin, producer, consumer } = kafka;
  kafka.admin = (options) => explain(admin.call(kafka, options));
  kafka.producer = (options) => explain(producer.call(kafka, options));
  kafka.consumer = (options) => explain(consumer.call(kafka, options));
  return kafka;
}

export function createKafkaClient(
  config: KafkaConfig,
  clientIdSuffix = '',
  log: Log = silentLog,
  requestTimeoutMs = 30_000,
): Kafka {
  registerCompressionCodecs();
  const kafka = new Kafka({
    clientId: `${config.clientId}${clientIdSuffix}`,
    brokers: [...config.brokers],
    ...kafkaSecurity(config),
    logLevel: logLevel.INFO,
    logCreator: toDebugLog(log),
    retry: { initialRetryTime: 300, retries: 8 },
    connectionTimeout: 3_000,
    requestTimeout: requestTimeoutMs,
  });
  return config.saslMechanism === 'none' ? kafka : explainingLogins(kafka, config);
}
