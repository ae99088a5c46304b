import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { StoredPrediction } from '../../connectors/online-store.ts';
import { buildApp } from '../app.ts';
import { expectClientError, testDeps } from '../../testkit/edge-fakes.ts';

const stored = (modelVersion: string, spamProbability: number, eventTime = 1_700_000_000_000): StoredPrediction => ({
  smsId: 'sms-1',
  model: `model-${modelVersion}`,
  modelVersion,
  featureView: modelVersion === 'v1' ? 'v1' : 'v1+v2',
  label: spamProbability >= 0.5 ? 'spam' : 'ham',
  spamProbability,
  labels: ['ham', 'spam'],
  scores: [1 - spamProbability, spamProbability],
  threshold: 0.5,
  eventTime,
  scoredAt: eventTime + 40,
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('GET /predictions/:smsId', () => {
  it('returns the latest prediction of every model version, ordered by version', async () => {
    const deps = testDeps();
    await deps.predictions.putPredictions([stored('v10', 0.2), stored('v2', 0.9), stored('v1', 0.7)]);
    // An older event replayed later does not replace the newer prediction.
    await deps.predictions.putPredictions([stored('v1', 0.1, 1_600_000_000_000)]);
    app = buildApp(deps);
    const res = await app.inject({ url: '/predictions/sms-1' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { smsId: string; predictions: { modelVersion: string; spamProbability: number }[] };
    expect(body.smsId).toBe('sms-1');
    expect(body.predictions.map((p) => [p.modelVersion, p.spamProbability])).toEqual([
      ['v1', 0.7],
      ['v2', 0.9],
      ['v10', 0.2],
    ]);
    expect(body.predictions[0]).toEqual({
      model: 'model-v1',
      modelVersion: 'v1',
      featureView: 'v1',
      label: 'spam',
      spamProbability: 0.7,
      labels: ['ham', 'spam'],
      scores: [0.30000000000000004, 0.7],
      threshold: 0.5,
      eventTime: 1_700_000_000_000,
      scoredAt: 1_700_000_000_040,
    });
  });

  it("reports the champion's prediction as the verdict, and none while the champion has not scored", async () => {
    const deps = testDeps({ champion: 'v2' });
    await deps.predictions.putPredictions([stored('v1', 0.7), stored('v2', 0.1)]);
    app = buildApp(deps);
    const body = (await app.inject({ url: '/predictions/sms-1' })).json() as {
      verdict?: { modelVersion: string; label: string; spamProbability: number };
      predictions: unknown[];
    };
    expect(body.verdict).toMatchObject({ modelVersion: 'v2', label: 'ham', spamProbability: 0.1 });
    expect(body.predictions).toHaveLength(2);

    await deps.predictions.putPredictions([{ ...stored('v1', 0.9), smsId: 'sms-2' }]);
    const unscored = (await app.inject({ url: '/predictions/sms-2' })).json() as Record<string, unknown>;
    expect(unscored).not.toHaveProperty('verdict');
    expect(unscored.predictions).toHaveLength(1);
  });

  it('404 for an id without predictions', async () => {
    app = buildApp(testDeps());
    const res = await app.inject({ url: '/predictions/sms-unknown' });
    expect(res.statusCode).toBe(404);
    expectClientError(res.body, 'NOT_FOUND');
  });

  it('400 for a malformed id', async () => {
    app = buildApp(testDeps());
    for (const id of ['%20', 'a%00b', 'x'.repeat(200), '%F0%9F%98%80']) {
      const res = await app.inject({ url: `/predictions/${id}` });
      expect(res.statusCode, id).toBe(400);
      expectClientError(res.body, 'INVALID_REQUEST');
    }
  });
});
