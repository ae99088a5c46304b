// Scenario 7: a zombie. One of two instances of each processor is frozen (SIGSTOP) in the middle of its
// work, past its session timeout, so the other instance takes its partitions and redoes its
// unfinished records; then it is resumed (SIGCONT) with its old transaction still open. Whatever it
// then tries to commit must be fenced: a read-committed consumer sees every prediction once.
import { FAST_REBALANCE, type Scenario, withHarness } from './harness.ts';
import { sleep } from './parts.ts';

export const zombie: Scenario = {
  name: 'zombie (SIGSTOP past the session)',
  run: ({ quick, log }) =>
    withHarness('zombie', FAST_REBALANCE, async (h) => {
      const messages = quick ? 3_000 : 10_000;
      const rate = quick ? 150 : 250;
      const frozenMs = 15_000;
      const zombies = await Promise.all([h.parts.startRunning('features'), h.parts.startRunning('scoring')]);
      await Promise.all([h.parts.startRunning('features'), h.parts.startRunning('scoring')]);
      const producing = h.load.produce(messages, rate);
      await sleep(4_000);
      for (const part of zombies) part.child.kill('SIGSTOP');
      log(`  froze one instance of each processor at ${h.elapsed()}, ${h.load.sentIds.length} sent`);
      await sleep(frozenMs);
      for (const part of zombies) part.child.kill('SIGCONT');
      log(`  resumed them at ${h.elapsed()}, ${h.load.sentIds.length} sent`);
      h.note(
        `one of two instances of each processor frozen for ${frozenMs / 1000} s (session ` +
          `${FAST_REBALANCE.SPAMSTREAM_SESSION_TIMEOUT_MS} ms) while ${messages} messages flowed at ${rate}/s`,
      );
      await producing;
      await h.waitForPredictions();
      log(`  every prediction present at ${h.elapsed()}`);
      for (const part of zombies) {
        const gone = part.child.exitCode ?? part.child.signalCode;
        if (gone !== null) h.note(`the resumed ${part.part} instance exited by itself (${gone})`);
      }
      await h.parts.stopAll();
      return h.result(zombie.name);
    }),
};
