// Wires the real connectors from the configuration. Each command connects only what it uses:
// `produce` needs Kafka and the registry, `run scoring` adds Cassandra and the models.
import type { Config } from '../config/config.ts';
import type { Metrics } from '../core/metrics.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import type { RecordSource, RecordWriter, TransactionalWriter } from '../connectors/kafka.ts';
import { createTransactionalWriter } from '../connectors/kafka/transactional-writer.ts';
import { committedOffsets, endOffsets, ensureTopics, pingKafka } from '../connectors/kafka/admin.ts';
import { createKafkaClient } from '../connectors/kafka/client.ts';
import { createKafkaSource } from '../connectors/kafka/source.ts';
import { createKafkaWriter } from '../connectors/kafka/writer.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import { type CassandraStores, createCassandraClient, createCassandraStores } from '../connectors/cassandra/store.ts';
import { applyOnlineStoreSchema } from '../connectors/cassandra/schema.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { type SchemaRegistryClient, createSchemaRegistryClient } from '../connectors/registry/schema-registry.ts';
import type { ApplyPorts } from '../topology/apply.ts';
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
  /**
   * Deletes a consumer group that no member uses any more (its source is closed), so one-off readers
   * (`consume`, the live page) leave nothing behind. A group that does not exist counts as deleted.
   */
  deleteGroup(groupId: string): Promise<void>;
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
    deleteGroup: (groupId) => deleteGroup(kafka, groupId),
    close: () => writer.close(),
  };
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  const errorType = (error: unknown) =>
    (error as { groups?: { error?: { type?: string } }[] }).groups?.[0]?.error?.type;
  try {
    await admin.connect();
    // The coordinator may still count a member that has just left: retry briefly while it is non-empty.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.deleteGroups([groupId]);
        return;
      } catch (error) {
        const type = errorType(error);
        if (type === 'GROUP_ID_NOT_FOUND') return;
        if (type !== 'NON_EMPTY_GROUP' || attempt === 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

export function connectStores(config: Pick<Config, 'cassandra'>): Promise<CassandraStores> {
  return createCassandraStores(config.cassandra);
}

export async function connectModels(config: Pick<Config, 'pipeline'>): Promise<SpamModel[]> {
  // Imported here, so commands that never score (produce, consume, topology) skip the native runtime.
  const { loadModels } = await import('../connectors/onnx/load.ts');
  return loadModels(config.pipeline.modelsDir, config.pipeline.models);
}

/** What `topology apply` needs, from a messaging connection and the Cassandra settings. */
export function applyPorts(config: Pick<Config, 'kafka' | 'cassandra'>, messaging: Messaging): ApplyPorts {
  return {
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
