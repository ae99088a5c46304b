// Wires the real connectors from the configuration. Each command connects only what it uses:
// `produce` needs Kafka and the registry, `run scoring` adds Cassandra and the models.
import { type Config, postgresConnectionUrl } from '../config/config.ts';
import { type Log, silentLog } from '../core/log.ts';
import type { Metrics } from '../core/metrics.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource, RecordWriter, TransactionalWriter } from '../connectors/kafka.ts';
import { createTransactionalWriter } from '../connectors/kafka/transactional-writer.ts';
import {
  type GroupMember,
  committedOffsets,
  deleteGroup,
  endOffsets,
  ensureTopics,
  groupMembers,
  pingKafka,
  setGroupOffsets,
} from '../connectors/kafka/admin.ts';
import { createKafkaClient } from '../connectors/kafka/client.ts';
import { compressTopics } from '../connectors/kafka/compression.ts';
import { createKafkaSource } from '../connectors/kafka/source.ts';
import { createKafkaWriter } from '../connectors/kafka/writer.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import { type CassandraStores, createCassandraClient, createCassandraStores } from '../connectors/cassandra/store.ts';
import { applyOnlineStoreSchema } from '../connectors/cassandra/schema.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { type SchemaRegistryClient, createSchemaRegistryClient } from '../connectors/registry/schema-registry.ts';
import type { ApplyPorts } from '../topology/apply.ts';
import { connectorConfig, putConnector } from '../connectors/cdc/connector-rest.ts';
import type { Inbox } from '../connectors/inbox.ts';
import { createPostgresInbox } from '../connectors/postgres/inbox.ts';
import { applyInboxSchema } from '../connectors/postgres/schema.ts';
import pg from 'pg';
import type { SourceOptions, TopologyPorts } from '../topology/build.ts';
import type { FeatureStore, PredictionStore } from '../connectors/online-store.ts';
import type { LabelStore } from '../connectors/label-store.ts';
import { selectViews } from '../features/index.ts';
import { scoringModelOf } from '../models/scoring.ts';
import { type Parsed, resolveOffsets } from './offsets.ts';

export interface Messaging {
  readonly writer: RecordWriter;
  readonly codec: RecordCodec;
  readonly registry: SchemaRegistryClient;
  openSource(options: SourceOptions & { closeTimeoutMs?: number }): RecordSource;
  openTransactionalWriter(groupId: string): TransactionalWriter;
  pingKafka(): Promise<void>;
  /** The offset the next record of each partition will get. */
  endOffsets(topic: string): Promise<Map<number, bigint>>;
  /** A consumer group's committed offset per partition. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>>;
  /**
   * Deletes a consumer group that no member uses any more (its source is closed), so one-off readers
   * (`consume`, the live page) leave nothing behind. A group that does not exist counts as deleted.
   */
  deleteGroup(groupId: string): Promise<void>;
  close(): Promise<void>;
}

export function connectMessaging(
  config: Pick<Config, 'kafka' | 'registry' | 'pipeline' | 'topics'>,
  metrics?: Metrics,
  log: Log = silentLog,
): Messaging {
  const kafka = createKafkaClient(config.kafka, '', log);
  const compressionOf = compressTopics(config.topics.compression, config.topics.compressed);
  const writer = createKafkaWriter(kafka, { compressionOf });
  const { pipeline } = config;
  // Transactions must finish well within the broker's transaction timeout: a tighter request timeout.
  const transactionalKafka = createKafkaClient(
    config.kafka,
    '-tx',
    log,
    Math.max(1_000, Math.floor(pipeline.transactionTimeoutMs / 3)),
  );
  const registry = createSchemaRegistryClient(config.registry);
  return {
    writer,
    codec: createAvroCodec(registry.lookup),
    registry,
    openSource: (options) =>
      createKafkaSource(kafka, {
        sessionTimeoutMs: pipeline.sessionTimeoutMs,
        drainTimeoutMs: pipeline.drainTimeoutMs,
        fetchMaxBytes: pipeline.fetchMaxBytes,
        debug: (line) => log.debug(line),
        warn: (line) => log.warn(line),
        ...options,
        metrics,
      }),
    // One transactional id per input partition, the same on every instance: whoever owns a
    // partition now fences whoever owned it before (connectors/kafka/transactional-writer.ts).
    openTransactionalWriter: (groupId) =>
      createTransactionalWriter(transactionalKafka, {
        groupId,
        transactionalIdPrefix: groupId,
        transactionTimeoutMs: pipeline.transactionTimeoutMs,
        compressionOf,
        committedOffset: async (group, input) =>
          (await committedOffsets(kafka, group, input.topic)).get(input.partition)?.toString(),
      }),
    pingKafka: () => pingKafka(kafka),
    endOffsets: (topic) => endOffsets(kafka, topic),
    committedOffsets: (groupId, topic) => committedOffsets(kafka, groupId, topic),
    deleteGroup: (groupId) => deleteGroup(kafka, groupId),
    close: () => writer.close(),
  };
}

/** What `replay` and `reset` do with a consumer group and the offsets of its input topics. */
export interface GroupAdmin {
  /** The group's members now: none while no instance of it runs. */
  groupMembers(groupId: string): Promise<GroupMember[]>;
  /** The group's committed offset per partition of `topic`; partitions without one are left out. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>>;
  /** Moves the group's committed offsets; Kafka refuses while the group has members. */
  setGroupOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, bigint>): Promise<void>;
  /** Every partition's offset for a spec: earliest, latest, the first record at a time, or offsets clamped. */
  resolveOffsets(topic: string, spec: Parsed): Promise<Map<number, bigint>>;
}

export function connectGroupAdmin(config: Pick<Config, 'kafka'>, clientSuffix: string): GroupAdmin {
  const kafka = createKafkaClient(config.kafka, clientSuffix);
  return {
    groupMembers: (groupId) => groupMembers(kafka, groupId),
    committedOffsets: (groupId, topic) => committedOffsets(kafka, groupId, topic),
    setGroupOffsets: (groupId, topic, offsets) => setGroupOffsets(kafka, groupId, topic, offsets),
    resolveOffsets: (topic, spec) => resolveOffsets(kafka, topic, spec),
  };
}

/** A plain writer with a client of its own: a failure of its producer retires no other one. */
export function connectOwnWriter(
  config: Pick<Config, 'kafka'>,
  clientSuffix: string,
  log: Log = silentLog,
): RecordWriter {
  return createKafkaWriter(createKafkaClient(config.kafka, clientSuffix, log));
}

/** The topology's ports over real connections: what `start`, `run`, `replay` and the tests wire. */
export function topologyPorts(
  config: Pick<Config, 'pipeline'>,
  messaging: Messaging,
  stores: { readonly features: FeatureStore; readonly predictions: PredictionStore; readonly labels: LabelStore },
  models: readonly SpamModel[],
  extra: { readonly metrics?: Metrics; readonly log?: Log } = {},
): TopologyPorts {
  return {
    openSource: (options) => messaging.openSource(options),
    openTransactionalWriter: (groupId) => messaging.openTransactionalWriter(groupId),
    writer: messaging.writer,
    codec: messaging.codec,
    featureStore: stores.features,
    predictionStore: stores.predictions,
    labelStore: stores.labels,
    views: selectViews(config.pipeline.views),
    models: models.map(scoringModelOf),
    metrics: extra.metrics,
    log: extra.log,
  };
}

export function connectStores(config: Pick<Config, 'cassandra'>): Promise<CassandraStores> {
  return createCassandraStores(config.cassandra);
}

export async function connectModels(config: Pick<Config, 'pipeline'>): Promise<SpamModel[]> {
  // Imported here, so commands that never score (produce, consume, topology) skip the native runtime.
  const { loadModels } = await import('../connectors/onnx/load.ts');
  return loadModels(config.pipeline.modelsDir, config.pipeline.models, { extraDirs: [config.pipeline.localModelsDir] });
}

/** What `topology apply` needs, from a messaging connection and the Cassandra settings. */
export function applyPorts(
  config: Pick<Config, 'kafka' | 'cassandra' | 'cdc' | 'topics'>,
  messaging: Messaging,
): ApplyPorts {
  return {
    ...(config.cdc.enabled ? { cdc: cdcApplyPorts(config) } : {}),
    ensureTopics: (topics) => ensureTopics(createKafkaClient(config.kafka, '-admin'), topics),
    registerSchema: (subject, schema) => messaging.registry.register(subject, schema),
    async applyStoreSchema() {
      const client = createCassandraClient(config.cassandra);
      try {
        await applyOnlineStoreSchema(client, config.cassandra);
      } finally {
        await client.shutdown();
      }
    },
  };
}

/** The inbox table and the connector, for `topology apply` when CDC is on. */
function cdcApplyPorts(config: Pick<Config, 'cdc' | 'topics'>): NonNullable<ApplyPorts['cdc']> {
  return {
    async applyInbox() {
      const connectionString = postgresConnectionUrl(config.cdc);
      const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        await applyInboxSchema(client, config.cdc.schema);
      } finally {
        await client.end();
      }
    },
    registerConnector: () =>
      putConnector(config.cdc.connectUrl, config.cdc.connector, connectorConfig(config.cdc, config.topics)),
  };
}

export function connectInbox(config: Pick<Config, 'cdc'>): Inbox {
  return createPostgresInbox({ url: postgresConnectionUrl(config.cdc), schema: config.cdc.schema });
}
