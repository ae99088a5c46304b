import { describe, expect, it } from 'vitest';
import { V1_FIELDS } from '../features/v1-text-stats.ts';
import type { SmsFeatures } from '../schemas/index.ts';
import { featuresProcessor } from './features.ts';
import { TOPICS, all, collect, feed, memoryPipeline, raw, unknownSchemaBytes } from '../testkit/memory-pipeline.ts';

const policy = { attempts: 2, backoffMs: 1 };

function setup() {
  const pipeline = memoryPipeline();
  const processor = featuresProcessor(
    { codec: pipeline.codec, store: pipeline.stores.features, views: pipeline.views },
    { featuresTopic: TOPICS.features, maxTextBytes: 64, policy, now: () => 42 },
  );
  const encodeRaw = (value: unknown) => pipeline.codec.encode(`${TOPICS.raw}-value`, value);
  return { ...pipeline, processor, encodeRaw };
}

describe('features processor', () => {
  it('computes every view, stores it, and emits one SmsFeatures record keyed by sms_id', async () => {
    const { processor, encodeRaw, codec, stores, views } = setup();
    const bytes = await encodeRaw(raw('sms-1', 'WIN a FREE prize now!!!', 1000));
    const [flow] = await collect(feed(TOPICS.raw, [bytes]).pipe(processor, all()));
    expect(flow!.value.result.ok).toBe(true);
    const [record] = (flow!.value.result as { value: readonly { topic: string; key: string | null; value: Buffer }[] })
      .value;
    expect(record).toMatchObject({ topic: TOPICS.features, key: 'sms-1' });
    const features = await codec.decode<SmsFeatures>(record!.value);
    expect(features).toMatchObject({ sms_id: 'sms-1', event_time: 1000, computed_at: 42 });
    expect(features.views.map((v) => v.view)).toEqual(views.map((v) => v.id));
    // v1 of 'WIN a FREE prize now!!!', counted by hand: 23 code points, 5 chunks, 3 "!", WIN and FREE in capitals.
    const v1 = Object.fromEntries(V1_FIELDS.map((field, i) => [field.name, features.views[0]!.values[i]]));
    expect(features.views[0]).toMatchObject({ view: 'v1', version: 1 });
    expect(v1).toMatchObject({
      char_count: 23,
      word_count: 5,
      exclamation_count: 3,
      longest_exclamation_run: 3,
      all_caps_word_count: 2,
      capital_ratio: Math.fround(7 / 16),
      has_win: 1,
      has_free: 1,
      has_prize: 1,
      has_urgent: 1,
      has_cash: 0,
    });
    expect(features.views[1]).toMatchObject({ view: 'v2', values: expect.any(Array) });
    expect(features.views[1]!.values).toHaveLength(96);
    // What the store holds is what the record carries.
    const stored = await stores.features.getFeatures('sms-1');
    expect(Object.fromEntries(stored.map((row) => [row.view, row.values]))).toEqual(
      Object.fromEntries(features.views.map((vector) => [vector.view, vector.values])),
    );
  });

  it('turns bad input into failures with catalogue codes and keeps going', async () => {
    const { processor, encodeRaw } = setup();
    const inputs = [
      Buffer.from('not avro at all'),
      unknownSchemaBytes(),
      null,
      await encodeRaw(raw('sms-empty', '   ')),
      await encodeRaw(raw('sms-long', 'x'.repeat(65))),
      await encodeRaw(raw('bad id with spaces', 'hello')),
      await encodeRaw(raw('sms-ok', 'hello there')),
    ];
    const flows = await collect(feed(TOPICS.raw, inputs).pipe(processor, all()));
    const sorted = [...flows].sort((a, b) => Number(a.origin.offset) - Number(b.origin.offset));
    const codes = sorted.map((f) => (f.value.result.ok ? 'ok' : f.value.result.code));
    expect(codes).toEqual([
      'DECODE_FAILED',
      'UNKNOWN_SCHEMA',
      'DECODE_FAILED',
      'EMPTY_TEXT',
      'TEXT_TOO_LONG',
      'INVALID_FIELD',
      'ok',
    ]);
    expect(sorted[3]!.value.input).toEqual(inputs[3]);
  });

  it('keeps multi-byte text at the limit and rejects one byte more', async () => {
    const { processor, encodeRaw } = setup();
    const atLimit = 'é'.repeat(32); // 64 bytes
    const flows = await collect(
      feed(TOPICS.raw, [await encodeRaw(raw('a', atLimit)), await encodeRaw(raw('b', `${atLimit}x`))]).pipe(
        processor,
        all(),
      ),
    );
    // Concurrent steps may finish out of order: compare by source offset.
    const byOffset = Object.fromEntries(
      flows.map((f) => [f.origin.offset, f.value.result.ok ? 'ok' : f.value.result.code]),
    );
    expect(byOffset).toEqual({ 0: 'ok', 1: 'TEXT_TOO_LONG' });
  });
});
