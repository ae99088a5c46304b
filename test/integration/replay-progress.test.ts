// A replay's progress as the edge shows it, on the real stack: the replay runs as `spamstream
// replay` runs it (runtime/replay.ts) and the edge as `spamstream run edge` wires it
// (runtime/pipeline.ts). They share nothing but Kafka — the replay could be on another machine.
// The edge starts while the replay already runs; then the replay is stopped (Ctrl-C), resumed, and
// runs to its end; and an edge started after that, when no record will come any more, still shows
// it: it reads sms.replays from the beginning.
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayView } from '../../edge/replay-board.ts';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import { type ReplayRequest, beginReplay, prepareReplay, runReplay } from '../../runtime/replay.ts';
import type { ReplayStatus } from '../../schemas/index.ts';
import { type PipelineFixture, labelledMessages, pipelineFixture, sleep } from '../../testkit/pipeline-fixture.ts';

const MESSAGES = 600;
/**
 * Slow enough that the edge is up and has read the topic well before the replay could end: 30 s of
 * work. At 15 s (300 messages) a loaded machine once took that long to start the edge and read it.
 */
const RATE = 20;

let fixture: PipelineFixture;
let edge: RunningPipeline | undefined;

beforeAll(async () => {
  fixture = await pipelineFixture({
    SPAMSTREAM_STACK_DIR: mkdtempSync(join(tmpdir(), 'replay-progress-')),
    SPAMSTREAM_MODELS: 'v1',
    SPAMSTREAM_EDGE_LOG_LEVEL: 'silent',
  });
  await fixture.produceRaw(await labelledMessages(fixture.run, MESSAGES));
}, 300_000);

afterAll(async () => {
  await edge?.stop();
  await fixture?.close();
});

/** GET /replays until `pick` finds the replay of `groupId` in the wanted shape. */
async function replayOnEdge(address: string, groupId: string, wanted: (replay: ReplayView) => boolean) {
  const deadline = Date.now() + 60_000;
  let last: ReplayView[] = [];
  while (Date.now() < deadline) {
    const response = await fetch(`${address}/replays`);
    expect(response.status).toBe(200);
    last = ((await response.json()) as { replays: ReplayView[] }).replays;
    const replay = last.find((r) => r.groupId === groupId);
    if (replay && wanted(replay)) return replay;
    await sleep(200);
  }
  throw new Error(`the edge never showed replay ${groupId} as wanted; it last showed ${JSON.stringify(last)}`);
}

async function scrape(address: string, runId: string) {
  const text = await (await fetch(`${address}/metrics`)).text();
  const gauge = (name: string, extra = '') => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{run="${runId}",kind="features"${extra}} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };
  return {
    done: gauge('spamstream_replay_offsets_done'),
    total: gauge('spamstream_replay_offsets_total'),
    rate: gauge('spamstream_replay_messages_per_second'),
    state: (state: string) => gauge('spamstream_replay_state', `,state="${state}"`),
  };
}

describe('the edge shows a replay that runs in another process', () => {
  it('running with done/total and rate on GET /replays and /metrics, then stopped, then done', async () => {
    const { config } = fixture;
    const request: ReplayRequest = { kind: 'features', from: 'earliest', to: 'latest', views: ['v1'] };
    const prepared = await prepareReplay(config, request);
    const { plan, total } = prepared;
    expect(total).toBe(MESSAGES);
    await beginReplay(config, prepared);
    const first = await runReplay(config, plan, { rate: RATE });

    // The replay has published before the edge starts.
    const published = await fixture.readTopic<ReplayStatus>(config.topics.replays, { until: (r) => r.length > 0 });
    expect(published[0]!.record.key).toBe(plan.groupId);
    expect(published[0]!.value).toMatchObject({ run_id: plan.runId, kind: 'features', state: 'running', total });

    edge = await startParts(config, ['edge'], () => {});
    const address = edge.edge!.address;
    const running = await replayOnEdge(address, plan.groupId, (r) => r.state === 'running' && r.done > 0);
    expect(running).toMatchObject({ runId: plan.runId, kind: 'features', total, host: hostname() });
    expect(running.done).toBeLessThan(total);
    expect(running.rate).toBeGreaterThan(0);
    expect(running.rate).toBeLessThanOrEqual(RATE * 1.5);
    const whileRunning = await scrape(address, plan.runId);
    expect(whileRunning.total).toBe(total);
    expect(whileRunning.done).toBeGreaterThan(0);
    expect(whileRunning.rate).toBeGreaterThan(0);
    expect(whileRunning.state('running')).toBe(1);

    // Ctrl-C: its last record says stopped, at the offsets it committed.
    const stoppedAt = await first.stop();
    expect(stoppedAt.completed).toBe(false);
    const stopped = await replayOnEdge(address, plan.groupId, (r) => r.state === 'stopped');
    expect(stopped).toMatchObject({ runId: plan.runId, done: stoppedAt.done, total });
    expect(stopped.done).toBeLessThan(total);
    expect(stopped.etaSeconds).toBeUndefined();

    // The same command again resumes under the same group and run id, and runs to its end.
    const again = await prepareReplay(config, request);
    expect(again.resumed).toBe(true);
    await beginReplay(config, again);
    const summary = await (await runReplay(config, again.plan)).finished;
    expect(summary.completed).toBe(true);
    const done = await replayOnEdge(address, plan.groupId, (r) => r.state === 'done');
    expect(done).toMatchObject({ runId: plan.runId, done: total, total });
    const afterwards = await scrape(address, plan.runId);
    expect(afterwards.done).toBe(total);
    expect(afterwards.total).toBe(total);
    expect(afterwards.state('done')).toBe(1);
    expect(afterwards.state('running')).toBe(0);

    const later = await startParts(config, ['edge'], () => {});
    try {
      const seenLater = await replayOnEdge(later.edge!.address, plan.groupId, (r) => r.state === 'done');
      expect(seenLater).toEqual(done);
    } finally {
      await later.stop();
    }
  }, 300_000);
});
