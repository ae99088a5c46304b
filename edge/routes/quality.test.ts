import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpamModel } from '../deps.ts';
import { buildApp } from '../app.ts';
import { QUALITY_NOW, type TestDeps, expectClientError, testDeps } from '../../testkit/edge-fakes.ts';

let app: FastifyInstance | undefined;
let deps: TestDeps;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const model = (version: string) => ({ card: { version, views: [], name: 'm' } }) as unknown as SpamModel;

function start() {
  deps = testDeps({ models: [model('v1'), model('v2')] });
  deps.quality.update('0', {
    partition: 0,
    partitions: 1,
    labelled: 5,
    bucket_ms: 60_000,
    updated_at: QUALITY_NOW,
    versions: [
      {
        model_version: 'v1',
        tp: 3,
        fp: 1,
        tn: 1,
        fn: 0,
        recent: [{ start: QUALITY_NOW - 60_000, tp: 1, fp: 0, tn: 0, fn: 0 }],
      },
      { model_version: 'v9', tp: 0, fp: 0, tn: 1, fn: 0, recent: [] },
    ],
  });
  app = buildApp(deps);
}

const get = (url: string) => app!.inject({ method: 'GET', url });

describe('GET /models/:version/quality', () => {
  it('tells the counts and figures of a counted version', async () => {
    start();
    const res = await get('/models/v1/quality');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      modelVersion: 'v1',
      labelled: 5,
      windowMs: 3_600_000,
      bucketMs: 60_000,
      updatedAt: QUALITY_NOW,
      asOf: QUALITY_NOW,
      all: { tp: 3, fp: 1, tn: 1, fn: 0, labelled: 5, precision: 0.75, recall: 1, f1: 6 / 7, accuracy: 0.8 },
      recent: { tp: 1, fp: 0, tn: 0, fn: 0, labelled: 1, precision: 1, recall: 1, f1: 1, accuracy: 1 },
      series: [
        {
          start: QUALITY_NOW - 60_000,
          tp: 1,
          fp: 0,
          tn: 0,
          fn: 0,
          labelled: 1,
          precision: 1,
          recall: 1,
          f1: 1,
          accuracy: 1,
        },
      ],
    });
  });

  it('tells zeros for a loaded version nothing was counted for, and counts of a version counted but not loaded here', async () => {
    start();
    const v2 = (await get('/models/v2/quality')).json();
    expect(v2).toMatchObject({ modelVersion: 'v2', all: { labelled: 0, precision: null, f1: null }, series: [] });
    expect((await get('/models/v9/quality')).json()).toMatchObject({ all: { tn: 1, accuracy: 1, precision: null } });
  });

  it('answers 404 UNKNOWN_MODEL for a version neither loaded nor counted, and 400 for a malformed one', async () => {
    start();
    const res = await get('/models/v7/quality');
    expect(res.statusCode).toBe(404);
    expect(expectClientError(res.body, 'UNKNOWN_MODEL').message).toMatch(/loaded: v1, v2; counted: v1, v9/);
    expect((await get('/models/v%201/quality')).statusCode).toBe(400);
  });
});

describe('GET /quality', () => {
  it('lists every version side by side, loaded ones without counts too', async () => {
    start();
    const body = (await get('/quality')).json() as { versions: { modelVersion: string; all: { labelled: number } }[] };
    expect(body.versions.map((v) => [v.modelVersion, v.all.labelled])).toEqual([
      ['v1', 5],
      ['v2', 0],
      ['v9', 1],
    ]);
  });

  it('shows the same figures on /metrics', async () => {
    start();
    const text = (await get('/metrics')).body;
    expect(text).toContain('spamstream_quality_count{model_version="v1",scope="all",outcome="tp"} 3');
    expect(text).toContain('spamstream_quality{model_version="v1",scope="all",figure="precision"} 0.75');
    expect(text).toContain('spamstream_quality{model_version="v1",scope="recent",figure="f1"} 1');
    expect(text).not.toContain('spamstream_quality{model_version="v9",scope="all",figure="precision"}');
    expect(text).toContain('spamstream_quality_labelled_messages 5');
  });
});
