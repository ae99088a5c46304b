// Delivery when the broker itself fails, on a private second broker (never the shared one):
// a writer whose very first connection failed, and a processor whose transaction commit failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../config/config.ts';
import { type Messaging, applyPorts, connectMessaging } from '../../runtime/wiring.ts';
import { startParts } from '../../runtime/pipeline.ts';
import type { SmsFeatures } from '../../schemas/index.ts';
import { applyTopology } from '../../topology/apply.ts';
import { readTopic } from '../../testkit/read-topic.ts';
import { isolatedEnv, sleep, plainMessage as message } from '../../testkit/pipeline-fixture.ts';
import { type SecondBroker, startSecondBroker } from '../../testkit/second-broker.ts';

describe('delivery through broker failures (a private broker)', () => {
  let broker: SecondBroker;
  const configFor = (run: string, extra: Record<string, string> = {}): Config =>
    loadConfig({
      ...isolatedEnv(run),
      SPAMSTREAM_KAFKA_BROKERS: broker.brokers.join(','),
      SPAMSTREAM_TOPIC_PARTITIONS: '2',
      ...extra,
    });

  beforeAll(async () => {
    broker = await startSecondBroker();
  }, 180_000);
  afterAll(async () => broker?.dispose(), 60_000);

  // Finding 9: `connected ??= producer.connect()` kept a failed first connect forever.
  it('a writer whose first connection failed connects when the broker is back', async () => {
    const run = `first${Date.now().toString(36)}`;
    const config = configFor(run);
    const messaging = connectMessaging(config);
    try {
      await broker.stop();
      const record = { topic: config.topics.raw, key: 'k', value: Buffer.from('v') };
      await expect(messaging.writer.send([record])).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
      await broker.start();
      await applyTopology(applyPorts(config, messaging), config);
      await messaging.writer.send([record]);
      expect(
        (await messaging.endOffsets(config.topics.raw)).get(0)! +
          (await messaging.endOffsets(config.topics.raw)).get(1)!,
      ).toBe(1n);
    } finally {
      await messaging.close();
    }
  }, 180_000);

  // Finding 5: a failed commit left kafkajs' producer COMMITTING for good; the processor died.
  it('a processor keeps going, each message once, after its broker froze mid-transaction', async () => {
    const run = `frozen${Date.now().toString(36)}`;
    const config = configFor(run, { SPAMSTREAM_SESSION_TIMEOUT_MS: '30000' });
    const messaging: Messaging = connectMessaging(config);
    await applyTopology(applyPorts(config, messaging), config);
    const pipeline = await startParts(config, ['features'], () => {});
    let failure: Error | undefined;
    void pipeline.failed.then((error) => (failure = error));
    try {
      const subject = `${config.topics.raw}-value`;
      const total = 600;
      for (let i = 0; i < total; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: 20 }, (_, j) => message(run, i + j)).map(async (raw) => ({
            topic: config.topics.raw,
            key: raw.sms_id,
            value: await messaging.codec.encode(subject, raw),
          })),
        );
        await messaging.writer.send(batch);
        if (i === 200) {
          broker.pause(); // mid-stream: transactions in flight, commits cannot be answered
          await sleep(15_000); // longer than the 10 s transaction timeout
          broker.resume();
        }
        await sleep(50);
      }
      // The reader reads the private broker, not the one the environment names.
      const brokers = config.kafka.brokers;
      const features = await readTopic<SmsFeatures>(messaging, config.topics.features, {
        until: (r) => new Set(r.map((f) => f.value.sms_id)).size >= total,
        timeoutMs: 120_000,
        brokers,
      });
      await sleep(3_000); // an absence check: time for a duplicate, if any, to be committed
      const after = await readTopic<SmsFeatures>(messaging, config.topics.features, { brokers });
      expect(failure).toBeUndefined();
      expect(new Set(features.map((f) => f.value.sms_id)).size).toBe(total);
      expect(after).toHaveLength(total);
    } finally {
      await pipeline.stop();
      await messaging.close();
    }
  }, 300_000);
});
