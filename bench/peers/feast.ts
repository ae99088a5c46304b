// Peer: Feast's feature server serving the same feature values (views v1 and v2 of the same
// messages) from the same Cassandra node. The bench builds a feature repository under
// .cache/bench-peers/feast (definitions from feast_definitions.py, parquet from feast_data.py),
// runs `feast apply` and `feast materialize`, then `feast serve` with one worker, and loads
// `POST /get-online-features` for one id (all 133 features) like `GET /features/:id`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/config.ts';
import { createCassandraClient } from '../../connectors/cassandra/store.ts';
import { featureViews } from '../../features/index.ts';
import { type LoadResult, closedLoop, freePort, httpClient, sleep, startChild } from '../support.ts';
import { PEERS_CACHE, PEERS_DIR, peersVenv } from './python.ts';

const KEYSPACE = 'spamstream_feast';
const PROJECT = 'spamstream_bench';

function featureStoreYaml(config: Config): string {
  const [host, port] = config.cassandra.contactPoints[0]!.split(':');
  return [
    `project: ${PROJECT}`,
    'provider: local',
    'registry: data/registry.db',
    'entity_key_serialization_version: 3',
    'online_store:',
    '  type: cassandra',
    `  hosts: [${host}]`,
    `  port: ${port ?? 9042}`,
    `  keyspace: ${KEYSPACE}`,
    '  protocol_version: 5',
    '  load_balancing:',
    `    local_dc: ${config.cassandra.localDataCenter}`,
    '    load_balancing_policy: "TokenAwarePolicy(DCAwareRoundRobinPolicy)"',
    '',
  ].join('\n');
}

/** The feature names of both views, as Feast spells them in a request. */
export const feastFeatures = [
  ...Array.from({ length: 37 }, (_, i) => `v1:f${i}`),
  ...Array.from({ length: 96 }, (_, i) => `v2:t${i}`),
];

/** Materializes the views of `ids` (texts[i] for ids[i]) into Feast's Cassandra tables. */
async function prepare(config: Config, bin: string, ids: readonly string[], texts: readonly string[]): Promise<string> {
  const dir = join(PEERS_CACHE, 'feast');
  rmSync(dir, { recursive: true, force: true });
  const [repo, data] = [join(dir, 'repo'), join(dir, 'data')];
  mkdirSync(join(repo, 'data'), { recursive: true });
  mkdirSync(data, { recursive: true });
  const client = createCassandraClient(config.cassandra);
  try {
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = ` +
        `{'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
  } finally {
    await client.shutdown();
  }
  const eventTime = Date.now() - 60_000;
  const lines = ids.map((smsId, i) => {
    const text = texts[i % texts.length]!;
    const views = Object.fromEntries(featureViews.map((view) => [view.id, view.compute(text)]));
    return JSON.stringify({ sms_id: smsId, event_time: eventTime, ...views });
  });
  writeFileSync(join(data, 'rows.jsonl'), `${lines.join('\n')}\n`);
  const env = { ...process.env, FEAST_BENCH_DATA: data, FEAST_USAGE: 'False' };
  const run = (args: string[], cwd: string) => {
    const result = spawnSync(args[0]!, args.slice(1), { cwd, env, encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  };
  run([join(bin, 'python'), join(PEERS_DIR, 'feast_data.py'), join(data, 'rows.jsonl'), data], dir);
  copyFileSync(join(PEERS_DIR, 'feast_definitions.py'), join(repo, 'definitions.py'));
  writeFileSync(join(repo, 'feature_store.yaml'), featureStoreYaml(config));
  run([join(bin, 'feast'), 'apply'], repo);
  const from = new Date(eventTime - 3_600_000).toISOString();
  run([join(bin, 'feast'), 'materialize', from, new Date().toISOString()], repo);
  return repo;
}

export interface FeastFigures {
  readonly result: LoadResult;
  /** Whether a served v1 vector matched the one spamstream computed (checked once before loading). */
  readonly sameValues: boolean;
}

export async function feastBench(
  config: Config,
  ids: readonly string[],
  texts: readonly string[],
  options: { concurrency: number; seconds: number },
): Promise<FeastFigures> {
  const bin = peersVenv();
  const repo = await prepare(config, bin, ids, texts);
  const port = await freePort();
  // One worker, never recycled, no access log (see docs: peers.md).
  const serve = ['serve', '-h', '127.0.0.1', '-p', String(port), '--max-requests', '0', '--no-access-log'];
  const server = startChild(join(bin, 'feast'), serve, { cwd: repo, env: { ...process.env, FEAST_USAGE: 'False' } });
  const http = httpClient(port, options.concurrency);
  try {
    for (let waited = 0; (await http.get('/health').catch(() => 0)) !== 200; waited += 250) {
      if (waited > 60_000) throw new Error('feast serve did not answer /health within 60 s');
      await sleep(250);
    }
    const body = (id: string) => ({ features: feastFeatures, entities: { sms_id: [id] } });
    const response = await fetch(`http://127.0.0.1:${port}/get-online-features`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body(ids[0]!)),
    });
    const answer = (await response.json()) as {
      metadata: { feature_names: string[] };
      results: { values: unknown[] }[];
    };
    const f0 = answer.results[answer.metadata.feature_names.indexOf('f0')]?.values[0];
    const sameValues = Math.abs(Number(f0) - featureViews[0]!.compute(texts[0]!)[0]!) < 1e-4;
    const getOne = async (i: number) => (await http.post('/get-online-features', body(ids[i % ids.length]!))) === 200;
    await closedLoop({ concurrency: options.concurrency, seconds: 1 }, getOne);
    const result = await closedLoop(options, getOne);
    return { result, sameValues };
  } finally {
    http.close();
    await server.stop();
  }
}
