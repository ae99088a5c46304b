import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import type { FeatureStore, StoredFeatures } from '../../connectors/online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { buildApp } from '../app.ts';
import { expectClientError, testDeps } from '../../testkit/edge-fakes.ts';

const row = (smsId: string, view: string, values: number[]): StoredFeatures => ({
  smsId,
  view,
  viewVersion: view === 'v2' ? 3 : 1,
  values,
  eventTime: 1_700_000_000_000,
  computedAt: 1_700_000_000_050,
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function withStored(rows: StoredFeatures[], overrides: Parameters<typeof testDeps>[0] = {}) {
  const deps = testDeps(overrides);
  await deps.features.putFeatures(rows);
  app = buildApp(deps);
  return app;
}

describe('GET /features/:smsId', () => {
  it('returns every view with its values and event time', async () => {
    const app = await withStored([row('sms-1', 'v2', [5, 9, 0]), row('sms-1', 'v1', [0.5, 3])]);
    const res = await app.inject({ url: '/features/sms-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      smsId: 'sms-1',
      views: [
        { view: 'v1', version: 1, values: [0.5, 3], eventTime: 1_700_000_000_000, computedAt: 1_700_000_000_050 },
        { view: 'v2', version: 3, values: [5, 9, 0], eventTime: 1_700_000_000_000, computedAt: 1_700_000_000_050 },
      ],
      missing: [],
    });
  });

  it('chooses views with ?views= and names requested views that are not stored', async () => {
    const app = await withStored([row('sms-1', 'v1', [1])]);
    const one = await app.inject({ url: '/features/sms-1?views=v1' });
    expect(one.json()).toMatchObject({ views: [{ view: 'v1' }], missing: [] });
    const both = await app.inject({ url: '/features/sms-1?views=v1,v2' });
    expect(both.json()).toMatchObject({ views: [{ view: 'v1' }], missing: ['v2'] });
  });

  it('404 for an unknown id, or when none of the chosen views is stored', async () => {
    const app = await withStored([row('sms-1', 'v1', [1])]);
    const unknown = await app.inject({ url: '/features/sms-404' });
    expect(unknown.statusCode).toBe(404);
    expectClientError(unknown.body, 'NOT_FOUND');
    const noView = await app.inject({ url: '/features/sms-1?views=v2' });
    expect(noView.statusCode).toBe(404);
  });

  it.each([
    ['a space', '/features/bad%20id'],
    ['a slash', '/features/a%2Fb'],
    ['too long', `/features/${'x'.repeat(129)}`],
    ['a non-ASCII letter', '/features/sm%C3%A9'],
    ['an unknown view', '/features/sms-1?views=v9'],
    ['a malformed view list', '/features/sms-1?views=v1,,v2'],
    ['an unknown query parameter', '/features/sms-1?limit=3'],
  ])('400 for %s', async (_case, url) => {
    const app = await withStored([]);
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_REQUEST');
  });

  it('503 STORE_UNAVAILABLE when the store does not answer', async () => {
    const failing: FeatureStore = {
      putFeatures: async () => undefined,
      getFeatures: async () => {
        throw new SpamstreamError('STORE_UNAVAILABLE', 'Cassandra did not answer');
      },
    };
    const app = await withStored([], { features: failing });
    const res = await app.inject({ url: '/features/sms-1' });
    expect(res.statusCode).toBe(503);
    expectClientError(res.body, 'STORE_UNAVAILABLE');
  });
});

describe('POST /features/query', () => {
  const query = (app: FastifyInstance, body: unknown) =>
    app.inject({
      method: 'POST',
      url: '/features/query',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('reads many ids × views, in request order, unknown ids marked not found', async () => {
    const app = await withStored([row('a', 'v1', [1]), row('a', 'v2', [2]), row('b', 'v2', [3])]);
    const res = await query(app, { smsIds: ['b', 'zz', 'a', 'b'], views: ['v2'] });
    expect(res.statusCode).toBe(200);
    const { results } = res.json() as {
      results: { smsId: string; found: boolean; views: { view: string; values: number[] }[]; missing: string[] }[];
    };
    expect(results.map((r) => [r.smsId, r.found, r.views.map((v) => v.values[0]), r.missing])).toEqual([
      ['b', true, [3], []],
      ['zz', false, [], ['v2']],
      ['a', true, [2], []],
      ['b', true, [3], []],
    ]);
  });

  it('reads each distinct id once, never more than readConcurrency at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const reads: string[] = [];
    const slow: FeatureStore = {
      putFeatures: async () => undefined,
      getFeatures: async (smsId) => {
        reads.push(smsId);
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return [row(smsId, 'v1', [1])];
      },
    };
    const app = await withStored([], { features: slow, config: { readConcurrency: 3 } });
    const ids = Array.from({ length: 20 }, (_, i) => `id-${i % 10}`);
    const res = await query(app, { smsIds: ids });
    expect(res.statusCode).toBe(200);
    expect(reads.sort()).toEqual([...new Set(ids)].sort());
    expect(most).toBe(3);
  });

  it('with the shipped settings, reads every id of the largest request at once: one round', async () => {
    const { maxQueryIds, readConcurrency } = loadConfig({}).edge;
    let inFlight = 0;
    let most = 0;
    const slow: FeatureStore = {
      putFeatures: async () => undefined,
      getFeatures: async (smsId) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return [row(smsId, 'v1', [1])];
      },
    };
    const app = await withStored([], { features: slow, config: { maxQueryIds, readConcurrency } });
    const res = await query(app, { smsIds: Array.from({ length: maxQueryIds }, (_, i) => `id-${i}`) });
    expect(res.statusCode).toBe(200);
    expect(most).toBe(maxQueryIds);
  });

  it.each([
    ['no ids', { smsIds: [] }],
    ['more ids than allowed', { smsIds: Array.from({ length: 101 }, (_, i) => `id-${i}`) }],
    ['a malformed id', { smsIds: ['ok', 'not ok'] }],
    ['ids of the wrong type', { smsIds: 'a,b' }],
    ['a number for an id', { smsIds: [42] }],
    ['an unknown view', { smsIds: ['a'], views: ['v1', 'v7'] }],
    ['an unknown field', { smsIds: ['a'], entity: 'sms' }],
    ['a missing field', { views: ['v1'] }],
  ])('400 for %s', async (_case, body) => {
    const app = await withStored([]);
    const res = await query(app, body);
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_REQUEST');
  });
});
