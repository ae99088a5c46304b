import { describe, expect, it } from 'vitest';
import type { SmsFeatures } from '../schemas/index.ts';
import { featuresProcessor } from './features.ts';
import { TOPICS, all, collect, feed, memoryPipeline, raw, unknownSchemaBytes } from './test-support.ts';

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
    const [record] = (flow!.value.result as { value: readonly { topic: string; key: string | null; value: Buffer }[] }).value;
    expect(record).toMatchObject({ topic: TOPICS.features, key: 'sms-1' });
    const features = await codec.decode<SmsFeatures>(record!.value);
    expect(features).toMatchObject({ sms_id: 'sms-1', event_time: 1000, computed_at: 42 });
    expect(features.views.map((v) => v.view)).toEqual(views.map((v) => v.id));
    expect(features.views[0]!.values).toEqual(views[0]!.compute('WIN a FREE prize now!!!'));
    const stored = await stores.features.getFeatures('sms-1');
    expect(stored.map((row) => row.view).sort()).toEqual(views.map((v) => v.id).sort());
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
    expect(codes).toEqual(['DECODE_FAILED', 'UNKNOWN_SCHEMA', 'DECODE_FAILED', 'EMPTY_TEXT', 'TEXT_TOO_LONG', 'INVALID_FIELD', 'ok']);
    expect(sorted[3]!.value.input).toEqual(inputs[3]);
  });

  it('keeps multi-byte text at the limit and rejects one byte more', async () => {
    const { processor, encodeRaw } = setup();
    const atLimit = 'é'.repeat(32); // 64 bytes
    const flows = await collect(feed(TOPICS.raw, [await encodeRaw(raw('a', atLimit)), await encodeRaw(raw('b', `${atLimit}x`))]).pipe(processor, all()));
    // Concurrent steps may finish out of order: compare by source offset.
    const byOffset = Object.fromEntries(flows.map((f) => [f.origin.offset, f.value.result.ok ? 'ok' : f.value.result.code]));
    expect(byOffset).toEqual({ 0: 'ok', 1: 'TEXT_TOO_LONG' });
  });
});
