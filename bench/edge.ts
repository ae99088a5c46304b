// The HTTP edge on the real stack, beside its ceiling: `spamstream run edge` as a child process
// (rate limit lifted), `GET /features/:id` of 1,000 stored messages from `concurrency` closed-loop
// clients, then an open loop at a fixed rate; and the same point reads straight through
// cassandra-driver from this process at the same concurrency (what the edge cannot beat).
import { loadConfig } from '../config/config.ts';
import { createCassandraClient, createCassandraStores } from '../connectors/cassandra/store.ts';
import { applyOnlineStoreSchema } from '../connectors/cassandra/schema.ts';
import { featureViews } from '../features/index.ts';
import { type LoadResult, closedLoop, freePort, httpClient, openLoop, sampleRss, startCli } from './support.ts';

export interface EdgeFigures {
  readonly concurrency: number;
  readonly edge: LoadResult;
  readonly rawReads: LoadResult;
  readonly rawReadsAtRate: LoadResult;
  readonly query: LoadResult;
  readonly fixedRate: number;
  readonly edgeAtRate: LoadResult;
  readonly rssMb: number;
}

/** Writes every feature view of `count` messages, as the features processor stores them; returns their ids. */
type Config = ReturnType<typeof loadConfig>;
interface LoadOptions {
  concurrency: number;
  seconds: number;
  rate: number;
  rateSeconds: number;
}

export async function storeFeatureRows(config: Config, texts: readonly string[], count: number): Promise<string[]> {
  const schemaClient = createCassandraClient(config.cassandra);
  await applyOnlineStoreSchema(schemaClient, config.cassandra).finally(() => schemaClient.shutdown());
  const run = `edge${Date.now().toString(36)}`;
  const ids = Array.from({ length: count }, (_, i) => `${run}-${i}`);
  const stores = await createCassandraStores(config.cassandra);
  const now = Date.now();
  await stores.features.putFeatures(
    ids.flatMap((smsId, i) =>
      featureViews.map((view) => ({
        smsId,
        view: view.id,
        viewVersion: view.version,
        values: view.compute(texts[i % texts.length]!),
        eventTime: now,
        computedAt: now,
      })),
    ),
  );
  await stores.close();
  return ids;
}

/**
 * Point reads of the features of `ids` through the store connector alone (cassandra-driver, no
 * HTTP): the edge's ceiling, in a closed loop at the same concurrency and an open loop at the same rate.
 */
export async function rawReads(
  config: Config,
  ids: readonly string[],
  options: LoadOptions,
): Promise<{ closed: LoadResult; atRate: LoadResult }> {
  const stores = await createCassandraStores(config.cassandra);
  try {
    const readOne = async (i: number) => (await stores.features.getFeatures(ids[i % ids.length]!)).length > 0;
    await readOne(0); // prepares the statement before the clock starts
    const closed = await closedLoop(options, readOne);
    const atRate = await openLoop({ rate: options.rate, seconds: options.rateSeconds }, readOne);
    return { closed, atRate };
  } finally {
    await stores.close();
  }
}

export async function edgeBench(texts: readonly string[], options: LoadOptions): Promise<EdgeFigures> {
  const port = await freePort();
  const env = {
    ...process.env,
    SPAMSTREAM_EDGE_PORT: String(port),
    SPAMSTREAM_RATE_LIMIT: '10000000',
    SPAMSTREAM_EDGE_LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const ids = await storeFeatureRows(config, texts, 1_000);
  const edge = startCli(['run', 'edge'], env);
  const http = httpClient(port, options.concurrency);
  const rss = sampleRss([edge.process.pid!]);
  try {
    await edge.waitFor(/edge listening on/);
    const ok = (status: number) => status === 200;
    // Warm-up: JIT, prepared statements, keep-alive sockets.
    const getOne = async (i: number) => ok(await http.get(`/features/${ids[i % ids.length]}`));
    await closedLoop({ concurrency: options.concurrency, seconds: 1 }, getOne);
    const edgeResult = await closedLoop(options, getOne);
    const query = await closedLoop(options, async (i) =>
      ok(await http.post('/features/query', { smsIds: ids.slice(i % 990, (i % 990) + 10) })),
    );
    const edgeAtRate = await openLoop({ rate: options.rate, seconds: options.rateSeconds }, getOne);
    const raw = await rawReads(config, ids, options);
    const rssMb = rss.peaks()[0]!;
    const { concurrency, rate: fixedRate } = options;
    const rawReadsAtRate = raw.atRate;
    return { concurrency, edge: edgeResult, rawReads: raw.closed, rawReadsAtRate, query, fixedRate, edgeAtRate, rssMb };
  } finally {
    rss.stop();
    http.close();
    await edge.stop();
  }
}
