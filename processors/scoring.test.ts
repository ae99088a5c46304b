import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { envelope } from '../core/envelope.ts';
import type { SmsFeatures, SmsPrediction } from '../schemas/index.ts';
import { computeFeatures } from './features.ts';
import { type ScoringModel, selectModels } from '../models/scoring.ts';
import { scoringProcessor } from './scoring.ts';
import { featureViews } from '../features/index.ts';
import {
  TOPICS,
  all,
  capitalRatio,
  capitalsModel,
  collect,
  feed,
  memoryPipeline,
  raw,
} from '../testkit/memory-pipeline.ts';

const policy = { attempts: 2, backoffMs: 1 };

function setup(models: readonly ScoringModel[]) {
  const pipeline = memoryPipeline();
  const processor = scoringProcessor(
    { codec: pipeline.codec, store: pipeline.stores.predictions, models, views: pipeline.views },
    { predictionsTopic: TOPICS.predictions, batchSize: 8, batchWaitMs: 1, policy, now: () => 5_000 },
  );
  const encodeFeatures = (value: SmsFeatures) => pipeline.codec.encode(`${TOPICS.features}-value`, value);
  return { ...pipeline, processor, encodeFeatures };
}

const outcome = (flows: { origin: { offset: string }; value: { result: { ok: boolean; code?: string } } }[]) =>
  Object.fromEntries(flows.map((f) => [f.origin.offset, f.value.result.ok ? 'ok' : f.value.result.code]));

describe('scoring processor', () => {
  it('scores with every model whose views are present and stores the latest prediction', async () => {
    const both: ScoringModel = {
      ...capitalsModel,
      name: 'both',
      version: 'vB',
      views: ['v1', 'v2'].map((id) => ({ id, version: featureViews.find((v) => v.id === id)!.version })),
      threshold: 0.9,
    };
    const { processor, encodeFeatures, codec, stores, views } = setup([capitalsModel, both]);
    const features = computeFeatures(raw('sms-1', 'HELLO THERE', 1_000), views, 2_000);
    const [flow] = await collect(feed(TOPICS.features, [await encodeFeatures(features)]).pipe(processor, all()));
    const records = (flow!.value.result as { value: readonly { value: Buffer; key: string | null }[] }).value;
    const predictions = await Promise.all(records.map((r) => codec.decode<SmsPrediction>(r.value)));
    expect(predictions.map((p) => p.model_version).sort()).toEqual(['vB', 'vT']);
    const vT = predictions.find((p) => p.model_version === 'vT')!;
    expect(vT).toMatchObject({
      sms_id: 'sms-1',
      feature_view: 'v1',
      label: 'spam',
      labels: ['ham', 'spam'],
      event_time: 1_000,
      scored_at: 5_000,
    });
    expect(vT.scores[0]! + vT.scores[1]!).toBeCloseTo(1, 12);
    expect(predictions.find((p) => p.model_version === 'vB')).toMatchObject({ feature_view: 'v1+v2' });
    expect((await stores.predictions.getPredictions('sms-1')).map((p) => p.modelVersion).sort()).toEqual(['vB', 'vT']);
  });

  it('dead-letters a record no model can use, a wrong-length vector, and only the row a model rejects', async () => {
    const picky: ScoringModel = {
      ...capitalsModel,
      predict: async (batch) =>
        batch.map((set) => {
          if (capitalRatio(set.v1!) === 1) throw new Error('cannot score all-capitals');
          return 0.1;
        }),
    };
    const { processor, encodeFeatures, views } = setup([picky]);
    const good = computeFeatures(raw('ok', 'fine text'), views, 0);
    const shouting = computeFeatures(raw('shout', 'ALLCAPS'), views, 0);
    const onlyV2 = { ...good, sms_id: 'only-v2', views: good.views.filter((v) => v.view === 'v2') };
    const short = {
      ...good,
      sms_id: 'short',
      views: good.views.map((v) => (v.view === 'v1' ? { ...v, values: v.values.slice(1) } : v)),
    };
    const inputs = await Promise.all([good, shouting, onlyV2, short].map(encodeFeatures));
    const flows = await collect(feed(TOPICS.features, inputs).pipe(processor, all()));
    expect(outcome(flows)).toEqual({ 0: 'ok', 1: 'INFERENCE_FAILED', 2: 'VIEW_MISSING', 3: 'INVALID_FIELD' });
  });

  it('scores what was read at once, without waiting out the micro-batch linger', async () => {
    const batches: number[] = [];
    const counting: ScoringModel = {
      ...capitalsModel,
      predict: async (batch) => {
        batches.push(batch.length);
        return batch.map(() => 0.5);
      },
    };
    const pipeline = memoryPipeline();
    const processor = scoringProcessor(
      { codec: pipeline.codec, store: pipeline.stores.predictions, models: [counting], views: pipeline.views },
      { predictionsTopic: TOPICS.predictions, batchSize: 8, batchWaitMs: 60_000, policy },
    );
    const encoded = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        pipeline.codec.encode(`${TOPICS.features}-value`, computeFeatures(raw(id, 'HI'), pipeline.views, 2_000)),
      ),
    );
    const feedOne = (value: Buffer, offset: number) =>
      envelope({
        key: null,
        value,
        headers: {},
        timestamp: 0,
        origin: { topic: TOPICS.features, partition: 0, offset: String(offset) },
      });
    const input = new Subject<ReturnType<typeof feedOne>>();
    const scored: unknown[] = [];
    const subscription = input.pipe(processor).subscribe((flow) => scored.push(flow));
    for (const [offset, value] of encoded.entries()) input.next(feedOne(value, offset));
    // Nothing else is on its way (the stream stays open): the batch goes now, not 60 s later.
    await new Promise((resolve) => setTimeout(resolve, 200));
    subscription.unsubscribe();
    expect(batches).toEqual([3]);
    expect(scored).toHaveLength(3);
  });

  it('selects models by view version, not just view id', () => {
    const features = { sms_id: 'x', views: [{ view: 'v1', version: 99, values: [1] }], event_time: 0, computed_at: 0 };
    const selected = selectModels(features, [capitalsModel], []);
    expect(selected.ok ? 'ok' : selected.code).toBe('VIEW_MISSING');
  });
});
