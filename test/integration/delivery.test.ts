// Delivery correctness on the real broker: each test is the regression test of a finding of the
// delivery-correctness issue, run through the production wiring (runtime/wiring.ts, buildTopology,
// startParts), with only the online store wrapped where a test needs a slow or failing write.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { SpamstreamError } from '../../core/errors.ts';
import { startParts } from '../../runtime/pipeline.ts';
import type { DeadLetter, SmsFeatures } from '../../schemas/index.ts';
import {
  type PipelineFixture,
  featuresInstance,
  pipelineFixture,
  sleep,
  plainMessage as message,
} from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

interface Visible {
  readonly originOffset: number;
  readonly partition: number;
  readonly value: string;
}

/**
 * What a read-committed consumer sees of a topic: each record's origin offset and value. With
 * `until`, it reads until that holds; without, it is an absence check and reads for `forMs`, since
 * a record that must not appear gives no event to wait for.
 */
async function visibleNow(
  config: PipelineFixture['config'],
  topic: string,
  { forMs = 2_500, until }: { forMs?: number; until?: (seen: readonly Visible[]) => boolean } = {},
): Promise<Visible[]> {
  const kafka = new Kafka({ clientId: 'delivery-it', brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING });
  const groupId = `delivery-it.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const seen: Visible[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message: m }) => {
      const origin = m.headers?.['spamstream-origin']?.toString() ?? '';
      const [, partition, offset] = /\/(\d+)@(\d+)$/.exec(origin) ?? [];
      seen.push({
        partition: Number(partition),
        originOffset: Number(offset),
        value: m.value?.toString('latin1') ?? '',
      });
    },
  });
  if (until) await waitUntil(`${topic} shows what the test waits for`, () => until(seen), { timeoutMs: 60_000 });
  else await sleep(forMs);
  await consumer.disconnect();
  await kafka
    .admin()
    .deleteGroups([groupId])
    .catch(() => undefined);
  return seen;
}

describe('delivery correctness on the real broker', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close().catch(() => undefined);
  });

  // Finding 1: a produce request partly refused (200 dead letters of 6 KB to the one-partition
  // dead-letter topic: 1.2 MB) broke the idempotent sequence, and later outputs were lost.
  it('keeps writing after a batch whose dead letters exceed one produce request, losing nothing', async () => {
    const fixture = await pipelineFixture();
    cleanup.push(() => fixture.close());
    const { run } = fixture;
    const long = 'x'.repeat(60_000); // over the 4,096-byte text limit: TEXT_TOO_LONG, with its 60 KB original
    // Good records and large dead letters interleaved, so produce requests carry both, and any 18
    // dead letters together exceed the broker's 1 MiB batch limit of the one-partition topic.
    const first = Array.from({ length: 200 }, (_, i) => [message(run, `a${i}`), message(run, `long${i}`, long)]).flat();
    for (let i = 0; i < first.length; i += 10) await fixture.produceRaw(first.slice(i, i + 10));
    const pipeline = await startParts(fixture.config, ['features'], () => {});
    cleanup.push(() => pipeline.stop());
    await fixture.readTopic<DeadLetter>(fixture.config.topics.dlq, {
      until: (r) => r.length >= 200,
      timeoutMs: 60_000,
    });
    await fixture.produceRaw(Array.from({ length: 12 }, (_, i) => message(run, `b${i}`)));

    const expected = [
      ...Array.from({ length: 200 }, (_, i) => `${run}-a${i}`),
      ...Array.from({ length: 12 }, (_, i) => `${run}-b${i}`),
    ].sort();
    const features = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features, {
      until: (r) => r.length >= expected.length,
      timeoutMs: 60_000,
    });
    const letters = await fixture.readTopic<DeadLetter>(fixture.config.topics.dlq);
    expect(features.map((f) => f.value.sms_id).sort()).toEqual(expected);
    expect(letters.map((l) => l.value.error_code)).toEqual(Array.from({ length: 200 }, () => 'TEXT_TOO_LONG'));
  }, 120_000);

  // Finding 1, at its root: kafkajs rolls back the idempotent sequence of every partition of a
  // failed request, the appended ones included, so the next records on those partitions were
  // dropped as duplicates or refused as out of order.
  it('a writer whose request was partly refused still writes every later record', async () => {
    const fixture = await pipelineFixture();
    cleanup.push(() => fixture.close());
    const { raw, dlq } = fixture.config.topics;
    const small = (n: number) => ({ topic: raw, key: `k${n}`, value: Buffer.from(`small ${n}`) });
    const large = (n: number) => ({ topic: dlq, key: `big${n}`, value: Buffer.alloc(60_000, n) });
    const refused = await fixture.messaging.writer
      .send([...Array.from({ length: 8 }, (_, i) => small(i)), ...Array.from({ length: 20 }, (_, i) => large(i))])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // Whether the writer splits the request or reports the refusal, what follows must all land.
    if (refused) expect(refused).toMatchObject({ code: 'BROKER_REJECTED' });
    const later = Array.from({ length: 12 }, (_, i) => small(100 + i));
    for (const record of later) await fixture.messaging.writer.send([record]);
    const landed = (seen: readonly Visible[]) => {
      const values = new Set(seen.map((v) => v.value));
      return later.every((record) => values.has(record.value.toString()));
    };
    const values = new Set((await visibleNow(fixture.config, raw, { until: landed })).map((v) => v.value));
    for (const record of later) expect(values.has(record.value.toString()), record.key).toBe(true);
  }, 120_000);

  // Finding 2: outputs of records that overtook a slow one were committed without their offsets;
  // a crash then replayed them. A read-committed consumer must never see an output whose input
  // offset is not committed.
  it('never commits outputs past an unfinished record', async () => {
    const fixture = await pipelineFixture({ SPAMSTREAM_TOPIC_PARTITIONS: '1' });
    cleanup.push(() => fixture.close());
    const slowId = `${fixture.run}-slow`;
    const stored = new Set<string>();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const processor = await featuresInstance(fixture, (store) => ({
      ...store,
      putFeatures: async (rows) => {
        if (rows[0]?.smsId === slowId) await released;
        await store.putFeatures(rows);
        for (const row of rows) stored.add(row.smsId);
      },
    }));
    cleanup.push(() => processor.stop());
    cleanup.push(async () => release());
    await fixture.produceRaw([
      message(fixture.run, 'slow'),
      ...Array.from({ length: 20 }, (_, i) => message(fixture.run, i)),
    ]);

    // The 20 fast records are computed and stored; the slow one (offset 0) is not.
    await waitUntil('the 20 fast records are stored', () => stored.size === 20);
    const visible = await visibleNow(fixture.config, fixture.config.topics.features);
    const committed =
      (await fixture.messaging.committedOffsets(`${fixture.run}.features`, fixture.config.topics.raw)).get(0) ?? 0n;
    const uncovered = visible.filter((v) => BigInt(v.originOffset) >= committed);
    expect(uncovered, `outputs visible with input offsets at or past the committed ${committed}`).toEqual([]);

    release();
    const features = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features, {
      until: (r) => r.length >= 21,
      timeoutMs: 60_000,
    });
    expect(features).toHaveLength(21);
    expect(features.map((f) => f.record.headers['spamstream-origin'])).toEqual(
      Array.from({ length: 21 }, (_, i) => `${fixture.config.topics.raw}/0@${i}`),
    );
  }, 120_000);

  // Finding 6: a store outage made records dead letters after 8 attempts, and committed them.
  it('retries through a store outage without dead-lettering anything', async () => {
    const fixture = await pipelineFixture({
      SPAMSTREAM_RETRY_BACKOFF_MS: '10',
      SPAMSTREAM_RETRY_BACKOFF_MAX_MS: '200',
    });
    cleanup.push(() => fixture.close());
    const outageEnds = Date.now() + 6_000;
    const processor = await featuresInstance(fixture, (store) => ({
      ...store,
      putFeatures: async (rows) => {
        if (Date.now() < outageEnds)
          throw new SpamstreamError('STORE_UNAVAILABLE', 'Cassandra did not answer (test outage)');
        return store.putFeatures(rows);
      },
    }));
    cleanup.push(() => processor.stop());
    await fixture.produceRaw(Array.from({ length: 10 }, (_, i) => message(fixture.run, i)));

    const features = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features, {
      until: (r) => r.length >= 10,
      timeoutMs: 60_000,
    });
    expect(features).toHaveLength(10);
    expect(Date.now()).toBeGreaterThanOrEqual(outageEnds);
    const letters = await visibleNow(fixture.config, fixture.config.topics.dlq, { forMs: 1_500 });
    expect(letters).toEqual([]);
  }, 120_000);

  // Finding 8: at-least-once, a batch cut short by a stop committed nothing of itself.
  it('at-least-once: a stop commits everything that was written', async () => {
    const fixture = await pipelineFixture({ SPAMSTREAM_DELIVERY: 'at-least-once', SPAMSTREAM_TOPIC_PARTITIONS: '1' });
    cleanup.push(() => fixture.close());
    const first = await startParts(fixture.config, ['features'], () => {});
    // One batch read to its end, then a large one that the stop cuts short.
    await fixture.produceRaw(Array.from({ length: 20 }, (_, i) => message(fixture.run, i)));
    await fixture.readTopic(fixture.config.topics.features, { until: (r) => r.length >= 20, timeoutMs: 60_000 });
    await waitUntil(
      'the first batch is committed',
      async () =>
        (await fixture.messaging.committedOffsets(`${fixture.run}.features`, fixture.config.topics.raw)).get(0) === 20n,
    );
    await fixture.produceRaw(Array.from({ length: 3_000 }, (_, i) => message(fixture.run, 20 + i)));
    await fixture.readTopic(fixture.config.topics.features, { until: (r) => r.length >= 100, timeoutMs: 60_000 });
    await first.stop();
    const written = (await fixture.readTopic(fixture.config.topics.features)).length;
    const committed =
      (await fixture.messaging.committedOffsets(`${fixture.run}.features`, fixture.config.topics.raw)).get(0) ?? 0n;
    expect(Number(committed)).toBe(written);
  }, 120_000);
});
