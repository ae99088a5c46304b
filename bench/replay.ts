// Replay rate beside the live pipeline's, in one run on the real stack (isolated topics): the live
// pipeline (features + scoring, every model) works through a backlog of N messages — its rate —
// then, while live traffic goes on at a steady rate, `replay scoring --models v3` rescores the
// whole history and `replay store` rewrites the online store from it — their rates.
//   node bench/replay.ts [--messages 10000] [--live-rate 50] [--data ../shared/data/sms_labeled.csv]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { type ReplayRequest, beginReplay, prepareReplay, runReplay } from '../runtime/replay.ts';
import type { SmsPrediction } from '../schemas/index.ts';
import { isolatedEnv } from '../test/support/pipeline-fixture.ts';
import { readTopic } from '../test/support/read-topic.ts';
import { benchPipeline, sleep } from './support.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    'live-rate': { type: 'string', default: '50' },
    data: { type: 'string', default: join(import.meta.dirname, '..', '..', 'shared', 'data', 'sms_labeled.csv') },
  },
});
const run = `bench${Date.now().toString(36)}`;
const config = loadConfig({ ...isolatedEnv(run), SPAMSTREAM_STACK_DIR: mkdtempSync(join(tmpdir(), 'bench-replay-')) });
const { messaging, pipeline, models, produce } = await benchPipeline(config, run, args.data);

// The live pipeline's rate: a backlog, as fast as it goes.
const backlog = Number(args.messages);
const started = Date.now();
await produce(backlog);
const burst = await readTopic<SmsPrediction>(messaging, config.topics.predictions, {
  until: (r) => r.length >= backlog * models,
  timeoutMs: 900_000,
});
const liveRate = backlog / ((Math.max(...burst.map((r) => r.value.scored_at)) - started) / 1000);
console.log(
  `live pipeline (features + scoring, ${models} models, ${config.pipeline.delivery}): ${backlog} messages at ${Math.round(liveRate)} messages/s`,
);

// Live traffic goes on while the replays run.
let live = true;
const traffic = (async () => {
  while (live) {
    const tick = Date.now();
    await produce(Number(args['live-rate']));
    await sleep(1_000 - (Date.now() - tick));
  }
})();

async function replay(request: ReplayRequest, what: string) {
  const prepared = await prepareReplay(config, request);
  await beginReplay(config, prepared);
  const summary = await (await runReplay(config, prepared.plan)).finished;
  console.log(
    `replay ${what}: ${summary.messages} messages in ${summary.seconds.toFixed(1)} s at ${Math.round(summary.rate)} messages/s = ${(summary.rate / liveRate).toFixed(2)} × the live pipeline's rate (live traffic ${args['live-rate']} messages/s meanwhile)`,
  );
}
await replay({ kind: 'scoring', from: 'earliest', to: 'latest', models: ['v3'] }, 'scoring --models v3');
await replay({ kind: 'store', from: 'earliest', to: 'latest' }, 'store (sms.features + sms.predictions)');

live = false;
await traffic;
await pipeline.stop();
await messaging.close();
