// Topic creation that tolerates KRaft's metadata lag. kafkajs's `createTopics({ waitForLeaders: true })`
// retries only LEADER_NOT_AVAILABLE, but a KRaft broker whose metadata has not yet caught up with the
// controller answers UNKNOWN_TOPIC_OR_PARTITION for a topic created a moment ago (seen right after a
// fresh start, when three JVMs share two cores), and kafkajs gives up. So: create, then poll.
import type { Admin } from 'kafkajs';

export async function createTopicsAndWait(admin: Admin, topics: { topic: string; numPartitions?: number }[], timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      const led = found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
      if (led && found.length === topics.length) return;
    } catch (error) {
      if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' && (error as { type?: string }).type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.map((t) => t.topic).join(', ')} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
