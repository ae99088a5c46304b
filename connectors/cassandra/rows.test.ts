import { describe, expect, it } from 'vitest';
import type { StoredFeatures, StoredPrediction } from '../online-store.ts';
import {
  decodeFeatures,
  encodeFeatures,
  encodePrediction,
  featureUpserts,
  featuresFromRow,
  predictionUpserts,
  predictionsFromRow,
  upsertCql,
  writeTimestampMicros,
} from './rows.ts';

const features: StoredFeatures = {
  smsId: 'sms-1',
  view: 'text_stats',
  viewVersion: 2,
  values: [0.1, 1 / 3],
  eventTime: 1_750_000_000_123,
  computedAt: 1_750_000_000_456,
};

const prediction: StoredPrediction = {
  smsId: 'sms-1',
  model: 'logreg',
  modelVersion: 'logreg-v1',
  featureView: 'tfidf',
  label: 'spam',
  spamProbability: 0.75,
  labels: ['ham', 'spam'],
  scores: [0.25, 0.75],
  threshold: 0.5,
  eventTime: 1_750_000_000_123,
  scoredAt: 1_750_000_000_789,
};

/** What the driver hands back for the row the upserts of one message built: the map as an object of Buffers. */
const asDriverRow = (statements: unknown[][]) => ({
  encoded: Object.assign({}, ...statements.map((s) => s[1])) as Record<string, Buffer>,
});

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

describe('upsertCql', () => {
  it('adds to the map under the write timestamp, without tombstones', () => {
    expect(upsertCql('ks.t')).toBe('UPDATE ks.t USING TIMESTAMP ? SET encoded = encoded + ? WHERE sms_id = ?');
  });
});

describe('entries', () => {
  it('round-trip every field, doubles exact (-0, extremes, empty lists included)', () => {
    const odd = { ...features, values: [-0, 1e-300, Number.MAX_VALUE, -2.5], viewVersion: -1 };
    expect(decodeFeatures('sms-1', 'text_stats', encodeFeatures(odd))).toEqual(odd);
    const empty = { ...features, values: [] };
    expect(decodeFeatures('sms-1', 'text_stats', encodeFeatures(empty))).toEqual(empty);
  });

  it('order equal event times by computed_at first, whatever the other fields', () => {
    const later = encodeFeatures({ ...features, computedAt: features.computedAt + 1, viewVersion: 1, values: [] });
    const earlier = encodeFeatures({ ...features, viewVersion: 99, values: [9, 9, 9] });
    expect(Buffer.compare(later, earlier)).toBe(1);
    const scoredLater = encodePrediction({ ...prediction, scoredAt: prediction.scoredAt + 1, spamProbability: 0 });
    expect(Buffer.compare(scoredLater, encodePrediction(prediction))).toBe(1);
  });

  it('write whole-number values as varints: a v2 entry of 128 token ids takes a fifth of the bytes', () => {
    const tokenIds = Array.from({ length: 128 }, (_, i) => (i < 20 ? 2 + i * 97 : 0));
    const entry = { ...features, view: 'v2', values: tokenIds };
    const bytes = encodeFeatures(entry);
    expect(decodeFeatures('sms-1', 'v2', bytes)).toEqual(entry);
    expect(bytes.length).toBeLessThan(200); // 1,050 as doubles
    const edges = [0, -1, 1, 63, -64, 64, 127, 128, 16_383, 16_384, 2 ** 31, -(2 ** 31), 2 ** 28 + 5];
    expect(decodeFeatures('s', 'v', encodeFeatures({ ...features, values: edges })).values).toEqual(edges);
  });

  it('keep doubles when any value is not a whole number of at most 2^31, or is -0', () => {
    for (const values of [[1, 2, 0.5], [1, 2 ** 31 + 1], [1, -0], [1, Number.NaN], [Number.POSITIVE_INFINITY]]) {
      const bytes = encodeFeatures({ ...features, values });
      expect(bytes.length).toBe(1 + 8 + 8 + 4 + 1 + 4 + 8 * values.length);
      expect(decodeFeatures('s', 'v', bytes).values).toEqual(values);
    }
  });

  it('read feature entries of format 1 (every value a double), which a newer entry for the same event replaces', () => {
    const old = Buffer.alloc(1 + 8 + 8 + 4 + 4 + 16);
    old.writeUInt8(1, 0);
    old.writeBigInt64BE(BigInt(features.eventTime), 1);
    old.writeBigInt64BE(BigInt(features.computedAt), 9);
    old.writeInt32BE(features.viewVersion, 17);
    old.writeUInt32BE(2, 21);
    old.writeDoubleBE(0.1, 25);
    old.writeDoubleBE(1 / 3, 33);
    expect(decodeFeatures('sms-1', 'text_stats', old)).toEqual(features);
    expect(Buffer.compare(encodeFeatures(features), old)).toBe(1);
  });

  it('fail loudly on bytes that are not an entry of this format', () => {
    const bytes = encodeFeatures(features);
    expect(() => decodeFeatures('s', 'v', bytes.subarray(0, bytes.length - 3))).toThrow(/truncated/);
    expect(() => decodeFeatures('s', 'v', Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing/);
    const otherFormat = Buffer.from([9, ...bytes.subarray(1)]);
    expect(() => decodeFeatures('s', 'v', otherFormat)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => decodeFeatures('s', 'v', 'text')).toThrow(/not a blob/);
    const varints = encodeFeatures({ ...features, values: [1, 2] });
    const kindAt = 1 + 8 + 8 + 4;
    const otherKind = Buffer.from(varints);
    otherKind[kindAt] = 7;
    expect(() => decodeFeatures('s', 'v', otherKind)).toThrow(/numbers of kind 7/);
    const endless = Buffer.concat([
      varints.subarray(0, kindAt + 5),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1]),
    ]);
    expect(() => decodeFeatures('s', 'v', endless)).toThrow(/longer than 5 bytes/);
  });
});

describe('feature upserts', () => {
  it('bind the event time in microseconds, the entries keyed by view, then the message id', () => {
    const entries = { text_stats: encodeFeatures(features) };
    expect(featureUpserts([features])).toEqual([[features.eventTime * 1000, entries, 'sms-1']]);
  });

  it('put every view of a message and event time in one statement, other messages and times in their own', () => {
    const v2 = { ...features, view: 'v2', values: [3] };
    const later = { ...features, view: 'v3', eventTime: features.eventTime + 1 };
    const other = { ...features, smsId: 'sms-2' };
    const statements = featureUpserts([features, v2, later, other]);
    expect(statements.map((s) => [s[0], Object.keys(s[1] as object), s[2]])).toEqual([
      [features.eventTime * 1000, ['text_stats', 'v2'], 'sms-1'],
      [(features.eventTime + 1) * 1000, ['v3'], 'sms-1'],
      [features.eventTime * 1000, ['text_stats'], 'sms-2'],
    ]);
  });

  it('leave a view written twice with one event time to Cassandra: a second statement', () => {
    expect(featureUpserts([features, { ...features, viewVersion: 3 }])).toHaveLength(2);
  });

  it('reject a bad event time anywhere in the call before building anything', () => {
    const call = () => featureUpserts([features, { ...features, eventTime: 0.5 }]);
    expect(call).toThrow(expect.objectContaining({ code: 'INVALID_FIELD' }));
  });

  it('map a driver row back, views in UTF-8 byte order, filtered when asked', () => {
    const rows = [
      { ...features, view: 'é' },
      { ...features, view: 'b' },
      features,
      { ...features, view: '1', values: [] },
    ];
    const row = asDriverRow(featureUpserts(rows));
    expect(featuresFromRow('sms-1', row)).toEqual([rows[3], rows[1], features, rows[0]]);
    expect(featuresFromRow('sms-1', row, ['b', 'missing'])).toEqual([rows[1]]);
    expect(featuresFromRow('sms-1', { encoded: null })).toEqual([]);
  });
});

describe('prediction upserts', () => {
  it('map a driver row back, one entry per model version in order', () => {
    const v2 = { ...prediction, modelVersion: 'logreg-v2', label: 'ham', labels: [], scores: [], model: 'naïve' };
    const statements = predictionUpserts([v2, prediction]);
    expect(statements).toHaveLength(1);
    expect(predictionsFromRow('sms-1', asDriverRow(statements))).toEqual([prediction, v2]);
  });
});
