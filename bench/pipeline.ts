// Pipeline throughput and latency on the real stack: both processors in this process on isolated
// topics. Phase 1 produces a backlog of N messages at once and times until every prediction is
// written (throughput); phase 2 produces at a steady rate and reports event-to-prediction latency.
//   node bench/pipeline.ts [--messages 20000] [--rate 300] [--seconds 20] [--data ../shared/data/sms_labeled.csv]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import type { SmsPrediction } from '../schemas/index.ts';
import { isolatedEnv } from '../test/support/pipeline-fixture.ts';
import { readTopic } from '../test/support/read-topic.ts';
import { benchPipeline, sleep } from './support.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '20' },
    data: { type: 'string', default: join(import.meta.dirname, '..', '..', 'shared', 'data', 'sms_labeled.csv') },
  },
});
const run = `bench${Date.now().toString(36)}`;
const config = loadConfig(isolatedEnv(run));
const { messaging, pipeline, models, produce, produced } = await benchPipeline(config, run, args.data);

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const cpuBefore = process.cpuUsage();

// Phase 1: a backlog, as fast as the pipeline goes.
const backlog = Number(args.messages);
const started = Date.now();
await produce(backlog);
const producedIn = (Date.now() - started) / 1000;
const burst = await readTopic<SmsPrediction>(messaging, config.topics.predictions, { until: (r) => r.length >= backlog * models, timeoutMs: 600_000 });
const lastScored = Math.max(...burst.map((r) => r.value.scored_at));
const seconds = (lastScored - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
console.log(`delivery ${config.pipeline.delivery}, backlog: ${backlog} messages × ${models} models in ${seconds.toFixed(1)} s → ${Math.round(backlog / seconds)} messages/s, ${Math.round((backlog * models) / seconds)} predictions/s (produce alone: ${producedIn.toFixed(1)} s); pipeline process CPU ${((cpu.user + cpu.system) / 1e6 / seconds).toFixed(2)} cores`);

// Phase 2: a steady rate well below the ceiling, for latency.
const rate = Number(args.rate);
const duration = Number(args.seconds);
const first = produced();
for (let second = 0; second < duration; second += 1) {
  const tick = Date.now();
  await produce(rate);
  await sleep(1_000 - (Date.now() - tick));
}
const steadyCount = produced() - first;
const steady = await readTopic<SmsPrediction>(messaging, config.topics.predictions, { until: (r) => r.length >= (backlog + steadyCount) * models, timeoutMs: 300_000 });
const latencies = steady.filter((r) => Number(r.value.sms_id.slice(run.length + 1)) >= first).map((r) => r.value.scored_at - r.value.event_time).sort((a, b) => a - b);
console.log(`steady ${rate} messages/s for ${duration} s: event → prediction latency p50 ${percentile(latencies, 0.5)} ms, p95 ${percentile(latencies, 0.95)} ms, p99 ${percentile(latencies, 0.99)} ms, max ${latencies.at(-1)} ms (${latencies.length} predictions)`);
console.log(`memory: rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);

await pipeline.stop();
await messaging.close();
