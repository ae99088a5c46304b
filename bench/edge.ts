// The HTTP edge on the real stack, beside its ceiling: `spamstream run edge` as a child process
// (rate limit lifted) serving `GET /features/:id` of 1,000 stored messages to `concurrency`
// closed-loop clients, then in an open loop at a fixed rate; and its ceiling, the same point reads
// straight through the store connector (cassandra-driver, no HTTP) from this process at the same
// concurrency and rate. The edge, this load generator and Cassandra share the machine's cores, so
// the two run interleaved, round after round (bench/rounds.ts), and each round gives a ratio.
import { loadConfig } from '../config/config.ts';
import { createCassandraClient, createCassandraStores } from '../connectors/cassandra/store.ts';
import { applyOnlineStoreSchema } from '../connectors/cassandra/schema.ts';
import { featureViews } from '../features/index.ts';
import { httpClient } from './http-load.ts';
import { type Call, type RoundOptions, interleavedRounds, medianResult, median, ratio } from './rounds.ts';
import { type LoadResult, freePort, sampleRss, startCli } from './support.ts';

export interface EdgeFigures {
  readonly concurrency: number;
  readonly fixedRate: number;
  readonly rounds: number;
  /** Medians over the rounds. */
  readonly edge: LoadResult;
  readonly rawReads: LoadResult;
  readonly edgeAtRate: LoadResult;
  readonly rawReadsAtRate: LoadResult;
  readonly query: LoadResult;
  /** Per round: edge req/s ÷ driver reads/s (closed loop), and edge p99 ÷ driver p99 at the fixed rate. */
  readonly throughputRatios: readonly number[];
  readonly p99RatiosAtRate: readonly number[];
  readonly rssMb: number;
}

type Config = ReturnType<typeof loadConfig>;

/** Writes every feature view of `count` messages, as the features processor stores them; returns their ids. */
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

/** Point reads of the features of `ids` through the store connector alone: the edge's ceiling. */
export async function driverReads(config: Config, ids: readonly string[]) {
  const stores = await createCassandraStores(config.cassandra);
  const read: Call = async (i) => (await stores.features.getFeatures(ids[i % ids.length]!)).length > 0;
  return { read, close: () => stores.close() };
}

/** The edge's HTTP calls of the benchmark, on a keep-alive client of `sockets` connections. */
export function edgeCalls(port: number, sockets: number, ids: readonly string[]) {
  const http = httpClient(port, sockets);
  const ok = (status: number) => status === 200;
  const get: Call = async (i) => ok(await http.get(`/features/${ids[i % ids.length]}`));
  const query: Call = async (i) =>
    ok(await http.post('/features/query', { smsIds: ids.slice(i % 990, (i % 990) + 10) }));
  return { get, query, close: () => http.close() };
}

export async function edgeBench(
  texts: readonly string[],
  options: Omit<RoundOptions, 'rounds'> & { rounds?: number },
): Promise<EdgeFigures> {
  const roundOptions = { rounds: 3, ...options };
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
  const calls = edgeCalls(port, options.concurrency, ids);
  const driver = await driverReads(config, ids);
  const rss = sampleRss([edge.process.pid!]);
  try {
    await edge.waitFor(/edge listening on/);
    const rounds = await interleavedRounds(
      { edge: calls.get, driver: driver.read, query: calls.query },
      { edge: calls.get, driver: driver.read },
      roundOptions,
    );
    const closed = (name: 'edge' | 'driver' | 'query') => medianResult(rounds.map((r) => r.closed[name]));
    const atRate = (name: 'edge' | 'driver') => medianResult(rounds.map((r) => r.atRate[name]));
    return {
      concurrency: options.concurrency,
      fixedRate: options.rate,
      rounds: roundOptions.rounds,
      edge: closed('edge'),
      rawReads: closed('driver'),
      edgeAtRate: atRate('edge'),
      rawReadsAtRate: atRate('driver'),
      query: closed('query'),
      throughputRatios: rounds.map((r) => ratio(r.closed.edge.perSecond, r.closed.driver.perSecond)),
      p99RatiosAtRate: rounds.map((r) => ratio(r.atRate.edge.p99, r.atRate.driver.p99)),
      rssMb: rss.peaks()[0]!,
    };
  } finally {
    rss.stop();
    calls.close();
    await driver.close();
    await edge.stop();
  }
}

export const medianRatio = (ratios: readonly number[]) => (ratios.length > 0 ? median(ratios) : Number.NaN);
