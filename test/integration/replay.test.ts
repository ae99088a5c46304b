// Replay and backfill on the real stack, while the live pipeline runs: new model versions and
// feature views for every earlier message, the online store rebuilt from Kafka, and `reset`.
import { TABLES } from '../../connectors/cassandra/tables.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CassandraStores } from '../../connectors/cassandra/store.ts';
import { createCassandraClient } from '../../connectors/cassandra/store.ts';
import { type Metrics, createMetrics } from '../../core/metrics.ts';
import { REPLAY_HEADER } from '../../processors/deliver.ts';
import { connectStores } from '../../runtime/wiring.ts';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import { type ReplayRequest, type ReplaySummary, beginReplay, prepareReplay, runReplay } from '../../runtime/replay.ts';
import type { DeadLetter, SmsPrediction, SmsRaw } from '../../schemas/index.ts';
import {
  type PipelineFixture,
  isolatedEnv,
  labelledMessages,
  pipelineFixture,
  sleep,
} from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const MESSAGES = 300;
const quiet = () => {};
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'spamstream.js');
const cliEnv = (live: Live) => ({
  ...isolatedEnv(live.fixture.run),
  SPAMSTREAM_STACK_DIR: live.fixture.config.stack.dataDir,
});
const cli = (live: Live, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: root, env: cliEnv(live), encoding: 'utf8', timeout: 120_000 });

interface Live {
  fixture: PipelineFixture;
  stores: CassandraStores;
  pipeline: RunningPipeline;
  messages: SmsRaw[];
}

/** An isolated pipeline running with `overrides`, that has processed `MESSAGES` messages. */
async function livePipeline(overrides: Record<string, string>, modelsPerMessage: number): Promise<Live> {
  const fixture = await pipelineFixture({ SPAMSTREAM_STACK_DIR: mkdtempSync(join(tmpdir(), 'replay-')), ...overrides });
  const stores = await connectStores(fixture.config);
  const pipeline = await startParts(fixture.config, ['features', 'scoring'], quiet);
  const messages = await labelledMessages(fixture.run, MESSAGES);
  await fixture.produceRaw(messages);
  await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
    until: (r) => r.length >= MESSAGES * modelsPerMessage,
  });
  return { fixture, stores, pipeline, messages };
}

async function stopLive(live: Live | undefined) {
  await live?.pipeline.stop();
  await live?.stores.close();
  await live?.fixture.close();
}

/** Produces a message every 50 ms (live traffic) until stopped; returns how many. */
function liveTraffic(live: Live): { sent(): number; stop(): Promise<number> } {
  let running = true;
  let sent = 0;
  const loop = (async () => {
    while (running) {
      await live.fixture.produceRaw([
        {
          sms_id: `${live.fixture.run}-live-${sent}`,
          sender: 's',
          recipient: 'r',
          text: `live message ${sent}, call me`,
          received_at: Date.now(),
          source: 'test',
        },
      ]);
      sent += 1;
      await sleep(50);
    }
  })();
  return {
    sent: () => sent,
    stop: async () => {
      running = false;
      await loop;
      return sent;
    },
  };
}

async function replay(
  live: Live,
  request: ReplayRequest,
  metrics?: Metrics,
): Promise<{ summary: ReplaySummary; runId: string }> {
  const prepared = await prepareReplay(live.fixture.config, request);
  await beginReplay(live.fixture.config, prepared);
  const running = await runReplay(live.fixture.config, prepared.plan, { metrics });
  return { summary: await running.finished, runId: prepared.plan.runId };
}

describe('replay scoring beside the live pipeline', () => {
  let live: Live;

  beforeAll(async () => {
    live = await livePipeline({ SPAMSTREAM_MODELS: 'v1' }, 1);
  }, 300_000);
  afterAll(() => stopLive(live));

  it('replay scoring --models v3 --from earliest gives every earlier message a v3 prediction while live traffic continues, and ends by itself', async () => {
    const traffic = liveTraffic(live);
    await waitUntil('live traffic flows', () => traffic.sent() >= 5);
    const { summary, runId } = await replay(live, { kind: 'scoring', from: 'earliest', to: 'latest', models: ['v3'] });
    const liveSent = await traffic.stop();
    console.log(
      `[replay scoring] ${summary.messages} messages in ${summary.seconds.toFixed(1)} s (${Math.round(summary.rate)}/s), ${liveSent} live messages meanwhile`,
    );
    expect(summary.completed).toBe(true);
    expect(liveSent).toBeGreaterThan(5);

    const { topics } = live.fixture.config;
    const ids = new Set(live.messages.map((m) => m.sms_id));
    const predictions = await live.fixture.readTopic<SmsPrediction>(topics.predictions, {
      until: (records) => {
        const live = records.filter((r) => r.value.sms_id.includes('-live-')).length;
        return live >= liveSent;
      },
    });
    const v3 = predictions.filter((p) => p.value.model_version === 'v3');
    const earlierV3 = v3.filter((p) => ids.has(p.value.sms_id));
    expect(new Set(earlierV3.map((p) => p.value.sms_id))).toEqual(ids);
    expect(earlierV3.length).toBe(ids.size);
    expect(v3.every((p) => p.record.headers[REPLAY_HEADER] === runId)).toBe(true);
    // Live traffic went on as before: scored by v1, not marked as a replay (the replay scored with
    // v3 the live messages that were there when it started, and nothing later).
    const liveOnes = predictions.filter((p) => p.value.sms_id.includes('-live-'));
    expect(liveOnes.filter((p) => p.value.model_version === 'v1').length).toBe(liveSent);
    expect(
      liveOnes.every((p) => (p.value.model_version === 'v1') === (p.record.headers[REPLAY_HEADER] === undefined)),
    ).toBe(true);
    // And the online store has v3 beside v1.
    const stored = await live.stores.predictions.getPredictions(live.messages[11]!.sms_id);
    expect(stored.map((p) => p.modelVersion)).toEqual(['v1', 'v3']);

    // The same command again: already at its end, it reads nothing.
    const again = await replay(live, { kind: 'scoring', from: 'earliest', to: 'latest', models: ['v3'] });
    expect(again.summary).toMatchObject({ completed: true, messages: 0 });
  }, 300_000);

  it('reset refuses while the processor has a live member, and moves its offsets once it has none', async () => {
    const { topics, pipeline } = live.fixture.config;
    const group = `${pipeline.consumerGroupPrefix}.scoring`;

    const refused = cli(live, 'reset', 'scoring', '--to', 'earliest');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`consumer group ${group.replaceAll('.', '\\.')} has 1 live member\\(s\\): spamstream`),
    );

    await live.pipeline.stop();
    live = { ...live, pipeline: { ...live.pipeline, stop: async () => {} } };
    const before = await live.fixture.messaging.committedOffsets(group, topics.features);
    expect([...before.values()].some((offset) => offset > 0n)).toBe(true);

    const dryRun = cli(live, 'reset', 'scoring', '--to', 'earliest', '--dry-run');
    expect(dryRun.status, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toMatch(/would reset \(dry run\)/);
    expect(dryRun.stdout).toContain(`${topics.features}/0: ${before.get(0)} → 0`);
    expect(await live.fixture.messaging.committedOffsets(group, topics.features)).toEqual(before);

    const reset = cli(live, 'reset', 'scoring', '--to', 'earliest');
    expect(reset.status, reset.stderr).toBe(0);
    const after = await live.fixture.messaging.committedOffsets(group, topics.features);
    expect([...after.values()]).toEqual([...before.keys()].map(() => 0n));
  }, 300_000);
});

describe('replay features beside the live pipeline', () => {
  let live: Live;

  beforeAll(async () => {
    live = await livePipeline({ SPAMSTREAM_MODELS: 'v1', SPAMSTREAM_VIEWS: 'v1' }, 1);
  }, 300_000);
  afterAll(() => stopLive(live));

  it('replay features --views v2 fills the online store without touching rows with newer event times', async () => {
    const [newer, ...rest] = live.messages;
    const newerTime = newer!.received_at + 86_400_000;
    const newerRow = {
      smsId: newer!.sms_id,
      view: 'v2',
      viewVersion: 1,
      values: Array.from({ length: 96 }, () => 7),
      eventTime: newerTime,
      computedAt: newerTime,
    };
    await live.stores.features.putFeatures([newerRow]);
    expect(await live.stores.features.getFeatures(rest[0]!.sms_id, ['v2'])).toEqual([]);

    const { summary } = await replay(live, { kind: 'features', from: 'earliest', to: 'latest', views: ['v2'] });
    expect(summary.completed).toBe(true);
    expect(summary.messages).toBeGreaterThanOrEqual(MESSAGES);

    for (const message of rest) {
      const [v2] = await live.stores.features.getFeatures(message.sms_id, ['v2']);
      expect(v2, message.sms_id).toMatchObject({ view: 'v2', eventTime: message.received_at });
    }
    expect(await live.stores.features.getFeatures(newer!.sms_id, ['v2'])).toEqual([newerRow]);
    // The live scoring processor (v1 only) read the replayed v2-only features and let them pass:
    // a backfilled view no configured model reads is no bad input.
    const letters = await live.fixture.readTopic<DeadLetter>(live.fixture.config.topics.dlq);
    expect(letters.filter((l) => l.value.error_code === 'VIEW_MISSING')).toEqual([]);
  }, 300_000);

  it('as a command: --dry-run reads nothing; Ctrl-C stops cleanly and the same command resumes to the end; --rate holds', async () => {
    const RATE = 20;
    const args = ['replay', 'scoring', '--models', 'v1', '--rate', String(RATE)];
    const records = (await live.fixture.readTopic(live.fixture.config.topics.features)).length;

    const dryRun = cli(live, ...args, '--dry-run');
    expect(dryRun.status, dryRun.stderr).toBe(0);
    const group = new RegExp(`group (${live.fixture.run}\\.replay\\.scoring\\.[0-9a-f]{10})`).exec(dryRun.stdout)?.[1];
    expect(group, dryRun.stdout).toBeDefined();
    expect(dryRun.stdout).toContain(`${live.fixture.config.topics.features}/0: offsets 0 → `);
    expect(existsSync(join(live.fixture.config.stack.dataDir, 'replays', `${group}.json`))).toBe(false);

    // First run: interrupted after a few seconds.
    const first = spawn(process.execPath, [bin, ...args], { cwd: root, env: cliEnv(live) });
    let out = '';
    first.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    first.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => first.on('exit', resolve));
    const deadline = Date.now() + 60_000;
    while (!out.includes('offsets to read') && Date.now() < deadline) await sleep(100);
    // Interrupted once its progress (a line every 5 s) shows offsets committed, well before the end at
    // RATE a second: at 60 a second the first run had done 282-300 of 305 offsets by then, and the
    // rest ended before it printed a progress line.
    await waitUntil(
      'the first run has committed some of its offsets',
      () => /replay scoring: [1-9][\d,]*\//.test(out),
      {
        timeoutMs: 60_000,
      },
    );
    first.kill('SIGINT');
    expect(await exited, out).toBe(0);
    const stopped = /replay scoring stopped at [\d,]+\/[\d,]+ .*: ([\d,]+) messages read/.exec(out);
    expect(stopped, out).not.toBeNull();
    const firstCount = Number(stopped![1]!.replaceAll(',', ''));
    expect(firstCount).toBeGreaterThan(0);

    // The same command again resumes, and ends by itself.
    const started = Date.now();
    const second = cli(live, ...args);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\(resuming: [\d,]+ of [\d,]+ done\)/);
    expect(second.stdout).toMatch(/replay scoring: [\d,]+\/[\d,]+ \d+% \d+ messages\/s ETA/);
    const done = /replay scoring done: ([\d,]+) messages read/.exec(second.stdout);
    const secondCount = Number(done![1]!.replaceAll(',', ''));
    expect(firstCount + secondCount).toBe(records);
    // --rate: the rest took at least as long as RATE a second allows.
    expect((Date.now() - started) / 1000).toBeGreaterThan(secondCount / RATE);
  }, 300_000);
});

describe('replay store', () => {
  let live: Live;
  const keyspace = `rp${Date.now().toString(36)}`;

  beforeAll(async () => {
    // Truncating tables needs a keyspace of its own.
    live = await livePipeline({ SPAMSTREAM_CASSANDRA_KEYSPACE: keyspace }, 3);
  }, 300_000);
  afterAll(async () => {
    await stopLive(live);
    const client = createCassandraClient(live.fixture.config.cassandra);
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).finally(() => client.shutdown());
  });

  it('after the online store tables are truncated, restores features and predictions of every message', async () => {
    const sample = live.messages[5]!.sms_id;
    expect((await live.stores.predictions.getPredictions(sample)).length).toBe(3);
    const client = createCassandraClient(live.fixture.config.cassandra);
    try {
      await client.execute(`TRUNCATE ${keyspace}.${TABLES.features}`);
      await client.execute(`TRUNCATE ${keyspace}.${TABLES.predictions}`);
    } finally {
      await client.shutdown();
    }
    expect(await live.stores.features.getFeatures(sample)).toEqual([]);

    const metrics = createMetrics({ defaultMetrics: false });
    const { summary, runId } = await replay(live, { kind: 'store', from: 'earliest', to: 'latest' }, metrics);
    // One features record and three predictions a message, each upserted into the store.
    expect(summary).toMatchObject({ completed: true, written: MESSAGES * 4, deadLetters: 0 });
    const text = await metrics.registry.metrics();
    const gauge = (name: string) =>
      Number(new RegExp(`${name}\\{run="${runId}",kind="store"\\} ([\\d.]+)`).exec(text)?.[1]);
    expect(gauge('spamstream_replay_offsets_total')).toBe(summary.total);
    expect(gauge('spamstream_replay_offsets_done')).toBe(summary.total);
    expect(gauge('spamstream_replay_messages_per_second')).toBeGreaterThan(0);
    expect(summary.messages).toBe(MESSAGES * 4); // one features record and three predictions each
    for (const message of live.messages) {
      const features = await live.stores.features.getFeatures(message.sms_id);
      expect(
        features.map((f) => f.view),
        message.sms_id,
      ).toEqual(['v1', 'v2']);
      const predictions = await live.stores.predictions.getPredictions(message.sms_id);
      expect(
        predictions.map((p) => p.modelVersion),
        message.sms_id,
      ).toEqual(['v1', 'v2', 'v3']);
      expect(predictions[0]!.eventTime).toBe(message.received_at);
    }
  }, 300_000);
});
