// Wires the real connectors from the configuration. Each command connects only what it uses:
// `produce` needs Kafka and the registry, `run scoring` adds Cassandra and the models.
import type { Config } from '../config/config.ts';
import type { Metrics } from '../core/metrics.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RecordSource, RecordWriter, TransactionalWriter } from '../connectors/kafka.ts';
import { createTransactionalWriter } from '../connectors/kafka/transactional-writer.ts';
import { committedOffsets, endOffsets, ensureTopics, pingKafka } from '../connectors/kafka/admin.ts';
import { createKafkaClient } from '../connectors/kafka/client.ts';
import { createKafkaSource } from '../connectors/kafka/source.ts';
import { createKafkaWriter } from '../connectors/kafka/writer.ts';
import { type SpamModel, loadModels } from '../connectors/model-runtime.ts';
import { type CassandraStores, createCassandraClient, createCassandraStores } from '../connectors/cassandra/store.ts';
import { applyOnlineStoreSchema } from '../connectors/cassandra/schema.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { type SchemaRegistryClient, createSchemaRegistryClient } from '../connectors/registry/schema-registry.ts';
import type { ApplyPorts } from '../topology/apply.ts';
import { connectorConfig, putConnector } from '../connectors/cdc/connect.ts';
import type { Inbox } from '../connectors/inbox.ts';
import { createPostgresInbox } from '../connectors/postgres/inbox.ts';
import { applyInboxSchema } from '../connectors/postgres/schema.ts';
import pg from 'pg';
import type { SourceOptions } from '../topology/build.ts';

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
  close(): Promise<void>;
}

export function connectMessaging(config: Pick<Config, 'kafka' | 'registry' | 'pipeline'>, metrics?: Metrics): Messaging {
  const kafka = createKafkaClient(config.kafka);
  const writer = createKafkaWriter(kafka);
  const registry = createSchemaRegistryClient(config.registry);
  return {
    writer,
    codec: createAvroCodec(registry.lookup),
    registry,
    openSource: (options) => createKafkaSource(kafka, { ...options, metrics }),
    // Unique per instance: instances of one processor must never fence each other.
    openTransactionalWriter: (groupId) => createTransactionalWriter(kafka, { transactionalId: `${groupId}.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`, transactionTimeoutMs: config.pipeline.transactionTimeoutMs }),
    pingKafka: () => pingKafka(kafka),
    endOffsets: (topic) => endOffsets(kafka, topic),
    committedOffsets: (groupId, topic) => committedOffsets(kafka, groupId, topic),
    close: () => writer.close(),
  };
}

export function connectStores(config: Pick<Config, 'cassandra'>): Promise<CassandraStores> {
  return createCassandraStores(config.cassandra);
}

export function connectModels(config: Pick<Config, 'pipeline'>): Promise<SpamModel[]> {
  return loadModels(config.pipeline.modelsDir, config.pipeline.models);
}

/** What `topology apply` needs, from a messaging connection and the Cassandra settings. */
export function applyPorts(config: Pick<Config, 'kafka' | 'cassandra' | 'cdc' | 'topics'>, messaging: Messaging): ApplyPorts {
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
      const client = new pg.Client({ connectionString: config.cdc.postgresUrl, connectionTimeoutMillis: 5000 });
      await client.connect();
      try {
        await applyInboxSchema(client, config.cdc.schema);
      } finally {
        await client.end();
      }
    },
    registerConnector: () => putConnector(config.cdc.connectUrl, config.cdc.connector, connectorConfig(config.cdc, config.topics)),
  };
}

export function connectInbox(config: Pick<Config, 'cdc'>): Inbox {
  return createPostgresInbox({ url: config.cdc.postgresUrl, schema: config.cdc.schema });
}
