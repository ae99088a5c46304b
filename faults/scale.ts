// Scenario 6: each processor's group scaled 1 → 3 → 1 while messages flow. Partitions move twice
// (to the two new instances, back from the two stopped ones); each move drains and commits first.
import { type Scenario, withHarness } from './harness.ts';
import type { Part } from './parts.ts';

export const scale: Scenario = {
  name: 'scale 1 → 3 → 1',
  run: ({ quick, log }) =>
    withHarness('scale', {}, async (h) => {
      const messages = quick ? 3_000 : 20_000;
      const rate = quick ? 150 : 300;
      await Promise.all([h.parts.startRunning('features'), h.parts.startRunning('scoring')]);
      // Phases follow the messages sent, not the clock, and the messages flow until the last phase:
      // on a busy machine a new instance may take many seconds to start.
      const flow = h.load.flow(rate);
      await h.load.waitForSent(messages * 0.25);
      const extra = await Promise.all(
        ['features', 'scoring', 'features', 'scoring'].map((p) => h.parts.startRunning(p as Part)),
      );
      const up = h.load.sentIds.length;
      log(`  3 instances of each running at ${h.elapsed()}, ${up} sent`);
      await h.load.waitForSent(up + messages * 0.25);
      const times = await Promise.all(extra.map((part, i) => h.parts.stop(part, i % 2 === 0 ? 'SIGTERM' : 'SIGINT')));
      const down = h.load.sentIds.length;
      log(`  back to 1 instance of each at ${h.elapsed()}, ${down} sent`);
      await flow.stopAt(Math.max(messages, down + messages * 0.2));
      h.note(
        `3 instances of each from message ${up} to ${down} of ${h.load.sentIds.length} at ${rate}/s; the 4 leaving ` +
          `instances exited within ${(Math.max(...times) / 1000).toFixed(1)} s`,
      );
      await h.waitForPredictions();
      log(`  every prediction present at ${h.elapsed()}`);
      await h.parts.stopAll();
      return h.result(scale.name);
    }),
};
