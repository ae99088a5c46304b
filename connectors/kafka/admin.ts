// Topic administration for `topology apply`: create what is missing, report what exists.
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import { SpamstreamError } from '../../core/errors.ts';

export interface TopicRequest {
  readonly name: string;
  readonly partitions: number;
  /** -1: the broker's default.replication.factor. */
  readonly replicationFactor: number;
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
      await createTopicsAndWait(
        admin,
        missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        })),
      );
    }
    const metadata = await topicsWithLeaders(
      admin,
      topics.map((topic) => topic.name),
    );
    const partitions = new Map(metadata.map((topic) => [topic.name, topic.partitions.length]));
    return topics.map((topic) => ({
      name: topic.name,
      state: existing.has(topic.name) ? 'exists' : 'created',
      partitions: partitions.get(topic.name) ?? 0,
    }));
  } catch (error) {
    const refused = refusedTopics(error, topics);
    if (refused)
      throw new SpamstreamError('BROKER_REJECTED', `Kafka refused to create the topics with ${refused}`, {
        cause: error,
      });
    throw new SpamstreamError('BROKER_UNAVAILABLE', `could not create topics: ${(error as Error).message}`, {
      cause: error,
    });
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

/** What the settings asked and Kafka refused (no retry helps), in words naming the setting. */
function refusedTopics(error: unknown, topics: readonly TopicRequest[]): string | undefined {
  const causes = (error as { errors?: { type?: string; message?: string }[] }).errors ?? [error as { type?: string }];
  const replication = causes.find((cause) => cause?.type === 'INVALID_REPLICATION_FACTOR') as
    | { message?: string }
    | undefined;
  if (!replication) return undefined;
  const asked = Math.max(...topics.map((topic) => topic.replicationFactor));
  return `${asked} replicas each (${replication.message ?? 'invalid replication factor'}): SPAMSTREAM_TOPIC_REPLICATION asks for more replicas than the cluster has brokers`;
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own wait retries only
 * LEADER_NOT_AVAILABLE, but a KRaft broker whose metadata lags the controller (right after a
 * start, when the servers share two cores) answers UNKNOWN_TOPIC_OR_PARTITION for a topic created
 * a moment ago, and kafkajs gives up: so create, then poll the metadata.
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  await topicsWithLeaders(
    admin,
    topics.map((t) => t.topic),
    timeoutMs,
  );
}

type TopicMetadata = Awaited<ReturnType<Admin['fetchTopicMetadata']>>['topics'];

/**
 * The topics' metadata once every partition has a leader, asked again while a broker does not know
 * them yet. On a cluster each request may go to another broker, and one that lags the controller
 * answers UNKNOWN_TOPIC_OR_PARTITION for a topic another has just reported: every read of a topic
 * made a moment ago goes through here.
 */
export async function topicsWithLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  names: readonly string[],
  timeoutMs = 30_000,
): Promise<TopicMetadata> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: [...names] });
      if (
        found.length === names.length &&
        found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return found;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A consumer group's committed offset per partition of a topic (partitions without one are left out). */
export async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const [found] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(
      (found?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, BigInt(p.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes a consumer group (a throw-away reader's); a group already gone counts as deleted. A group
 * that still has members is tried again, `attempts` times in all, then the refusal is thrown.
 */
export async function deleteGroup(kafka: Kafka, groupId: string, attempts = 10): Promise<void> {
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
        if (type !== 'NON_EMPTY_GROUP' || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Each partition's first (`low`) and next (`high`) offset. */
export async function topicOffsets(
  kafka: Kafka,
  topic: string,
): Promise<{ partition: number; low: bigint; high: bigint }[]> {
  return withAdmin(kafka, async (admin) =>
    (await admin.fetchTopicOffsets(topic))
      .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
      .sort((a, b) => a.partition - b.partition),
  );
}

/** Per partition, the first offset whose record timestamp is at or after `timestamp` (the end if none). */
export async function offsetsAtTime(kafka: Kafka, topic: string, timestamp: number): Promise<Map<number, bigint>> {
  return withAdmin(
    kafka,
    async (admin) =>
      new Map((await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)).map((o) => [o.partition, BigInt(o.offset)])),
  );
}

export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
}

/** The members of a consumer group now (none when it is empty or unknown). */
export async function groupMembers(kafka: Kafka, groupId: string): Promise<GroupMember[]> {
  return withAdmin(kafka, async (admin) => {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map(({ memberId, clientId, clientHost }) => ({ memberId, clientId, clientHost }));
  });
}

/** Moves a consumer group's committed offsets; Kafka refuses while the group has members. */
export async function setGroupOffsets(
  kafka: Kafka,
  groupId: string,
  topic: string,
  offsets: ReadonlyMap<number, bigint>,
): Promise<void> {
  await withAdmin(kafka, (admin) =>
    admin.setOffsets({
      groupId,
      topic,
      partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
    }),
  );
}

async function withAdmin<T>(kafka: Kafka, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
