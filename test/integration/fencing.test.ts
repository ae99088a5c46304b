// Partitions changing hands under exactly-once, on the real broker: fencing of an earlier owner,
// a partition revoked while its records are stuck, and a paused instance (a zombie) resuming after
// its partitions moved. Each ends with a read-committed count: every message once.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { SpamstreamError } from '../../core/errors.ts';
import type { SmsFeatures } from '../../schemas/index.ts';
import {
  featuresInstance,
  isolatedEnv,
  pipelineFixture,
  sleep,
  plainMessage as message,
} from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const root = join(import.meta.dirname, '..', '..');
function countIds(records: readonly { value: SmsFeatures }[]) {
  const counts = new Map<string, number>();
  for (const { value } of records) counts.set(value.sms_id, (counts.get(value.sms_id) ?? 0) + 1);
  return { distinct: counts.size, duplicates: records.length - counts.size };
}

describe('partitions changing hands under exactly-once', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close().catch(() => undefined);
  });

  it('a claim fences the earlier writer of the partition: its transaction is refused', async () => {
    const fixture = await pipelineFixture({ SPAMSTREAM_TOPIC_PARTITIONS: '1' });
    cleanup.push(() => fixture.close());
    const groupId = `${fixture.run}.features`;
    const input = { topic: fixture.config.topics.raw, partition: 0 };
    const old = fixture.messaging.openTransactionalWriter(groupId);
    const owner = fixture.messaging.openTransactionalWriter(groupId);
    cleanup.push(
      () => old.close(),
      () => owner.close(),
    );
    const record = (key: string) => ({ topic: fixture.config.topics.dlq, key, value: Buffer.from(key) });

    expect(await old.claim(input)).toBeUndefined();
    await old.sendAndCommit(input, [record('before')], '1');
    expect(await owner.claim(input)).toBe('1');
    await expect(old.sendAndCommit(input, [record('zombie')], '2')).rejects.toMatchObject({ code: 'REVOKED' });
    await owner.sendAndCommit(input, [record('owner')], '2');
    expect((await fixture.messaging.committedOffsets(groupId, input.topic)).get(0)).toBe(2n);
  }, 60_000);

  it('a writer never writes a run again that ends at or below the committed offset', async () => {
    const fixture = await pipelineFixture({ SPAMSTREAM_TOPIC_PARTITIONS: '1' });
    cleanup.push(() => fixture.close());
    const groupId = `${fixture.run}.features`;
    const input = { topic: fixture.config.topics.raw, partition: 0 };
    const writer = fixture.messaging.openTransactionalWriter(groupId);
    cleanup.push(() => writer.close());
    const record = (key: string) => ({ topic: fixture.config.topics.dlq, key, value: Buffer.from(key) });

    await writer.claim(input);
    await writer.sendAndCommit(input, [record('first')], '5');
    await expect(writer.sendAndCommit(input, [record('again')], '3')).rejects.toMatchObject({ code: 'REVOKED' });
    await expect(writer.sendAndCommit(input, [record('again')], '5')).rejects.toMatchObject({ code: 'REVOKED' });
    expect((await fixture.messaging.committedOffsets(groupId, input.topic)).get(0)).toBe(5n);
  }, 60_000);

  // Finding 11: a consumer crash that kafkajs does not restart used to stall a processor silently.
  it('a consumer that stops for good errors the stream instead of stalling', async () => {
    const fixture = await pipelineFixture({ SPAMSTREAM_TOPIC_PARTITIONS: '1' });
    cleanup.push(() => fixture.close());
    await fixture.produceRaw([message(fixture.run, 0)]);
    const source = fixture.messaging.openSource({
      groupId: `${fixture.run}.crash`,
      topics: [fixture.config.topics.raw],
      fromBeginning: true,
      maxInFlight: 10,
      partitionsConcurrently: 1,
      processor: 'crash',
      claim: async () => {
        throw new SpamstreamError('BROKER_REJECTED', 'not authorised to write for this group (test)');
      },
    });
    cleanup.push(() => source.close());
    const ended = new Promise<unknown>((resolve) =>
      source.records.subscribe({ error: resolve, complete: () => resolve('completed') }),
    );
    const outcome = await Promise.race([ended, sleep(30_000).then(() => 'still running')]);
    expect(outcome).toMatchObject({ code: 'BROKER_UNAVAILABLE', message: expect.stringContaining('not authorised') });
  }, 60_000);

  // Finding 3: records stuck in a pipeline while its partitions move. The stuck instance keeps its
  // session (it heartbeats while it waits), gives the partition up after the drain bound, and
  // its late result is never committed.
  it('a partition revoked while a record is stuck is reprocessed once, and the late result is dropped', async () => {
    const fixture = await pipelineFixture({
      SPAMSTREAM_TOPIC_PARTITIONS: '2',
      SPAMSTREAM_SESSION_TIMEOUT_MS: '6000',
      SPAMSTREAM_DRAIN_TIMEOUT_MS: '3000',
    });
    cleanup.push(() => fixture.close());
    const stuckId = `${fixture.run}-stuck`;
    let stuckOnce = false;
    let lateDone = false;
    const stuckFor = 35_000; // longer than the 30 s session a silent consumer would have
    const first = await featuresInstance(fixture, (store) => ({
      ...store,
      putFeatures: async (rows) => {
        if (rows[0]?.smsId === stuckId && !stuckOnce) {
          stuckOnce = true;
          await sleep(stuckFor);
          lateDone = true;
        }
        return store.putFeatures(rows);
      },
    }));
    cleanup.push(() => first.stop());
    const messages = [message(fixture.run, 'stuck'), ...Array.from({ length: 60 }, (_, i) => message(fixture.run, i))];
    await fixture.produceRaw(messages);
    await waitUntil('the first instance is stuck on its record', () => stuckOnce);
    const second = await featuresInstance(fixture);
    cleanup.push(() => second.stop());

    const features = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features, {
      until: (r) => countIds(r as never).distinct >= messages.length,
      timeoutMs: 90_000,
    });
    expect(countIds(features).distinct).toBe(messages.length);
    await waitUntil('the stuck write has finished', () => lateDone, { timeoutMs: 60_000 });
    await sleep(3_000); // an absence check: its instance has had the time to try to deliver the late result
    const after = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features);
    expect(countIds(after)).toEqual({ distinct: messages.length, duplicates: 0 });
  }, 150_000);

  // Finding 4: an instance paused (SIGSTOP) past its session while another takes its partitions,
  // then resumed. Its late transactions must be fenced.
  it('a zombie resumed after its partitions moved commits nothing', async () => {
    const pauseMs = Number(process.env.ZOMBIE_PAUSE_MS ?? 15_000);
    const fixture = await pipelineFixture({
      SPAMSTREAM_TOPIC_PARTITIONS: '3',
      SPAMSTREAM_SESSION_TIMEOUT_MS: '6000',
      SPAMSTREAM_DRAIN_TIMEOUT_MS: '3000',
    });
    cleanup.push(() => fixture.close());
    const env = {
      ...isolatedEnv(fixture.run),
      SPAMSTREAM_TOPIC_PARTITIONS: '3',
      SPAMSTREAM_SESSION_TIMEOUT_MS: '6000',
      SPAMSTREAM_DRAIN_TIMEOUT_MS: '3000',
    };
    expect(loadConfig(env).topics.raw).toBe(fixture.config.topics.raw);
    const instance = (): ChildProcess =>
      spawn(process.execPath, [join(root, 'bin', 'spamstream.js'), 'run', 'features'], {
        cwd: root,
        env,
        stdio: 'ignore',
      });
    const zombie = instance();
    cleanup.push(async () => zombie.kill('SIGKILL'));
    // A steady stream, so the zombie has transactions in flight when it is paused.
    const total = 3_000;
    const producing = (async () => {
      for (let i = 0; i < total; i += 50) {
        await fixture.produceRaw(Array.from({ length: 50 }, (_, j) => message(fixture.run, i + j)));
        await sleep(100);
      }
    })();
    await fixture.readTopic(fixture.config.topics.features, { until: (r) => r.length >= 200, timeoutMs: 60_000 });
    zombie.kill('SIGSTOP');
    const owner = instance();
    cleanup.push(async () => owner.kill('SIGKILL'));
    await sleep(pauseMs);
    zombie.kill('SIGCONT');
    await producing;

    const features = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features, {
      until: (r) => countIds(r as never).distinct >= total,
      timeoutMs: 120_000,
    });
    await sleep(5_000); // anything the zombie still had in flight has had its chance
    const after = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features);
    expect(countIds(features).distinct).toBe(total);
    expect(countIds(after)).toEqual({ distinct: total, duplicates: 0 });
  }, 240_000);
});
