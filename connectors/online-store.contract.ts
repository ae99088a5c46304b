// The online store contract (see online-store.ts) as one vitest suite, run against the in-memory
// fake (unit) and real Cassandra (integration). Every test uses fresh ids, so the suite can run
// against a long-lived keyspace that keeps rows from earlier runs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  FeatureStore,
  IdempotencyStore,
  PredictionStore,
  StoredFeatures,
  StoredPrediction,
} from './online-store.ts';
import { SpamstreamError } from '../core/errors.ts';

export interface StoresUnderTest {
  readonly features: FeatureStore;
  readonly predictions: PredictionStore;
  readonly idempotency: IdempotencyStore;
  /** Lets `seconds` pass for key expiry: a fake clock moves, a real store is waited for. */
  elapse(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const unique = (label: string): string => `${label}-${randomUUID()}`;

const featureRow = (smsId: string, over: Partial<StoredFeatures> = {}): StoredFeatures => ({
  smsId,
  view: 'text_stats',
  viewVersion: 1,
  values: [0.1, 1 / 3],
  eventTime: T0,
  computedAt: T0 + 40,
  ...over,
});

const predictionRow = (smsId: string, over: Partial<StoredPrediction> = {}): StoredPrediction => ({
  smsId,
  model: 'logreg',
  modelVersion: 'logreg-v1',
  featureView: 'tfidf',
  label: 'spam',
  spamProbability: 0.9,
  labels: ['ham', 'spam'],
  scores: [0.1, 0.9],
  threshold: 0.5,
  eventTime: T0,
  scoredAt: T0 + 90,
  ...over,
});

export function describeOnlineStoreContract(name: string, makeStores: () => Promise<StoresUnderTest>): void {
  describe(`online store contract: ${name}`, () => {
    let stores: StoresUnderTest;
    beforeAll(async () => {
      stores = await makeStores();
    });
    afterAll(async () => {
      await stores?.close();
    });

    describe('features', () => {
      it('returns every field as written, doubles exact, rows ordered by view', async () => {
        const smsId = unique('f-roundtrip');
        const stats = featureRow(smsId, {
          view: 'text_stats',
          viewVersion: 3,
          values: [0.1, 1 / 3, -2.5, 1e-300, Number.MAX_VALUE, 0],
          eventTime: T0 + 1,
          computedAt: T0 + 7,
        });
        const empty = featureRow(smsId, { view: 'empty_view', values: [] });
        await stores.features.putFeatures([stats, empty]);
        expect(await stores.features.getFeatures(smsId)).toEqual([empty, stats]);
      });

      it('returns [] for an unknown message', async () => {
        expect(await stores.features.getFeatures(unique('f-unknown'))).toEqual([]);
      });

      it('filters by view', async () => {
        const smsId = unique('f-views');
        const [a, b, c] = ['a_view', 'b_view', 'c_view'].map((view) => featureRow(smsId, { view }));
        await stores.features.putFeatures([a!, b!, c!]);
        expect(await stores.features.getFeatures(smsId, ['c_view', 'a_view'])).toEqual([a, c]);
        expect(await stores.features.getFeatures(smsId, ['missing'])).toEqual([]);
        expect(await stores.features.getFeatures(smsId, [])).toEqual([]);
        expect(await stores.features.getFeatures(smsId)).toEqual([a, b, c]);
      });

      it('keeps the newer event when an older one is written after it', async () => {
        const smsId = unique('f-newer-first');
        const newer = featureRow(smsId, { values: [2], eventTime: T0 + 1000, computedAt: T0 + 1 });
        const older = featureRow(smsId, { values: [1], eventTime: T0, computedAt: T0 + 5000 });
        await stores.features.putFeatures([newer]);
        await stores.features.putFeatures([older]);
        expect(await stores.features.getFeatures(smsId)).toEqual([newer]);
      });

      it('replaces an older event with a newer one', async () => {
        const smsId = unique('f-older-first');
        const older = featureRow(smsId, { viewVersion: 2, values: [1, 1, 1], eventTime: T0 });
        const newer = featureRow(smsId, { viewVersion: 1, values: [2], eventTime: T0 + 1 });
        await stores.features.putFeatures([older]);
        await stores.features.putFeatures([newer]);
        expect(await stores.features.getFeatures(smsId)).toEqual([newer]);
      });

      it('keeps views written at different times apart, each with its own newest event', async () => {
        const smsId = unique('f-apart');
        const a = featureRow(smsId, { view: 'a_view', values: [1], eventTime: T0 + 10 });
        const b = featureRow(smsId, { view: 'b_view', values: [2], eventTime: T0 });
        await stores.features.putFeatures([a]);
        await stores.features.putFeatures([b]);
        await stores.features.putFeatures([featureRow(smsId, { view: 'a_view', values: [3], eventTime: T0 + 5 })]);
        expect(await stores.features.getFeatures(smsId)).toEqual([a, b]);
      });

      it('treats writing the same row twice as a no-op', async () => {
        const smsId = unique('f-twice');
        const row = featureRow(smsId, { values: [0.25, 0.5] });
        await stores.features.putFeatures([row]);
        await stores.features.putFeatures([row, row]);
        expect(await stores.features.getFeatures(smsId)).toEqual([row]);
      });

      it('resolves equal event times by keeping the later computation whole, the same in either order', async () => {
        const first = { viewVersion: 1, values: [0.5], computedAt: T0 + 200 };
        const second = { viewVersion: 2, values: [0.25, 0.75], computedAt: T0 + 100 };
        const [ab, ba] = [unique('f-tie-ab'), unique('f-tie-ba')];
        await stores.features.putFeatures([featureRow(ab, first)]);
        await stores.features.putFeatures([featureRow(ab, second)]);
        await stores.features.putFeatures([featureRow(ba, second)]);
        await stores.features.putFeatures([featureRow(ba, first)]);
        // The row computed last wins whole, although `second` has the greater version and the longer list.
        expect(await stores.features.getFeatures(ab)).toEqual([featureRow(ab, first)]);
        expect(await stores.features.getFeatures(ba)).toEqual([featureRow(ba, first)]);
      });

      it('writes many rows of many messages in one call', async () => {
        const ids = Array.from({ length: 40 }, () => unique('f-many'));
        const rows = ids.flatMap((smsId, i) =>
          ['v1', 'v2', 'v3'].map((view, j) => featureRow(smsId, { view, values: [i, j, i / (j + 1)] })),
        );
        await stores.features.putFeatures(rows);
        const read = await Promise.all(ids.map((smsId) => stores.features.getFeatures(smsId)));
        expect(read.flat()).toEqual(rows);
      });

      it('rejects an event time that is not whole epoch milliseconds, writing nothing', async () => {
        const smsId = unique('f-bad-time');
        const put = stores.features.putFeatures([
          featureRow(smsId, { view: 'ok' }),
          featureRow(smsId, { eventTime: T0 + 0.5 }),
        ]);
        await expect(put).rejects.toBeInstanceOf(SpamstreamError);
        await expect(put).rejects.toMatchObject({ code: 'INVALID_FIELD' });
        expect(await stores.features.getFeatures(smsId)).toEqual([]);
      });
    });

    describe('predictions', () => {
      it('returns every field as written, one row per model version, ordered by version', async () => {
        const smsId = unique('p-roundtrip');
        const v2 = predictionRow(smsId, {
          modelVersion: 'logreg-v2',
          label: 'ham',
          spamProbability: 1 / 3,
          labels: ['spam', 'ham', 'unsure'],
          scores: [1 / 3, 0.6, 0.1 + 0.2 - 0.3],
          threshold: 0.7,
          eventTime: T0 + 3,
          scoredAt: T0 + 11,
        });
        const v1 = predictionRow(smsId);
        await stores.predictions.putPredictions([v2, v1]);
        expect(await stores.predictions.getPredictions(smsId)).toEqual([v1, v2]);
      });

      it('returns [] for an unknown message', async () => {
        expect(await stores.predictions.getPredictions(unique('p-unknown'))).toEqual([]);
      });

      it('keeps the newest event per model version, whatever the order of writes', async () => {
        const smsId = unique('p-newest');
        const newV1 = predictionRow(smsId, { label: 'ham', spamProbability: 0.2, eventTime: T0 + 10 });
        const oldV1 = predictionRow(smsId, { label: 'spam', spamProbability: 0.8, eventTime: T0 });
        const oldV2 = predictionRow(smsId, { modelVersion: 'logreg-v2', eventTime: T0 });
        const newV2 = predictionRow(smsId, {
          modelVersion: 'logreg-v2',
          label: 'ham',
          spamProbability: 0.3,
          eventTime: T0 + 10,
        });
        await stores.predictions.putPredictions([newV1, oldV2]);
        await stores.predictions.putPredictions([oldV1, newV2]);
        expect(await stores.predictions.getPredictions(smsId)).toEqual([newV1, newV2]);
      });

      it('treats writing the same row twice as a no-op', async () => {
        const smsId = unique('p-twice');
        const row = predictionRow(smsId);
        await stores.predictions.putPredictions([row]);
        await stores.predictions.putPredictions([row]);
        expect(await stores.predictions.getPredictions(smsId)).toEqual([row]);
      });

      it('writes many rows of many messages in one call', async () => {
        const ids = Array.from({ length: 30 }, () => unique('p-many'));
        const rows = ids.flatMap((smsId, i) =>
          ['a-v1', 'b-v1'].map((modelVersion) => predictionRow(smsId, { modelVersion, spamProbability: i / 30 })),
        );
        await stores.predictions.putPredictions(rows);
        const read = await Promise.all(ids.map((smsId) => stores.predictions.getPredictions(smsId)));
        expect(read.flat()).toEqual(rows);
      });
    });

    describe('idempotency keys', () => {
      const TTL = 3600;
      const FP = 'digest-1';

      it('returns the fingerprint of the claim that bound the key, kept when it is marked written', async () => {
        const key = unique('k-fp');
        await stores.idempotency.claim(key, 'sms-first', FP, TTL);
        expect(await stores.idempotency.claim(key, 'sms-second', 'digest-2', TTL)).toEqual({
          smsId: 'sms-first',
          written: false,
          fingerprint: FP,
        });
        await stores.idempotency.markWritten(key, TTL);
        expect((await stores.idempotency.claim(key, 'sms-third', 'digest-2', TTL)).fingerprint).toBe(FP);
      });

      it('binds a key to the first claimant until the message is marked written', async () => {
        const key = unique('k');
        expect(await stores.idempotency.claim(key, 'sms-first', FP, TTL)).toEqual({
          smsId: 'sms-first',
          written: false,
          fingerprint: FP,
        });
        expect(await stores.idempotency.claim(key, 'sms-second', FP, TTL)).toEqual({
          smsId: 'sms-first',
          written: false,
          fingerprint: FP,
        });
        await stores.idempotency.markWritten(key, TTL);
        expect(await stores.idempotency.claim(key, 'sms-third', FP, TTL)).toEqual({
          smsId: 'sms-first',
          written: true,
          fingerprint: FP,
        });
      });

      it('gives concurrent claims of one key the same message id', async () => {
        const key = unique('k-race');
        const candidates = ['c1', 'c2', 'c3', 'c4', 'c5'];
        const claims = await Promise.all(candidates.map((c) => stores.idempotency.claim(key, c, FP, TTL)));
        const winner = claims[0]!.smsId;
        expect(candidates).toContain(winner);
        expect(claims).toEqual(candidates.map(() => ({ smsId: winner, written: false, fingerprint: FP })));
      });

      it('keeps keys apart', async () => {
        const [a, b] = [unique('k-a'), unique('k-b')];
        await stores.idempotency.claim(a, 'sms-a', FP, TTL);
        await stores.idempotency.markWritten(a, TTL);
        expect(await stores.idempotency.claim(b, 'sms-b', FP, TTL)).toEqual({
          smsId: 'sms-b',
          written: false,
          fingerprint: FP,
        });
      });

      it('ignores markWritten of a key nobody claimed', async () => {
        const key = unique('k-unclaimed');
        await stores.idempotency.markWritten(key, TTL);
        expect(await stores.idempotency.claim(key, 'sms-late', FP, TTL)).toEqual({
          smsId: 'sms-late',
          written: false,
          fingerprint: FP,
        });
      });

      it('forgets a key after its TTL', async () => {
        const key = unique('k-expiry');
        await stores.idempotency.claim(key, 'sms-old', FP, 1);
        await stores.elapse(2.2);
        expect(await stores.idempotency.claim(key, 'sms-new', FP, TTL)).toEqual({
          smsId: 'sms-new',
          written: false,
          fingerprint: FP,
        });
      });

      it('restarts the TTL of the whole binding on markWritten', async () => {
        const key = unique('k-renew');
        // Cassandra counts a TTL in whole seconds from the second of the write, so a TTL of 1 can end
        // a few milliseconds later, before markWritten reads the claim; 2 leaves it at least a second.
        await stores.idempotency.claim(key, 'sms-kept', FP, 2);
        await stores.idempotency.markWritten(key, TTL);
        await stores.elapse(3.2);
        expect(await stores.idempotency.claim(key, 'sms-other', FP, TTL)).toEqual({
          smsId: 'sms-kept',
          written: true,
          fingerprint: FP,
        });
      });

      it('refuses a TTL that is not a positive whole number of seconds', async () => {
        for (const ttl of [0, -1, 1.5]) {
          await expect(stores.idempotency.claim(unique('k-ttl'), 'sms', FP, ttl)).rejects.toMatchObject({
            code: 'INVALID_FIELD',
          });
        }
      });
    });
  });
}
