// What unlogged batches save the online store (connectors/cassandra/batched-writes.ts): the pipeline's own
// rows — one features UPDATE and one predictions UPDATE per message, as connectors/cassandra/store.ts
// writes them — sent one statement per request, or as unlogged batches of N messages (one batch per
// table), 128 messages in flight either way, variants interleaved round after round. Prints msg/s
// and the CPU per message of Cassandra (read from /proc, local stack only) and of this process.
//   node bench/store-batches.ts [--messages 15000] [--rounds 3] [--sizes 1,4,8] [--data …]
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { featureUpserts, predictionUpserts, upsertCql } from '../connectors/cassandra/rows.ts';
import { applyOnlineStoreSchema } from '../connectors/cassandra/schema.ts';
import { TABLES } from '../connectors/cassandra/schema.ts';
import { createCassandraClient } from '../connectors/cassandra/store.ts';
import { messageRows } from './store.ts';
import { DEFAULT_DATA, cpuMs, localServerPid, readTexts } from './support.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '15000' },
    rounds: { type: 'string', default: '3' },
    sizes: { type: 'string', default: '1,4,8' },
    data: { type: 'string', default: DEFAULT_DATA },
  },
});
const config = loadConfig(process.env);
const texts = await readTexts(args.data);
const messages = Number(args.messages);

/** CPU time of the local stack's Cassandra in ms, or undefined when it is not ours to read. */
function cassandraCpuMs(): number | undefined {
  const pid = localServerPid(config, 'cassandra');
  return pid === undefined ? undefined : cpuMs(pid);
}

const client = createCassandraClient(config.cassandra);
await applyOnlineStoreSchema(client, config.cassandra);
const featuresCql = upsertCql(`${config.cassandra.keyspace}.${TABLES.features}`);
const predictionsCql = upsertCql(`${config.cassandra.keyspace}.${TABLES.predictions}`);

/** The two upserts of one message: [features params, predictions params]. */
function messageUpserts(run: string, i: number): [unknown[], unknown[]] {
  const [views, models] = messageRows(`${run}-${i}`, texts[i % texts.length]!, ['v1', 'v2', 'v3']);
  return [featureUpserts(views)[0]!, predictionUpserts(models)[0]!];
}

/** Bytes of a message's map entries (the statement's second bind value, a map of view → entry). */
const entryBytes = (params: unknown[]) =>
  Object.values(params[1] as Record<string, Buffer>).reduce((sum, entry) => sum + entry.length, 0);

async function measure(size: number) {
  const runId = `batch${Date.now().toString(36)}`;
  const rows = Array.from({ length: messages }, (_, i) => messageUpserts(runId, i));
  const cpu = cassandraCpuMs();
  const own = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.round(128 / size)) }, async () => {
      while (next < rows.length) {
        const group = rows.slice(next, next + size);
        next += size;
        const [features, predictions] = [group.map(([f]) => f), group.map(([, p]) => p)];
        if (size === 1) {
          await Promise.all([client.execute(featuresCql, features[0]), client.execute(predictionsCql, predictions[0])]);
        } else {
          const batch = (cql: string, params: unknown[][]) =>
            client.batch(
              params.map((p) => ({ query: cql, params: p })),
              { prepare: true, logged: false },
            );
          await Promise.all([batch(featuresCql, features), batch(predictionsCql, predictions)]);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cassandraCpuMs();
  const used = process.cpuUsage(own);
  return {
    msgsPerSecond: Math.round(messages / seconds),
    cassandraUsPerMessage:
      cpu === undefined || cpuAfter === undefined ? null : Math.round(((cpuAfter - cpu) * 1000) / messages),
    clientUsPerMessage: Math.round((used.user + used.system) / messages),
    batchBytes: { features: entryBytes(rows[0]![0]) * size, predictions: entryBytes(rows[0]![1]) * size },
  };
}

try {
  for (let round = 1; round <= Number(args.rounds); round += 1)
    for (const size of args.sizes.split(',').map(Number))
      console.log(
        `round ${round} · ${size === 1 ? 'one statement a request' : `batches of ${size}`}`,
        JSON.stringify(await measure(size)),
      );
} finally {
  await client.shutdown();
}
