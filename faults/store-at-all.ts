// The online store read back at consistency ALL once a cluster scenario is over: every replica must
// answer, and the answer is the newest of theirs, so a row the cluster acknowledged and then lost on
// every replica shows as missing, while one lost on a single replica (a killed node's unsynced commit
// log) is repaired from the others.
import cassandra from 'cassandra-driver';
import { TABLES } from '../connectors/cassandra/tables.ts';
import { viewIds } from '../features/index.ts';
import type { Harness } from './harness.ts';

const IDS_PER_QUERY = 100;
const QUERIES_IN_FLIGHT = 8;

const ATTEMPTS = 5;

/**
 * A node just started again may time out a read at ALL while it catches up (replaying hints,
 * compacting, on two busy cores): tried again a few seconds later, up to ATTEMPTS times.
 */
async function withRetries<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  }
}

/** Entries (views, or model versions) each id has in `table`, read at ALL. */
async function entries(client: cassandra.Client, table: string, ids: readonly string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const slices: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) slices.push(ids.slice(i, i + IDS_PER_QUERY));
  let next = 0;
  await Promise.all(
    Array.from({ length: QUERIES_IN_FLIGHT }, async () => {
      while (next < slices.length) {
        const slice = slices[next++]!;
        const result = await withRetries(() =>
          client.execute(`SELECT sms_id, encoded FROM ${table} WHERE sms_id IN ?`, [slice], {
            prepare: true,
            consistency: cassandra.types.consistencies.all,
          }),
        );
        for (const row of result.rows)
          found.set(row.get('sms_id') as string, Object.keys(row.get('encoded') ?? {}).length);
      }
    }),
  );
  return found;
}

/** Checks every message sent has all its feature views and a prediction per model in the store, read at ALL. */
export async function checkStoreAtAll(h: Harness): Promise<void> {
  const { contactPoints, localDataCenter, keyspace } = h.config.cassandra;
  const client = new cassandra.Client({
    contactPoints: [...contactPoints],
    localDataCenter,
    keyspace,
    socketOptions: { readTimeout: 30_000 },
  });
  try {
    const ids = [...new Set(h.load.sentIds)];
    const features = await entries(client, TABLES.features, ids);
    const predictions = await entries(client, TABLES.predictions, ids);
    const missing = ids.filter(
      (id) => (features.get(id) ?? 0) < viewIds.length || (predictions.get(id) ?? 0) < h.models,
    );
    const detail = (id: string) => `${id}: ${features.get(id) ?? 0} views, ${predictions.get(id) ?? 0} predictions`;
    h.check(
      missing.length === 0,
      `${missing.length} of ${ids.length} messages without all their rows, read at ALL, e.g. ` +
        missing.slice(0, 3).map(detail).join('; '),
    );
    h.note(`store read at ALL: all rows of ${ids.length - missing.length} of ${ids.length} messages`);
  } finally {
    await client.shutdown();
  }
}
