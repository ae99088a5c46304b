// Scenario 2: the Kafka broker restarted mid-stream — a private single-node broker
// (testkit/second-broker.ts), never the shared one. First a clean restart (SIGTERM), then
// (full run) a crash (SIGKILL); each time the processors, the producer and the transactions in
// flight must carry on once it answers again, losing and repeating nothing.
import { startSecondBroker } from '../testkit/second-broker.ts';
import { type Scenario, withHarness, withServer } from './harness.ts';
import { sleep } from './parts.ts';

export const brokerRestart: Scenario = {
  name: 'Kafka broker restarted',
  run: ({ quick, log }) =>
    withServer(
      'broker',
      () => startSecondBroker(),
      (broker) =>
        withHarness('broker', { SPAMSTREAM_KAFKA_BROKERS: broker.brokers.join(',') }, async (h) => {
          const messages = quick ? 3_000 : 20_000;
          const rate = quick ? 150 : 300;
          await Promise.all([h.parts.startRunning('features'), h.parts.startRunning('scoring')]);
          const flow = h.load.flow(rate, { retryForMs: 180_000 });
          const restarts: ('SIGTERM' | 'SIGKILL')[] = quick ? ['SIGKILL'] : ['SIGTERM', 'SIGKILL'];
          for (const [i, how] of restarts.entries()) {
            await h.load.waitForSent(((i + 1) * messages) / (restarts.length + 1.5));
            const down = Date.now();
            if (how === 'SIGTERM') await broker.stop();
            else await broker.kill();
            log(`  broker stopped (${how}) at ${h.elapsed()}, ${h.load.sentIds.length} sent`);
            await sleep(5_000);
            await broker.start();
            const seconds = (Date.now() - down) / 1000;
            log(`  broker answering again at ${h.elapsed()}`);
            h.note(
              `broker ${how === 'SIGTERM' ? 'stopped cleanly' : 'killed'} and restarted: down ${seconds.toFixed(1)} s`,
            );
          }
          await flow.stopAt(messages);
          h.note(`${messages} messages at ${rate}/s`);
          await h.waitForPredictions();
          log(`  every prediction present at ${h.elapsed()}`);
          await h.parts.stopAll();
          return h.result(brokerRestart.name);
        }),
    ),
};
