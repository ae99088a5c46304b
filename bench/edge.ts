// HTTP edge under load on the real stack: the edge in this process (port 0, rate limit lifted),
// a closed loop of `--concurrency` clients per route for `--seconds`, reporting requests/s and
// latency percentiles. Online-store rows for the read routes are written first.
//   node bench/edge.ts [--concurrency 32] [--seconds 10] [--data ../shared/data/sms_labeled.csv]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { connectStores } from '../runtime/connect.ts';
import { startParts } from '../runtime/pipeline.ts';
import { featureViews } from '../features/index.ts';
import { readSmsCsv } from '../features/sms-csv.ts';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    data: { type: 'string', default: join(import.meta.dirname, '..', '..', 'shared', 'data', 'sms_labeled.csv') },
  },
});
const config = loadConfig({ ...process.env, SPAMSTREAM_EDGE_PORT: '0', SPAMSTREAM_RATE_LIMIT: '10000000', SPAMSTREAM_EDGE_LOG_LEVEL: 'warn' });
const texts: string[] = [];
for await (const row of readSmsCsv(args.data, { requireLabel: false, maxTextBytes: config.pipeline.maxTextBytes, onProblem: () => {} })) texts.push(row.text);

// Rows to read: 1,000 messages with every view, as the features processor would store them.
const run = `edge${Date.now().toString(36)}`;
const ids = texts.slice(0, 1_000).map((_, i) => `${run}-${i}`);
const stores = await connectStores(config);
await stores.features.putFeatures(ids.flatMap((smsId, i) => featureViews.map((view) => ({
  smsId, view: view.id, viewVersion: view.version, values: view.compute(texts[i]!), eventTime: Date.now(), computedAt: Date.now(),
}))));
await stores.close();

const pipeline = await startParts(config, ['edge'], () => {});
const base = pipeline.edge!.address;

async function load(name: string, request: (i: number) => Promise<Response>) {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const deadline = Date.now() + Number(args.seconds) * 1000;
  await Promise.all(Array.from({ length: Number(args.concurrency) }, async () => {
    while (Date.now() < deadline) {
      const started = performance.now();
      const response = await request(n++);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (!response.ok) errors += 1;
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(1);
  console.log(`${name.padEnd(34)} ${Math.round(latencies.length / Number(args.seconds)).toString().padStart(6)} req/s  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  errors ${errors}`);
}

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
console.log(`${args.concurrency} concurrent clients, ${args.seconds} s per route, ${base}`);
await load('GET /health', () => fetch(`${base}/health`));
await load('GET /features/:id (Cassandra)', (i) => fetch(`${base}/features/${ids[i % ids.length]}`));
await load('POST /features/query (10 ids)', (i) => fetch(`${base}/features/query`, json({ smsIds: ids.slice(i % 990, (i % 990) + 10) })));
await load('POST /models/v3/predict', (i) => fetch(`${base}/models/v3/predict`, json({ text: texts[i % texts.length] })));
console.log(`memory: rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
await pipeline.stop();
