// `topology apply`: topics, value schemas (TopicNameStrategy, BACKWARD) and the online-store
// tables; with CDC on, also the inbox table in PostgreSQL and the Debezium connector (after its
// topic, since the broker does not auto-create topics). Every step is idempotent, so it runs at every start.
import type { Config } from '../config/config.ts';
import { TABLES } from '../connectors/cassandra/tables.ts';
import { loadSchema } from '../schemas/index.ts';
import { type TopicSpec, cdcTopicSpec, topicSpecs, valueSubject } from './topics.ts';

export interface ApplyPorts {
  ensureTopics(
    topics: readonly TopicSpec[],
  ): Promise<readonly { name: string; state: 'created' | 'exists'; partitions: number }[]>;
  registerSchema(subject: string, schema: object): Promise<number>;
  applyStoreSchema(): Promise<void>;
  /** Present when CDC is on. */
  readonly cdc?: {
    /** Creates the inbox table (REPLICA IDENTITY FULL) if missing. */
    applyInbox(): Promise<void>;
    /** PUTs the connector configuration to Kafka Connect. */
    registerConnector(): Promise<'created' | 'updated'>;
  };
}

export interface ApplyReport {
  readonly topics: readonly { name: string; state: 'created' | 'exists'; partitions: number }[];
  readonly subjects: readonly { subject: string; id: number }[];
  readonly keyspace: string;
  readonly cdc?: { readonly table: string; readonly connector: string; readonly state: 'created' | 'updated' };
}

export async function applyTopology(
  ports: ApplyPorts,
  config: Pick<Config, 'topics' | 'cassandra' | 'cdc'>,
): Promise<ApplyReport> {
  const cdc = config.cdc.enabled ? ports.cdc : undefined;
  const specs = [...topicSpecs(config.topics), ...(cdc ? [cdcTopicSpec(config.topics)] : [])];
  const topics = await ports.ensureTopics(specs);
  const subjects = [];
  for (const spec of specs) {
    if (!spec.schema) continue;
    const subject = valueSubject(spec.name);
    subjects.push({ subject, id: await ports.registerSchema(subject, loadSchema(spec.schema)) });
  }
  await ports.applyStoreSchema();
  if (!cdc) return { topics, subjects, keyspace: config.cassandra.keyspace };
  await cdc.applyInbox();
  const state = await cdc.registerConnector();
  return {
    topics,
    subjects,
    keyspace: config.cassandra.keyspace,
    cdc: { table: `${config.cdc.schema}.smss_by_users`, connector: config.cdc.connector, state },
  };
}

export function formatApplyReport(report: ApplyReport): string {
  return [
    ...report.topics.map((t) => `topic   ${t.name.padEnd(18)} ${t.state} (${t.partitions} partitions)`),
    ...report.subjects.map((s) => `schema  ${s.subject.padEnd(24)} id ${s.id} (BACKWARD)`),
    `store   keyspace ${report.keyspace}: ${Object.values(TABLES).join(', ')}`,
    ...(report.cdc
      ? [
          `inbox   table ${report.cdc.table} (REPLICA IDENTITY FULL)`,
          `cdc     connector ${report.cdc.connector} ${report.cdc.state}`,
        ]
      : []),
  ].join('\n');
}
