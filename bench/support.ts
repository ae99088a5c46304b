// Helpers shared by the benchmarks.
import type { Messaging } from '../runtime/connect.ts';
import { type ReadOptions, readTopic } from '../test/support/read-topic.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records of a whole topic (read committed), and distinct keys among them as `keyOf` gives them. */
export async function countRecords<T>(
  messaging: Pick<Messaging, 'codec'>,
  topic: string,
  keyOf?: (value: T) => string,
  options: ReadOptions<T> = {},
): Promise<{ total: number; distinct: number }> {
  const records = await readTopic<T>(messaging, topic, options);
  return { total: records.length, distinct: keyOf ? new Set(records.map((r) => keyOf(r.value))).size : records.length };
}
