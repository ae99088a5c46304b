// Replay rate beside the live pipeline's, in one run on the real stack (isolated topics): the live
// pipeline (features + scoring, every model) works through a backlog of N messages — its rate —
// then, while live traffic goes on at a steady rate, `replay scoring --models v3` rescores the
// whole history and `replay store` rewrites the online store from it — their rates.
// Part of `npm run bench` (scenario `replay`); alone:
//   node bench/replay.ts [--messages 10000] [--live-rate 50] [--data ../shared/data/sms_labeled.csv]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { type ReplayRequest, beginReplay, prepareReplay, runReplay } from '../runtime/replay.ts';
import type { SmsPrediction } from '../schemas/index.ts';
import { isolatedEnv } from '../testkit/pipeline-fixture.ts';
import { readTopic } from '../testkit/read-topic.ts';
import { DEFAULT_DATA, benchPipeline, sleep } from './support.ts';
import { dropRunAfterResult } from '../testkit/drop-run.ts';

export interface ReplayRate {
  readonly messages: number;
  readonly seconds: number;
  readonly msgsPerSecond: number;
}

export interface ReplayFigures {
  /** The live pipeline through a backlog of the same messages, exactly as deployed in one process. */
  readonly live: ReplayRate;
  /** `replay scoring --models v3` over the whole history, live traffic going on. */
  readonly scoring: ReplayRate;
  /** `replay store` from sms.features and sms.predictions, live traffic going on. */
  readonly store: ReplayRate;
  readonly liveTrafficPerSecond: number;
}

export async function replayBench(
  dataPath: string,
  options: { messages: number; liveRate: number },
): Promise<ReplayFigures> {
  const run = `bench${Date.now().toString(36)}`;
  const config = loadConfig({
    ...isolatedEnv(run),
    SPAMSTREAM_STACK_DIR: mkdtempSync(join(tmpdir(), 'bench-replay-')),
  });
  const { messaging, pipeline, models, produce } = await benchPipeline(config, run, dataPath);
  let live = false;
  let traffic: Promise<void> | undefined;
  try {
    // The live pipeline's rate: a backlog, as fast as it goes.
    const started = Date.now();
    await produce(options.messages);
    const burst = await readTopic<SmsPrediction>(messaging, config.topics.predictions, {
      until: (r) => r.length >= options.messages * models,
      timeoutMs: 900_000,
    });
    const liveSeconds = (Math.max(...burst.map((r) => r.value.scored_at)) - started) / 1000;

    // Live traffic goes on while the replays run.
    live = true;
    traffic = (async () => {
      while (live) {
        const tick = Date.now();
        await produce(options.liveRate);
        await sleep(1_000 - (Date.now() - tick));
      }
    })();
    const replay = async (request: ReplayRequest): Promise<ReplayRate> => {
      const prepared = await prepareReplay(config, request);
      await beginReplay(config, prepared);
      const summary = await (await runReplay(config, prepared.plan)).finished;
      return { messages: summary.messages, seconds: summary.seconds, msgsPerSecond: Math.round(summary.rate) };
    };
    const scoring = await replay({ kind: 'scoring', from: 'earliest', to: 'latest', models: ['v3'] });
    const store = await replay({ kind: 'store', from: 'earliest', to: 'latest' });
    return {
      live: {
        messages: options.messages,
        seconds: liveSeconds,
        msgsPerSecond: Math.round(options.messages / liveSeconds),
      },
      scoring,
      store,
      liveTrafficPerSecond: options.liveRate,
    };
  } finally {
    live = false;
    await traffic;
    await pipeline.stop();
    await messaging.close();
    await dropRunAfterResult(config.kafka, run);
  }
}

if (import.meta.main) {
  const { values: args } = parseArgs({
    options: {
      messages: { type: 'string', default: '10000' },
      'live-rate': { type: 'string', default: '50' },
      data: { type: 'string', default: DEFAULT_DATA },
    },
  });
  const figures = await replayBench(args.data, {
    messages: Number(args.messages),
    liveRate: Number(args['live-rate']),
  });
  const line = (what: string, rate: ReplayRate) =>
    console.log(
      `${what}: ${rate.messages} messages in ${rate.seconds.toFixed(1)} s at ${rate.msgsPerSecond} messages/s = ` +
        `${(rate.msgsPerSecond / figures.live.msgsPerSecond).toFixed(2)} × the live pipeline's rate`,
    );
  line('live pipeline (features + scoring, every model)', figures.live);
  line(
    `replay scoring --models v3 (live traffic ${figures.liveTrafficPerSecond} messages/s meanwhile)`,
    figures.scoring,
  );
  line('replay store (sms.features + sms.predictions)', figures.store);
}
