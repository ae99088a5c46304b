// The replays the edge knows of, on its `/metrics`: the same gauges the replay process serves
// (`spamstream_replay_offsets_done`, `_offsets_total`, `spamstream_replay_messages_per_second`,
// labels run and kind), plus `spamstream_replay_state` (1 for the replay's state, 0 for the
// others, so an alert can watch `state="lost"`). Set from the board at every scrape rather than at
// every record: a replay that turns lost, or drops out of the board, is right on the next scrape.
// The edge never runs a replay itself, so these gauges of its registry are the board's alone.
import type { Metrics } from '../core/metrics.ts';
import { REPLAY_STATES, type ReplayView } from './replay-board.ts';

export function mirrorReplays(metrics: Metrics, replays: readonly ReplayView[]): void {
  const { replayDone, replayTotal, replayRate, replayState } = metrics;
  for (const gauge of [replayDone, replayTotal, replayRate, replayState]) gauge.reset();
  for (const replay of replays) {
    const labels = { run: replay.runId, kind: replay.kind };
    replayDone.set(labels, replay.done);
    replayTotal.set(labels, replay.total);
    replayRate.set(labels, replay.rate);
    for (const state of REPLAY_STATES) replayState.set({ ...labels, state }, replay.state === state ? 1 : 0);
  }
}
