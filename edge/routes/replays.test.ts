// The replays the edge read on sms.replays, as GET /replays, /metrics and the OpenAPI document
// show them; the tracker is fed directly, on a clock the test moves.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createReplayTracker } from '../replay-board.ts';
import { replayStatus, testDeps } from '../../testkit/edge-fakes.ts';

const T0 = 1_700_000_000_000;

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function start() {
  let now = T0;
  const replays = createReplayTracker({ now: () => now, checkEveryMs: 0 });
  app = buildApp(testDeps({ replays }));
  return {
    app,
    replays,
    at: (ms: number) => {
      now = ms;
    },
  };
}

const metricLines = (text: string) => text.split('\n').filter((line) => line.startsWith('spamstream_replay_'));

describe('GET /replays', () => {
  it('is an empty list while no replay was read', async () => {
    const { app } = start();
    const res = await app.inject({ url: '/replays' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ replays: [] });
  });

  it('lists each replay with its progress, rate, ETA and state: running first, and lost once it goes quiet', async () => {
    const { app, replays, at } = start();
    replays.update(
      'g-done',
      replayStatus({
        group_id: 'g-done',
        run_id: 'store-1',
        kind: 'store',
        state: 'done',
        done: 50,
        total: 50,
        eta_seconds: 0,
        updated_at: T0 - 5_000,
      }),
    );
    replays.update('g-run', replayStatus({ group_id: 'g-run' }));
    const res = await app.inject({ url: '/replays' });
    expect(res.json()).toEqual({
      replays: [
        {
          groupId: 'g-run',
          runId: 'scoring-0123456789-abc',
          kind: 'scoring',
          state: 'running',
          done: 400,
          total: 1000,
          messages: 390,
          rate: 130,
          etaSeconds: 4.6,
          host: 'replayer-1',
          startedAt: T0 - 3_000,
          updatedAt: T0,
        },
        {
          groupId: 'g-done',
          runId: 'store-1',
          kind: 'store',
          state: 'done',
          done: 50,
          total: 50,
          messages: 390,
          rate: 130,
          host: 'replayer-1',
          startedAt: T0 - 3_000,
          updatedAt: T0 - 5_000,
        },
      ],
    });

    at(T0 + 16_000);
    const later = (await app.inject({ url: '/replays' })).json() as { replays: { groupId: string; state: string }[] };
    expect(later.replays.map((r) => [r.groupId, r.state])).toEqual([
      ['g-run', 'lost'],
      ['g-done', 'done'],
    ]);
  });
});

describe('GET /metrics with replays', () => {
  it("shows every replay's offsets, rate and state, as the tracker stands at the scrape", async () => {
    const { app, replays, at } = start();
    replays.update('g-run', replayStatus({ group_id: 'g-run' }));
    replays.update(
      'g-feat',
      replayStatus({
        group_id: 'g-feat',
        run_id: 'features-9',
        kind: 'features',
        state: 'stopped',
        done: 20,
        total: 300,
        rate: 12.5,
      }),
    );
    const first = metricLines((await app.inject({ url: '/metrics' })).body);
    expect(first).toEqual(
      expect.arrayContaining([
        'spamstream_replay_offsets_done{run="scoring-0123456789-abc",kind="scoring"} 400',
        'spamstream_replay_offsets_total{run="scoring-0123456789-abc",kind="scoring"} 1000',
        'spamstream_replay_messages_per_second{run="scoring-0123456789-abc",kind="scoring"} 130',
        'spamstream_replay_state{run="scoring-0123456789-abc",kind="scoring",state="running"} 1',
        'spamstream_replay_state{run="scoring-0123456789-abc",kind="scoring",state="lost"} 0',
        'spamstream_replay_offsets_done{run="features-9",kind="features"} 20',
        'spamstream_replay_offsets_total{run="features-9",kind="features"} 300',
        'spamstream_replay_messages_per_second{run="features-9",kind="features"} 12.5',
        'spamstream_replay_state{run="features-9",kind="features",state="stopped"} 1',
        'spamstream_replay_state{run="features-9",kind="features",state="running"} 0',
      ]),
    );

    // The running one goes quiet; the stopped one is deleted from the topic (a tombstone).
    at(T0 + 20_000);
    replays.update('g-feat', null);
    const second = metricLines((await app.inject({ url: '/metrics' })).body);
    expect(second).toContain('spamstream_replay_state{run="scoring-0123456789-abc",kind="scoring",state="lost"} 1');
    expect(second).toContain('spamstream_replay_state{run="scoring-0123456789-abc",kind="scoring",state="running"} 0');
    expect(second.filter((line) => line.includes('features-9'))).toEqual([]);
  });
});

describe('the OpenAPI document', () => {
  it('describes GET /replays and its items', async () => {
    const { app } = start();
    const doc = (await app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, { get?: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }>;
    };
    const schema = doc.paths['/replays']!.get!.responses['200']!.content['application/json']!.schema;
    expect(schema).toMatchObject({
      required: ['replays'],
      properties: {
        replays: {
          type: 'array',
          items: {
            required: expect.arrayContaining(['runId', 'kind', 'state', 'done', 'total', 'rate']),
            properties: { state: { enum: ['running', 'done', 'stopped', 'failed', 'lost'] } },
          },
        },
      },
    });
  });
});
