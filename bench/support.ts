// Helpers shared by the benchmarks.
import type { Messaging } from '../runtime/connect.ts';
import { readTopic } from '../test/support/read-topic.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records of a whole topic, and distinct keys among them as `keyOf` gives them. */
export async function countRecords<T>(messaging: Messaging, topic: string, keyOf?: (value: T) => string): Promise<{ total: number; distinct: number }> {
  const records = await readTopic<T>(messaging, topic);
  return { total: records.length, distinct: keyOf ? new Set(records.map((r) => keyOf(r.value))).size : records.length };
}
