import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { envelope } from '../core/envelope.ts';
import type { StoredPrediction } from '../connectors/online-store.ts';
import type { QualityCounts, SmsVerdict } from '../schemas/index.ts';
import { qualityProcessor } from './quality.ts';
import { TOPICS, all, collect, memoryPipeline } from '../testkit/memory-pipeline.ts';

const NOW = 10 * 3_600_000;

function setup() {
  const pipeline = memoryPipeline();
  const make = () =>
    qualityProcessor(
      { codec: pipeline.codec, labels: pipeline.stores.labels, predictions: pipeline.stores.predictions },
      {
        qualityTopic: TOPICS.quality,
        partitions: 3,
        windowMs: 3_600_000,
        bucketMs: 60_000,
        policy: { backoffMs: 1 },
        now: () => NOW,
      },
    );
  let offset = 0;
  /** The partitions each processor was given: claimed (restored) before their first verdict, as the source does. */
  const claimed = new Map<ReturnType<typeof make>, Set<number>>();
  /** Runs verdicts of one partition through a processor; returns the counts records it wrote, decoded. */
  const run = async (processor: ReturnType<typeof make>, verdicts: readonly SmsVerdict[], partition = 0) => {
    const held = claimed.get(processor) ?? new Set();
    claimed.set(processor, held);
    if (!held.has(partition)) await processor.restore({ topic: TOPICS.verdicts, partition });
    held.add(partition);
    const records = await Promise.all(
      verdicts.map(async (v) =>
        envelope({
          key: v.sms_id,
          value: await pipeline.codec.encode(`${TOPICS.verdicts}-value`, v),
          headers: {},
          timestamp: 1,
          origin: { topic: TOPICS.verdicts, partition, offset: String(offset++) },
        }),
      ),
    );
    const flows = await collect(from(records).pipe(processor, all()));
    const written = flows.flatMap((f) => (f.value.result.ok ? f.value.result.value : [])) as {
      value: Buffer;
      key: string;
    }[];
    return Promise.all(
      written.map(async (r) => ({ key: r.key, counts: await pipeline.codec.decode<QualityCounts>(r.value) })),
    );
  };
  const store = (row: Partial<StoredPrediction> & { smsId: string; modelVersion: string; label: string }) =>
    pipeline.stores.predictions.putPredictions([
      {
        model: 'm',
        featureView: 'v1',
        spamProbability: row.label === 'spam' ? 0.9 : 0.1,
        labels: ['ham', 'spam'],
        scores: [0.1, 0.9],
        threshold: 0.5,
        eventTime: 1_000,
        scoredAt: 2_000,
        ...row,
      },
    ]);
  return { ...pipeline, make, run, store };
}

const label = (smsId: string, value: string, at: number): SmsVerdict => ({
  sms_id: smsId,
  model_version: null,
  label: value,
  given_at: at,
  event_time: 0,
});
const predicted = (smsId: string, version: string, value: string, scoredAt = 2_000): SmsVerdict => ({
  sms_id: smsId,
  model_version: version,
  label: value,
  given_at: scoredAt,
  event_time: 1_000,
});

const totals = (counts: QualityCounts | undefined) =>
  Object.fromEntries((counts?.versions ?? []).map((v) => [v.model_version, [v.tp, v.fp, v.tn, v.fn]]));

describe('quality processor', () => {
  it('counts each labelled message once per version, by its latest label and latest prediction', async () => {
    const { make, run, store } = setup();
    const processor = make();
    // Predictions stored before their verdicts come, as the scoring processor writes them.
    await store({ smsId: 'a', modelVersion: 'v1', label: 'spam' });
    await store({ smsId: 'a', modelVersion: 'v2', label: 'ham' });
    await store({ smsId: 'b', modelVersion: 'v1', label: 'spam' });
    const written = await run(processor, [
      predicted('a', 'v1', 'spam'),
      predicted('a', 'v2', 'ham'),
      label('a', 'spam', NOW - 30_000),
      predicted('b', 'v1', 'spam'),
      label('b', 'ham', NOW - 20_000),
      label('b', 'ham', NOW - 20_000),
      predicted('a', 'v1', 'spam'),
    ]);
    // One record per change (a's label, b's label, each with its stored predictions); none for
    // predictions of messages not labelled yet, nor for verdicts that change nothing.
    expect(written.map((w) => w.key)).toEqual(['0', '0']);
    const last = written.at(-1)!.counts;
    expect(totals(last)).toEqual({ v1: [1, 1, 0, 0], v2: [0, 0, 0, 1] });
    expect(last).toMatchObject({ partition: 0, partitions: 3, labelled: 2, bucket_ms: 60_000, updated_at: NOW });
    expect(last.versions[0]!.recent).toEqual([{ start: NOW - 60_000, tp: 1, fp: 1, tn: 0, fn: 0 }]);
  });

  it('moves a count when a message is labelled again, and keeps the label given last whatever the order', async () => {
    const { make, run, store } = setup();
    const processor = make();
    await store({ smsId: 'a', modelVersion: 'v1', label: 'spam' });
    let written = await run(processor, [label('a', 'ham', 5), predicted('a', 'v1', 'spam'), label('a', 'spam', 9)]);
    expect(totals(written.at(-1)!.counts)).toEqual({ v1: [1, 0, 0, 0] });
    written = await run(processor, [label('a', 'ham', 7)]);
    expect(written).toEqual([]);
  });

  it('rebuilds a partition from the stores when it is claimed, as a new instance would, and counts nothing twice', async () => {
    const { make, run, store, stores } = setup();
    const first = make();
    await store({ smsId: 'a', modelVersion: 'v1', label: 'spam' });
    await store({ smsId: 'b', modelVersion: 'v1', label: 'spam' });
    const verdicts = [label('a', 'spam', NOW), label('b', 'ham', NOW), predicted('a', 'v1', 'spam')];
    const before = (await run(first, verdicts, 2)).at(-1)!.counts;
    expect(totals(before)).toEqual({ v1: [1, 1, 0, 0] });

    // Another instance claims partition 2: the state comes from the label store and the online store.
    const second = make();
    await second.restore({ topic: TOPICS.verdicts, partition: 2 });
    expect(await stores.labels.labelsOf({ topic: TOPICS.verdicts, partition: 2 })).toHaveLength(2);
    // The uncommitted tail read again (a replay, a re-delivery) counts nothing twice; its first verdict
    // writes the restored counts, since what the first instance wrote may never have been committed...
    const reread = await run(second, verdicts, 2);
    expect(reread.map((w) => totals(w.counts))).toEqual([totals(before)]);
    expect(await run(second, verdicts, 2)).toEqual([]);
    // ...and the next change is counted on top of the restored counts.
    await store({ smsId: 'c', modelVersion: 'v1', label: 'ham' });
    const after = (await run(second, [label('c', 'ham', NOW)], 2)).at(-1)!.counts;
    expect(totals(after)).toEqual({ v1: [1, 1, 1, 0] });
    expect(after.labelled).toBe(3);
    // Partition 0 was never labelled: nothing restored there.
    await second.restore({ topic: TOPICS.verdicts, partition: 0 });
    expect(await run(second, [predicted('z', 'v1', 'spam')], 0)).toEqual([]);
  });

  it('writes the counts with the first verdict after each claim, even one that changes nothing', async () => {
    const { make, run, store } = setup();
    const processor = make();
    const p3 = { topic: TOPICS.verdicts, partition: 3 };
    await store({ smsId: 'a', modelVersion: 'v1', label: 'spam' });
    // Counted and written, then the transaction refused (another instance claimed the partition meanwhile).
    await run(processor, [label('a', 'spam', NOW)], 3);
    // Claimed back: the label is in the store, so reading it again changes nothing; the counts are written all the same.
    await processor.restore(p3);
    const again = await run(processor, [label('a', 'spam', NOW)], 3);
    expect(again.map((w) => totals(w.counts))).toEqual([{ v1: [1, 0, 0, 0] }]);
  });

  it('forgets a partition a rejoin gave to another instance, and rebuilds it when it comes back', async () => {
    const { make, run, store } = setup();
    const processor = make();
    const p1 = { topic: TOPICS.verdicts, partition: 1 };
    await store({ smsId: 'a', modelVersion: 'v1', label: 'spam' });
    await run(processor, [label('a', 'spam', NOW)], 1);
    processor.release(p1);
    // A verdict still on its way from the released partition counts nothing here: its owner reads it again.
    await store({ smsId: 'b', modelVersion: 'v1', label: 'spam' });
    expect(await run(processor, [label('b', 'ham', NOW)], 1)).toEqual([]);
    // Claimed again: rebuilt from the stores, which hold both labels.
    await processor.restore(p1);
    await store({ smsId: 'c', modelVersion: 'v1', label: 'ham' });
    const counts = (await run(processor, [label('c', 'ham', NOW)], 1)).at(-1)!.counts;
    expect(totals(counts)).toEqual({ v1: [1, 1, 1, 0] });
  });

  it('dead-letters a verdict with a bad id or label', async () => {
    const { make, codec } = setup();
    const processor = make();
    const value = await codec.encode(`${TOPICS.verdicts}-value`, label('a', 'maybe', 1));
    const [flow] = await collect(
      from([
        envelope({
          key: 'a',
          value,
          headers: {},
          timestamp: 1,
          origin: { topic: TOPICS.verdicts, partition: 0, offset: '0' },
        }),
      ]).pipe(processor, all()),
    );
    expect(flow!.value.result).toMatchObject({ ok: false, code: 'INVALID_FIELD' });
  });
});
