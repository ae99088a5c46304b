// Topic administration for `topology apply`: create what is missing, report what exists.
import type { Kafka } from 'kafkajs';
import { SpamstreamError } from '../../core/errors.ts';

export interface TopicRequest {
  readonly name: string;
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface TopicOutcome {
  readonly name: string;
  readonly state: 'created' | 'exists';
  readonly partitions: number;
}

/** Idempotent: existing topics are left as they are (their partition count is reported). */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicRequest[]): Promise<TopicOutcome[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: -1, // the broker's default.replication.factor
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const metadata = await admin.fetchTopicMetadata({ topics: topics.map((topic) => topic.name) });
    const partitions = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
    return topics.map((topic) => ({ name: topic.name, state: existing.has(topic.name) ? 'exists' : 'created', partitions: partitions.get(topic.name) ?? 0 }));
  } catch (error) {
    throw new SpamstreamError('BROKER_UNAVAILABLE', `could not create topics: ${(error as Error).message}`, { cause: error });
  } finally {
    await admin.disconnect();
  }
}

/** Readiness: the cluster answers a metadata request. */
export async function pingKafka(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

/** The end (high watermark) of each partition of a topic: the offset the next record will get. */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}
