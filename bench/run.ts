// `npm run bench [-- --quick] [-- --json <file>] [-- --only a,b] [-- --data <csv>]`: every scenario
// against the local stack in one invocation, each figure beside its ceiling (same machine, same
// client, no work) and its peers, then one table. Needs the stack up and the data set. The peers
// need Python 3.10+: their venv is created under .cache/bench-peers on first use.
// Offline batch scoring (bench/predict.ts) and duplicates after kill -9 (bench/kill9.ts) run alone.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { edgeBench, type EdgeFigures, medianRatio, storeFeatureRows } from './edge.ts';
import { onnxBench, type OnnxFigures } from './onnx.ts';
import { benchTable } from './table.ts';
import { passThrough, type PassThrough } from './passthrough.ts';
import { pipelineBench, type PipelineFigures } from './pipeline.ts';
import { feastBench, type FeastFigures } from './peers/feast.ts';
import { perMessageHttpBench, type HttpModelFigures } from './peers/http-model.ts';
import { replayBench, type ReplayFigures } from './replay.ts';
import { storeCeiling, type StoreCeiling } from './store.ts';
import { DEFAULT_DATA, readTexts } from './support.ts';
import avro from 'avsc';
import { loadSchema } from '../schemas/index.ts';
import { dropKafkajsTimerWarnings } from '../runtime/warnings.ts';

// The bench's own kafkajs clients: their harmless negative-timer warning is dropped, as in the CLI.
dropKafkajsTimerWarnings();

const SCENARIOS = [
  'store',
  'passthrough',
  'pipeline',
  'uncapped-heap',
  'edge',
  'feast',
  'http-model',
  'onnx',
  'replay',
] as const;
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    only: { type: 'string', default: SCENARIOS.join(',') },
    data: { type: 'string', default: DEFAULT_DATA },
  },
});
const quick = args.quick;
const only = new Set(args.only.split(','));
const size = <T>(quickValue: T, fullValue: T): T => (quick ? quickValue : fullValue);

const config = loadConfig({ ...process.env });
const texts = await readTexts(args.data);
const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

async function scenario<T>(name: (typeof SCENARIOS)[number], work: () => Promise<T>): Promise<T | undefined> {
  if (!only.has(name)) return undefined;
  log(`${name}…`);
  try {
    const result = await work();
    log(`${name}: ${JSON.stringify(result)}`);
    return result;
  } catch (error) {
    log(`${name} FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
    return undefined;
  }
}

// The bytes of one typical message as the pipeline carries it (Confluent framing: magic byte,
// schema id, Avro body): what the pass-through moves. Nothing decodes them, so the id is nominal.
function sampleRecord(): Buffer {
  const type = avro.Type.forSchema(loadSchema('sms-raw') as avro.Schema);
  const now = Date.now();
  const raw = { sms_id: 'sms-000001', sender: 's', recipient: 'r', text: texts[0]!, received_at: now, source: 'bench' };
  const body = type.toBuffer(raw);
  return Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), body]);
}

// Long enough for the processors to reach their steady state (the first seconds run cold code).
const backlog = size(20_000, 50_000);
// 20,000 messages took the store 2-4 s, and the ceiling moved 5,504-10,857 msg/s between runs of one
// hour: a longer run, so the pipeline's ratio to it means something.
const store = await scenario<StoreCeiling>('store', () =>
  storeCeiling(config, texts, { messages: size(80_000, 200_000) }),
);
const pass = await scenario<PassThrough>('passthrough', async () =>
  passThrough(config, sampleRecord(), { messages: size(30_000, 100_000) }),
);
const pipeline = await scenario<PipelineFigures>('pipeline', () =>
  // 30 s at 200 msg/s: a p99 of 6,000 messages, not of 2,000 (their 20 worst: a single stall of a server).
  pipelineBench(texts, { messages: backlog, rate: 200, seconds: 30 }),
);
// The same with V8's heap sized as Node and V8 size it on this machine — 64 MiB a semi-space, an old
// generation growing up to 4 times what survived — not as the CLI sizes it (8 MiB, 1.5 times,
// bin/spamstream.js): what those limits buy in memory and cost in speed. Flags on the command line
// win over the CLI's; a growing percent of 0 is V8's own choice.
const uncappedHeapArgs = ['--max-semi-space-size=64', '--heap-growing-percent=0'];
const uncappedHeap = await scenario<PipelineFigures>('uncapped-heap', () =>
  pipelineBench(texts, { messages: backlog, rate: 200, seconds: size(5, 15), nodeArgs: uncappedHeapArgs }),
);
const load = { concurrency: 32, seconds: size(5, 15) };
const edge = await scenario<EdgeFigures>('edge', () =>
  edgeBench(texts, { concurrency: 32, seconds: size(5, 10), rate: 500, rateSeconds: size(10, 20), rounds: 3 }),
);
const feast = await scenario<FeastFigures>('feast', async () =>
  feastBench(config, await storeFeatureRows(config, texts, 1_000), texts, load),
);
const httpModel = await scenario<HttpModelFigures>('http-model', () =>
  perMessageHttpBench(texts, { messages: size(2_000, 10_000) }),
);
const onnx = await scenario<OnnxFigures>('onnx', () => onnxBench(config, texts, { seconds: size(1, 3) }));
// The live pipeline and two replays over its history, in one process, live traffic going on.
const replay = await scenario<ReplayFigures>('replay', () =>
  replayBench(args.data, { messages: size(3_000, 10_000), liveRate: 50 }),
);

const figures = {
  machine:
    `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}`,
  quick,
  pipeline_msgs_per_s: pipeline?.msgsPerSecond ?? null,
  store_ceiling_msgs_per_s: store?.msgsPerSecond ?? null,
  passthrough_msgs_per_s: pass?.plainMsgsPerSecond ?? null,
  passthrough_transactional_msgs_per_s: pass?.transactionalMsgsPerSecond ?? null,
  e2e_rate_msgs_per_s: pipeline?.steadyRate ?? null,
  e2e_p50_ms: pipeline?.e2eP50 ?? null,
  e2e_p99_ms: pipeline?.e2eP99 ?? null,
  edge_rps: edge?.edge.perSecond ?? null,
  edge_p99_ms: edge?.edge.p99 ?? null,
  edge_errors: edge?.edge.errors ?? null,
  raw_read_rps: edge?.rawReads.perSecond ?? null,
  raw_read_p99_ms: edge?.rawReads.p99 ?? null,
  edge_p50_ms_at_500rps: edge?.edgeAtRate.p50 ?? null,
  edge_p99_ms_at_500rps: edge?.edgeAtRate.p99 ?? null,
  raw_read_p50_ms_at_500rps: edge?.rawReadsAtRate.p50 ?? null,
  raw_read_p99_ms_at_500rps: edge?.rawReadsAtRate.p99 ?? null,
  edge_query_10_ids_rps: edge?.query.perSecond ?? null,
  edge_query_10_ids_p99_ms: edge?.query.p99 ?? null,
  // Each round's edge ÷ driver (req/s in the closed loop; p99 at the fixed rate), and their medians.
  edge_rounds: edge?.rounds ?? null,
  edge_to_driver_rps_by_round: edge?.throughputRatios ?? null,
  edge_to_driver_rps_median: edge ? medianRatio(edge.throughputRatios) : null,
  edge_to_driver_p99_at_500rps_by_round: edge?.p99RatiosAtRate ?? null,
  edge_to_driver_p99_at_500rps_median: edge ? medianRatio(edge.p99RatiosAtRate) : null,
  feast_rps: feast?.result.perSecond ?? null,
  feast_p99_ms: feast?.result.p99 ?? null,
  feast_same_values: feast?.sameValues ?? null,
  per_message_http_msgs_per_s: httpModel?.msgsPerSecond ?? null,
  onnx_inferences_per_s: onnx ?? null,
  replay_msgs_per_s: replay?.scoring.msgsPerSecond ?? null,
  replay_store_msgs_per_s: replay?.store.msgsPerSecond ?? null,
  replay_beside_live_msgs_per_s: replay?.live.msgsPerSecond ?? null,
  rss_mb: {
    features: pipeline?.rssMb.features ?? null,
    scoring: pipeline?.rssMb.scoring ?? null,
    edge: edge?.rssMb ?? null,
  },
  max_rss_mb: pipeline ? Math.max(pipeline.rssMb.features, pipeline.rssMb.scoring) : null,
  uncapped_heap_node_options: uncappedHeap ? uncappedHeapArgs.join(' ') : null,
  uncapped_heap_pipeline_msgs_per_s: uncappedHeap?.msgsPerSecond ?? null,
  uncapped_heap_max_rss_mb: uncappedHeap ? Math.max(uncappedHeap.rssMb.features, uncappedHeap.rssMb.scoring) : null,
  uncapped_heap_rss_mb: uncappedHeap?.rssMb ?? null,
  seconds: Math.round((Date.now() - started) / 1000),
};

console.log(`\n${figures.machine}; ${quick ? 'quick' : 'full'} run, ${figures.seconds} s\n`);
console.log(benchTable(figures));
if (args.json) {
  writeFileSync(args.json, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`\nfigures written to ${args.json}`);
}
