import { describe, expect, it } from 'vitest';
import { type ReplayView, createReplayTracker } from './replay-board.ts';
import { replayStatus } from '../testkit/edge-fakes.ts';

const T0 = 1_700_000_000_000;

/** A tracker on a clock the test moves. */
function tracked(options: { staleMs?: number; keep?: number } = {}) {
  let now = T0;
  const tracker = createReplayTracker({ now: () => now, checkEveryMs: 0, ...options });
  const told: (readonly ReplayView[])[] = [];
  tracker.subscribe((replays) => told.push(replays));
  return {
    tracker,
    told,
    at: (ms: number) => {
      now = ms;
    },
    states: () => tracker.snapshot().map((r) => [r.groupId, r.state]),
  };
}

describe('the replay tracker', () => {
  it('shows the newest record of each replay, as the page and GET /replays read it', () => {
    const { tracker } = tracked();
    tracker.update('g1', replayStatus({ group_id: 'g1' }));
    expect(tracker.snapshot()).toEqual([
      {
        groupId: 'g1',
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
    ]);
  });

  it('latest wins: a later record of the same replay replaces the earlier one, other replays stay', () => {
    const { tracker, told } = tracked();
    tracker.update('g1', replayStatus({ group_id: 'g1', done: 100 }));
    tracker.update('g2', replayStatus({ group_id: 'g2', run_id: 'features-x', kind: 'features', done: 7 }));
    tracker.update('g1', replayStatus({ group_id: 'g1', done: 1000, state: 'done', updated_at: T0 + 2_000 }));
    expect(tracker.snapshot().map((r) => [r.groupId, r.state, r.done])).toEqual([
      ['g2', 'running', 7],
      ['g1', 'done', 1000],
    ]);
    expect(told).toHaveLength(3);
    // The same command run again with --restart: a new run id under the same group replaces the old run.
    tracker.update(
      'g1',
      replayStatus({ group_id: 'g1', run_id: 'scoring-restarted', done: 3, updated_at: T0 + 3_000 }),
    );
    expect(tracker.snapshot().map((r) => r.runId)).toEqual(['scoring-restarted', 'features-x']);
  });

  it('the order read is what counts, as in compaction: an older update_at read later still wins', () => {
    const { tracker } = tracked();
    tracker.update('g1', replayStatus({ group_id: 'g1', state: 'stopped', updated_at: T0 + 5_000 }));
    tracker.update('g1', replayStatus({ group_id: 'g1', state: 'running', updated_at: T0 + 4_000 }));
    expect(tracker.snapshot()[0]!.state).toBe('running');
  });

  it('a running replay not heard of for 15 s is lost, and listeners hear of it once; a new record revives it', () => {
    const { tracker, told, at, states } = tracked();
    tracker.update('g1', replayStatus({ group_id: 'g1' }));
    tracker.update('g2', replayStatus({ group_id: 'g2', state: 'done', done: 1000 }));
    expect(told).toHaveLength(2);

    at(T0 + 15_000);
    tracker.check();
    expect(states()).toEqual([
      ['g1', 'running'],
      ['g2', 'done'],
    ]);
    expect(told).toHaveLength(2);

    at(T0 + 15_001);
    tracker.check();
    tracker.check();
    // Done replays never turn lost: only a run that said it was running can be.
    expect(states()).toEqual([
      ['g1', 'lost'],
      ['g2', 'done'],
    ]);
    expect(told).toHaveLength(3);
    expect(told[2]!.map((r) => r.state)).toEqual(['lost', 'done']);
    // A lost replay has no ETA: nobody knows whether it moves.
    expect(tracker.snapshot()[0]!.etaSeconds).toBeUndefined();

    tracker.update('g1', replayStatus({ group_id: 'g1', updated_at: T0 + 15_001 }));
    expect(states()[0]).toEqual(['g1', 'running']);
  });

  it('an old record read by an edge started later is lost at once; a host clock running ahead keeps nothing alive', () => {
    const { tracker, at, states } = tracked();
    at(T0 + 3_600_000);
    tracker.update('old', replayStatus({ group_id: 'old', updated_at: T0 }));
    expect(states()).toEqual([['old', 'lost']]);

    // A replay host an hour ahead: its record counts from when it was read.
    tracker.update('ahead', replayStatus({ group_id: 'ahead', updated_at: T0 + 7_200_000 }));
    expect(tracker.snapshot().find((r) => r.groupId === 'ahead')!.state).toBe('running');
    at(T0 + 3_600_000 + 15_001);
    expect(tracker.snapshot().find((r) => r.groupId === 'ahead')!.state).toBe('lost');
  });

  it('running and lost replays come first, then the rest, newest first; a tombstone forgets a replay', () => {
    const { tracker, at, states } = tracked({ staleMs: 10_000 });
    tracker.update('done-early', replayStatus({ group_id: 'done-early', state: 'done', updated_at: T0 - 60_000 }));
    tracker.update('stale', replayStatus({ group_id: 'stale', updated_at: T0 - 20_000 }));
    tracker.update('stopped', replayStatus({ group_id: 'stopped', state: 'stopped', updated_at: T0 - 1_000 }));
    tracker.update('live', replayStatus({ group_id: 'live', updated_at: T0 }));
    at(T0 + 1);
    expect(states()).toEqual([
      ['live', 'running'],
      ['stale', 'lost'],
      ['stopped', 'stopped'],
      ['done-early', 'done'],
    ]);
    tracker.update('stale', null);
    tracker.update('never-seen', null);
    expect(states().map(([key]) => key)).toEqual(['live', 'stopped', 'done-early']);
  });

  it('keeps the most recently updated replays only', () => {
    const { tracker } = tracked({ keep: 2 });
    for (const [i, key] of ['a', 'b', 'c'].entries())
      tracker.update(key, replayStatus({ group_id: key, state: 'done', updated_at: T0 + i }));
    expect(tracker.snapshot().map((r) => r.groupId)).toEqual(['c', 'b']);
  });
});
