// Scenario 1: `kill -9` each processor again and again while messages flow, restarting it each time.
// A killed instance's open transaction is aborted (its successor claims the partitions' transactional
// ids), so exactly-once delivery must show 0 lost and 0 duplicates.
import { FAST_REBALANCE, type Scenario, withHarness } from './harness.ts';
import { RUNNING, sleep } from './parts.ts';

export const kill9: Scenario = {
  name: 'kill -9 processors',
  // A killed member holds its partitions until its session expires: the shortest session keeps the
  // suite fast (the default 30 s would stall each kill's rebalance for that long).
  run: ({ quick, log }) =>
    withHarness('kill9', FAST_REBALANCE, async (h) => {
      const messages = quick ? 2_000 : 20_000;
      const kills = quick ? 3 : 10;
      // About 4 s per kill (restart, a second or two of work): the messages flow during all of them.
      const rate = Math.round(messages / (2 * kills * 4));
      const current = {
        features: await h.parts.startRunning('features'),
        scoring: await h.parts.startRunning('scoring'),
      };
      const producing = h.load.produce(messages, rate);
      for (let kill = 0; kill < 2 * kills; kill += 1) {
        const part = kill % 2 === 0 ? 'features' : 'scoring';
        // Killed while it works, not while it starts: after it runs, at a random point of its work.
        await h.parts.waitForLog(current[part], RUNNING);
        await sleep(1_000 + Math.random() * 2_000);
        await h.parts.crash(current[part]);
        current[part] = h.parts.start(part);
        log(`  kill -9 #${Math.floor(kill / 2) + 1} of ${part} at ${h.elapsed()}, ${h.load.sentIds.length} sent`);
      }
      await producing;
      h.note(`${kills} kill -9 of each processor while ${messages} messages flowed at ${rate}/s`);
      await h.waitForPredictions();
      log(`  every prediction present at ${h.elapsed()}`);
      await h.parts.stopAll();
      return h.result(kill9.name);
    }),
};
