// The synchronous model endpoints with the committed ONNX models: a golden text must get over
// HTTP exactly the features and probability training recorded for it — the proof that the edge
// runs the processors' code, not a copy of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpamModel } from '../../connectors/model-runtime.ts';
import { loadModels } from '../../connectors/onnx/load.ts';
import { buildApp } from '../app.ts';
import { expectClientError, testDeps } from '../../testkit/edge-fakes.ts';

interface GoldenRow {
  id: string;
  text: string;
  features: Record<string, number[]>;
  spamProbability: number;
  label: string;
}
interface Golden {
  tolerance: number;
  rows: GoldenRow[];
}

const MODELS_DIR = join(import.meta.dirname, '..', '..', 'models');
const golden = (version: string) =>
  JSON.parse(readFileSync(join(MODELS_DIR, version, 'golden.json'), 'utf8')) as Golden;
const json = { 'content-type': 'application/json' };

let models: SpamModel[];
let app: FastifyInstance;

beforeAll(async () => {
  models = await loadModels(MODELS_DIR);
  app = buildApp(testDeps({ models, champion: 'v3', config: { maxTextBytes: 200 } }));
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await Promise.all((models ?? []).map((model) => model.close()));
});

const post = (url: string, body: unknown) =>
  app.inject({ method: 'POST', url, headers: json, payload: JSON.stringify(body) });

describe('GET /models', () => {
  it('lists every loaded model card, in version order, as written, and the champion', async () => {
    const res = await app.inject({ url: '/models' });
    expect(res.statusCode).toBe(200);
    const { models: cards, champion } = res.json() as { models: Record<string, unknown>[]; champion: string };
    expect(cards.map((card) => card.version)).toEqual(models.map((m) => m.card.version));
    expect(champion).toBe('v3');
    expect(cards[0]).toEqual(JSON.parse(JSON.stringify(models[0]!.card)));
  });
});

describe.each(['v1', 'v2', 'v3'])('model %s', (version) => {
  // Every golden text within the test's byte limit: spam and ham alike.
  const rows = golden(version).rows.filter((row) => Buffer.byteLength(row.text) <= 200);

  it('has golden texts of both labels to check', () => {
    expect(new Set(rows.map((row) => row.label))).toEqual(new Set(['spam', 'ham']));
  });

  it('POST /models/:version/features gives the golden feature vectors', async () => {
    for (const row of rows) {
      const res = await post(`/models/${version}/features`, { text: row.text });
      expect(res.statusCode, row.id).toBe(200);
      const body = res.json() as {
        modelVersion: string;
        views: { view: string; values: number[]; fields?: string[] }[];
      };
      expect(body.modelVersion).toBe(version);
      expect(Object.fromEntries(body.views.map((v) => [v.view, v.values]))).toEqual(row.features);
      const v1 = body.views.find((v) => v.view === 'v1');
      if (v1) expect(v1.fields).toHaveLength(v1.values.length);
    }
  });

  it('POST /models/:version/predict gives the golden probability and label', async () => {
    const { tolerance } = golden(version);
    for (const row of rows) {
      const res = await post(`/models/${version}/predict`, { text: row.text });
      expect(res.statusCode, row.id).toBe(200);
      const body = res.json() as {
        modelVersion: string;
        label: string;
        spamProbability: number;
        scores: number[];
        labels: string[];
        threshold: number;
      };
      expect(body.modelVersion).toBe(version);
      expect(Math.abs(body.spamProbability - row.spamProbability), row.id).toBeLessThanOrEqual(tolerance);
      expect(body.label).toBe(row.label);
      expect(body.labels).toEqual(['ham', 'spam']);
      expect(body.scores[1]).toBe(body.spamProbability);
    }
  });
});

describe('bad input to the model endpoints', () => {
  it('404 UNKNOWN_MODEL for a version that is not loaded', async () => {
    for (const url of ['/models/v9/predict', '/models/v9/features']) {
      const res = await post(url, { text: 'hello' });
      expect(res.statusCode).toBe(404);
      expect(expectClientError(res.body, 'UNKNOWN_MODEL').message).toBe('no model v9 is loaded (loaded: v1, v2, v3)');
    }
  });

  it.each([
    ['a malformed version', '/models/v%201/predict', { text: 'hi' }, 400, 'INVALID_REQUEST'],
    ['a missing text', '/models/v1/predict', {}, 400, 'INVALID_REQUEST'],
    ['a number for text', '/models/v1/predict', { text: 7 }, 400, 'INVALID_REQUEST'],
    ['an empty text', '/models/v1/features', { text: '' }, 400, 'EMPTY_TEXT'],
    ['a blank text', '/models/v1/predict', { text: '   ' }, 400, 'EMPTY_TEXT'],
    ['a text over the byte limit', '/models/v2/predict', { text: 'é'.repeat(101) }, 400, 'TEXT_TOO_LONG'],
    ['an unknown field', '/models/v1/predict', { text: 'hi', explain: true }, 400, 'INVALID_REQUEST'],
  ])('%s → %i', async (_case, url, body, status, code) => {
    const res = await post(url, body);
    expect(res.statusCode).toBe(status);
    expectClientError(res.body, code);
  });

  it('malformed JSON → 400', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/models/v1/predict',
      headers: json,
      payload: '{"text": "unterminated',
    });
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_REQUEST');
  });
});

describe('without models', () => {
  it('lists none and refuses every version', async () => {
    const bare = buildApp(testDeps());
    expect((await bare.inject({ url: '/models' })).json()).toEqual({ models: [] });
    const res = await bare.inject({
      method: 'POST',
      url: '/models/v1/predict',
      headers: json,
      payload: '{"text":"hi"}',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toBe('no model v1 is loaded (loaded: none)');
    await bare.close();
  });
});
