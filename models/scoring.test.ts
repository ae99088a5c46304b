import { describe, expect, it } from 'vitest';
import { SpamstreamError } from '../core/errors.ts';
import type { SmsFeatures } from '../schemas/index.ts';
import { type ScoringModel, labelFor, scoreRows, selectModels, toPrediction, toStoredPrediction } from './scoring.ts';

const model = (predict: ScoringModel['predict']): ScoringModel => ({
  name: 'm',
  version: 'vX',
  views: [
    { id: 'a', version: 1 },
    { id: 'b', version: 2 },
  ],
  threshold: 0.4,
  predict,
});

describe('the threshold rule', () => {
  it('calls a probability at the threshold spam, just below it ham', () => {
    expect(labelFor(0.4, 0.4)).toBe('spam');
    expect(labelFor(0.4, 0.3999999)).toBe('ham');
    expect(labelFor(0, 0)).toBe('spam');
    expect(labelFor(1, 0.999)).toBe('ham');
  });
});

describe('selectModels', () => {
  const views = [
    { id: 'a', version: 1, length: 2 },
    { id: 'b', version: 2, length: 1 },
  ] as never;
  const features = (vectors: SmsFeatures['views']): SmsFeatures => ({
    sms_id: 's',
    views: vectors,
    event_time: 7,
    computed_at: 8,
  });
  const m = model(async () => []);
  const a1 = { view: 'a', version: 1, values: [1, 2] };

  it('keeps a model when every view is present at its version, and maps view ids to values', () => {
    const selected = selectModels(features([a1, { view: 'b', version: 2, values: [3] }]), [m], views);
    expect(selected).toEqual({
      ok: true,
      value: { features: expect.anything(), set: { a: [1, 2], b: [3] }, models: [m] },
    });
  });

  it('refuses a record whose views are at another version, or of the wrong length', () => {
    const other = selectModels(features([a1, { view: 'b', version: 1, values: [3] }]), [m], views);
    expect(other.ok ? 'ok' : other.code).toBe('VIEW_MISSING');
    const short = selectModels(
      features([
        { ...a1, values: [1] },
        { view: 'b', version: 2, values: [3] },
      ]),
      [m],
      views,
    );
    expect(short.ok ? 'ok' : [short.code, short.reason]).toEqual([
      'INVALID_FIELD',
      'view a v1 has 1 values; it defines 2',
    ]);
  });
});

describe('scoreRows', () => {
  it('scores a batch in one call when the model takes it', async () => {
    const calls: number[] = [];
    const seen: [number, number][] = [];
    const m = model(async (batch) => {
      calls.push(batch.length);
      return batch.map((set) => set.a![0]!);
    });
    const scored = await scoreRows(m, [{ a: [0.1] }, { a: [0.9] }], (seconds, rows) => seen.push([seconds, rows]));
    expect(scored).toEqual([0.1, 0.9]);
    expect(calls).toEqual([2]);
    expect(seen.map(([, rows]) => rows)).toEqual([2]);
  });

  it('fails only the row the model rejects, keeping its code', async () => {
    const m = model(async (batch) =>
      batch.map((set) => {
        if (set.a![0] === -1) throw new SpamstreamError('INVALID_FIELD', 'negative');
        if (set.a![0] === -2) throw new Error('runtime said no');
        return 0.5;
      }),
    );
    const [good, invalid, broken, alsoGood] = await scoreRows(m, [{ a: [1] }, { a: [-1] }, { a: [-2] }, { a: [2] }]);
    expect(good).toBe(0.5);
    expect(alsoGood).toBe(0.5);
    expect(invalid).toMatchObject({ ok: false, code: 'INVALID_FIELD', reason: 'model vX: negative' });
    expect(broken).toMatchObject({ ok: false, code: 'INFERENCE_FAILED', reason: 'model vX: runtime said no' });
  });

  it('treats a model that returns too few probabilities as failing the batch', async () => {
    const m = model(async (batch) => (batch.length > 1 ? [0.2] : [0.3]));
    expect(await scoreRows(m, [{}, {}])).toEqual([0.3, 0.3]);
  });
});

describe('toPrediction', () => {
  it('maps a probability to a prediction and to its stored row', () => {
    const features: SmsFeatures = { sms_id: 'sms-9', views: [], event_time: 1_000, computed_at: 1_500 };
    const prediction = toPrediction(
      features,
      model(async () => []),
      0.25,
      2_000,
    );
    expect(prediction).toEqual({
      sms_id: 'sms-9',
      model: 'm',
      model_version: 'vX',
      feature_view: 'a+b',
      label: 'ham',
      spam_probability: 0.25,
      labels: ['ham', 'spam'],
      scores: [0.75, 0.25],
      threshold: 0.4,
      event_time: 1_000,
      scored_at: 2_000,
    });
    expect(toStoredPrediction(prediction)).toEqual({
      smsId: 'sms-9',
      model: 'm',
      modelVersion: 'vX',
      featureView: 'a+b',
      label: 'ham',
      spamProbability: 0.25,
      labels: ['ham', 'spam'],
      scores: [0.75, 0.25],
      threshold: 0.4,
      eventTime: 1_000,
      scoredAt: 2_000,
    });
  });
});
