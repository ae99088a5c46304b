import { describe, expect, it } from 'vitest';
import type { StoredFeatures, StoredPrediction } from '../online-store.ts';
import {
  FEATURE_COLUMNS, PREDICTION_COLUMNS, featureParams, featuresFromRow, predictionFromRow, predictionParams, writeTimestampMicros,
} from './rows.ts';

const features: StoredFeatures = {
  smsId: 'sms-1', view: 'text_stats', viewVersion: 2, values: [0.1, 1 / 3], eventTime: 1_750_000_000_123, computedAt: 1_750_000_000_456,
};

const prediction: StoredPrediction = {
  smsId: 'sms-1', model: 'logreg', modelVersion: 'logreg-v1', featureView: 'tfidf', label: 'spam', spamProbability: 0.75,
  labels: ['ham', 'spam'], scores: [0.25, 0.75], threshold: 0.5, eventTime: 1_750_000_000_123, scoredAt: 1_750_000_000_789,
};

/** What the driver hands back for a row: timestamps as Date, lists as arrays (or null when empty). */
const asDriverRow = (columns: readonly string[], params: unknown[], dates: readonly string[]) =>
  Object.fromEntries(columns.map((name, i) => [name, dates.includes(name) ? new Date(params[i] as number) : params[i]]));

describe('writeTimestampMicros', () => {
  it('turns epoch milliseconds into microseconds', () => {
    expect(writeTimestampMicros(1_750_000_000_123)).toBe(1_750_000_000_123_000);
    expect(writeTimestampMicros(0)).toBe(0);
  });

  it('refuses fractions, negatives and values too large for exact microseconds', () => {
    for (const bad of [1.5, -1, Number.NaN, Number.MAX_SAFE_INTEGER]) {
      expect(() => writeTimestampMicros(bad)).toThrow(expect.objectContaining({ code: 'INVALID_FIELD' }));
    }
  });
});

describe('feature rows', () => {
  it('binds the columns in order, then the event time in microseconds as write timestamp', () => {
    expect(featureParams(features)).toEqual(['sms-1', 'text_stats', 2, [0.1, 1 / 3], features.eventTime, features.computedAt, features.eventTime * 1000]);
  });

  it('maps a driver row back to the same value', () => {
    const row = asDriverRow(FEATURE_COLUMNS, featureParams(features), ['event_time', 'computed_at']);
    expect(featuresFromRow(row)).toEqual(features);
  });

  it('reads a null list as empty', () => {
    const row = { ...asDriverRow(FEATURE_COLUMNS, featureParams(features), ['event_time', 'computed_at']), values: null };
    expect(featuresFromRow(row).values).toEqual([]);
  });

  it('fails loudly on a column of the wrong shape', () => {
    const row = { ...asDriverRow(FEATURE_COLUMNS, featureParams(features), ['event_time', 'computed_at']), event_time: 12 };
    expect(() => featuresFromRow(row)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    const missing = { ...asDriverRow(FEATURE_COLUMNS, featureParams(features), ['event_time', 'computed_at']), view_version: undefined };
    expect(() => featuresFromRow(missing)).toThrow(/view_version/);
  });
});

describe('prediction rows', () => {
  it('binds the columns in order, then the write timestamp', () => {
    const params = predictionParams(prediction);
    expect(params).toHaveLength(PREDICTION_COLUMNS.length + 1);
    expect(params.at(-1)).toBe(prediction.eventTime * 1000);
    expect(params[PREDICTION_COLUMNS.indexOf('model_version')]).toBe('logreg-v1');
    expect(params[PREDICTION_COLUMNS.indexOf('scores')]).toEqual([0.25, 0.75]);
  });

  it('maps a driver row back to the same value', () => {
    const row = asDriverRow(PREDICTION_COLUMNS, predictionParams(prediction), ['event_time', 'scored_at']);
    expect(predictionFromRow(row)).toEqual(prediction);
  });

  it('refuses a list holding the wrong item type', () => {
    const row = { ...asDriverRow(PREDICTION_COLUMNS, predictionParams(prediction), ['event_time', 'scored_at']), labels: [1, 2] };
    expect(() => predictionFromRow(row)).toThrow(/labels/);
  });
});
