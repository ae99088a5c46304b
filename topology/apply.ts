// `topology apply`: topics, value schemas (TopicNameStrategy, BACKWARD) and the online-store
// tables. Every step is idempotent, so it runs at every start.
import type { Config } from '../config/config.ts';
import { TABLES } from '../connectors/cassandra/tables.ts';
import { loadSchema } from '../schemas/index.ts';
import { type TopicSpec, topicSpecs, valueSubject } from './topics.ts';

export interface ApplyPorts {
  ensureTopics(topics: readonly TopicSpec[]): Promise<readonly { name: string; state: 'created' | 'exists'; partitions: number }[]>;
  registerSchema(subject: string, schema: object): Promise<number>;
  applyStoreSchema(): Promise<void>;
}

export interface ApplyReport {
  readonly topics: readonly { name: string; state: 'created' | 'exists'; partitions: number }[];
  readonly subjects: readonly { subject: string; id: number }[];
  readonly keyspace: string;
}

export async function applyTopology(ports: ApplyPorts, config: Pick<Config, 'topics' | 'cassandra'>): Promise<ApplyReport> {
  const specs = topicSpecs(config.topics);
  const topics = await ports.ensureTopics(specs);
  const subjects = [];
  for (const spec of specs) {
    const subject = valueSubject(spec.name);
    subjects.push({ subject, id: await ports.registerSchema(subject, loadSchema(spec.schema)) });
  }
  await ports.applyStoreSchema();
  return { topics, subjects, keyspace: config.cassandra.keyspace };
}

export function formatApplyReport(report: ApplyReport): string {
  return [
    ...report.topics.map((t) => `topic   ${t.name.padEnd(18)} ${t.state} (${t.partitions} partitions)`),
    ...report.subjects.map((s) => `schema  ${s.subject.padEnd(24)} id ${s.id} (BACKWARD)`),
    `store   keyspace ${report.keyspace}: ${Object.values(TABLES).join(', ')}`,
  ].join('\n');
}
