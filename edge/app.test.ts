// App-wide behaviour: one error shape for every failure, limits, rate limiting, docs and metrics.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { expectClientError, testDeps } from '../testkit/edge-fakes.ts';

const json = { 'content-type': 'application/json' };
const sms = { senderId: '+447700900123', recipientId: '+447700900456', text: 'hello' };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function start(overrides: Parameters<typeof testDeps>[0] = {}) {
  const deps = testDeps(overrides);
  app = buildApp(deps);
  return { app, deps };
}

describe('client errors are {error, message} with a 4xx, never a stack', () => {
  it('malformed JSON → 400 INVALID_REQUEST', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'POST', url: '/sms', headers: json, payload: '{"senderId": "+44' });
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_REQUEST');
  });

  it('an empty JSON body → 400', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'POST', url: '/sms', headers: json, payload: '' });
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_REQUEST');
  });

  it('a prototype-poisoning body → 400', async () => {
    const { app } = start();
    const res = await app.inject({
      method: 'POST',
      url: '/sms',
      headers: json,
      payload: '{"__proto__": {"x": 1}, "senderId": "a"}',
    });
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_REQUEST');
  });

  it('a body over the limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const { app } = start({ config: { bodyLimitBytes: 2048 } });
    const res = await app.inject({
      method: 'POST',
      url: '/sms',
      headers: json,
      payload: JSON.stringify({ ...sms, text: 'x'.repeat(4000) }),
    });
    expect(res.statusCode).toBe(413);
    expectClientError(res.body, 'PAYLOAD_TOO_LARGE');
  });

  it('a body that is not JSON → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const { app } = start();
    const res = await app.inject({
      method: 'POST',
      url: '/sms',
      headers: { 'content-type': 'application/xml' },
      payload: '<sms/>',
    });
    expect(res.statusCode).toBe(415);
    expectClientError(res.body, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown route → 404 NOT_FOUND', async () => {
    const { app } = start();
    const res = await app.inject({ url: '/nothing/here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(expectClientError(res.body, 'NOT_FOUND').message).toBe('no route GET /nothing/here');
  });

  it('an absurdly long path segment → 414, a broken percent-encoding → 400, both in the usual shape', async () => {
    const { app } = start();
    const long = await app.inject({ url: `/features/${'x'.repeat(2000)}` });
    expect(long.statusCode).toBe(414);
    expectClientError(long.body, 'INVALID_REQUEST');
    const broken = await app.inject({ url: '/features/%E0%A4%A' });
    expect(broken.statusCode).toBe(400);
    expectClientError(broken.body, 'INVALID_REQUEST');
  });

  it('an unexpected failure → 500 INTERNAL with no details', async () => {
    const { app } = start({
      predictions: {
        putPredictions: async () => undefined,
        getPredictions: async () => {
          throw new TypeError('cannot read properties of undefined (reading "rows") at store.ts:12:3');
        },
      },
    });
    const res = await app.inject({ url: '/predictions/sms-1' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'INTERNAL', message: 'internal error' });
  });
});

describe('rate limiting', () => {
  it('refuses a client over its per-minute allowance with 429 RATE_LIMITED and Retry-After', async () => {
    const { app } = start({ config: { rateLimitPerMinute: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ url: '/predictions/sms-1' })).statusCode);
    const limited = await app.inject({ url: '/predictions/sms-1' });
    expect(statuses).toEqual([404, 404, 404]);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(expectClientError(limited.body, 'RATE_LIMITED').message).toMatch(/3 requests per minute/);
  });

  it('counts clients apart and never throttles probes and scrapes', async () => {
    const { app } = start({ config: { rateLimitPerMinute: 1 } });
    expect((await app.inject({ url: '/predictions/sms-1', remoteAddress: '10.0.0.1' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/predictions/sms-1', remoteAddress: '10.0.0.2' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/predictions/sms-1', remoteAddress: '10.0.0.1' })).statusCode).toBe(429);
    for (const url of ['/health', '/ready', '/metrics', '/health']) {
      expect((await app.inject({ url, remoteAddress: '10.0.0.1' })).statusCode).toBe(200);
    }
  });
});

describe('documentation and metrics', () => {
  it('serves the OpenAPI document with every route and the docs UI', async () => {
    const { app } = start();
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/features/{smsId}',
        '/features/query',
        '/predictions/{smsId}',
        '/sms',
        '/models',
        '/models/{version}/features',
        '/models/{version}/predict',
        '/health',
        '/ready',
        '/metrics',
        '/events',
      ]),
    );
    expect(doc.paths['/sms']?.post).toMatchObject({
      requestBody: expect.anything(),
      responses: expect.objectContaining({ 202: expect.anything(), 400: expect.anything() }),
    });
    const docs = await app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('records request durations by route pattern, not by URL', async () => {
    const { app, deps } = start();
    // What the processors record shows in the same scrape (they share the registry).
    deps.metrics.deadLetters.inc({ processor: 'features', code: 'EMPTY_TEXT' }, 2);
    deps.metrics.consumerLag.set({ processor: 'scoring', topic: 'sms.features', partition: '3' }, 17);
    deps.metrics.inferenceSeconds.observe({ model_version: 'v2' }, 0.003);
    await app.inject({ url: '/predictions/sms-1' });
    await app.inject({ url: '/predictions/sms-2' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain(
      'spamstream_http_request_duration_seconds_count{method="GET",route="/predictions/:smsId",status="404"} 2',
    );
    expect(res.body).not.toContain('sms-1');
    expect(res.body).toContain('spamstream_dead_letters_total{processor="features",code="EMPTY_TEXT"} 2');
    expect(res.body).toContain('spamstream_consumer_lag{processor="scoring",topic="sms.features",partition="3"} 17');
    expect(res.body).toContain('spamstream_inference_seconds_bucket{le="0.005",model_version="v2"} 1');
    expect(res.body).toContain('spamstream_inference_seconds_bucket{le="0.0025",model_version="v2"} 0');
  });

  it('can be built twice on one registry', async () => {
    const deps = testDeps();
    const first = buildApp(deps);
    const second = buildApp(deps);
    await Promise.all([first.ready(), second.ready()]);
    await Promise.all([first.close(), second.close()]);
  });
});
