// Waits until a consumer group whose id starts with `prefix` is stable with its partitions assigned:
// a reader that starts "from now" (the edge's live feeds) has fixed its "now" only then.
import type { KafkaConfig } from '../config/config.ts';
import { createKafkaClient } from '../connectors/kafka/client.ts';
import { waitUntil } from './wait-until.ts';

export async function groupAssigned(kafka: KafkaConfig, prefix: string, timeoutMs = 60_000): Promise<string> {
  const admin = createKafkaClient(kafka, '-group-wait').admin();
  await admin.connect();
  let found = '';
  try {
    await waitUntil(
      `a group ${prefix}… has its partitions`,
      async () => {
        const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
        if (ids.length === 0) return false;
        const { groups } = await admin.describeGroups(ids);
        const stable = groups.find((g) => g.state === 'Stable' && g.members.some((m) => m.memberAssignment.length > 0));
        found = stable?.groupId ?? '';
        return stable !== undefined;
      },
      { timeoutMs, intervalMs: 200 },
    );
    return found;
  } finally {
    await admin.disconnect();
  }
}
