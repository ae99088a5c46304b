import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { type TestOverrides, expectClientError, healthy, testDeps, unreachable } from '../../testkit/edge-fakes.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const start = (overrides: TestOverrides = {}) => (app = buildApp(testDeps(overrides)));

describe('GET /health', () => {
  it('answers while the process lives, whatever its dependencies', async () => {
    start({ health: [unreachable('kafka')] });
    const res = await app!.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /ready', () => {
  it('200 with every check when Kafka, registry and Cassandra answer', async () => {
    start();
    const res = await app!.inject({ url: '/ready' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { status: string; checks: { name: string; ok: boolean }[] };
    expect(body.status).toBe('ready');
    expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
      ['kafka', true],
      ['registry', true],
      ['cassandra', true],
    ]);
  });

  it('503 NOT_READY naming the dependency that failed', async () => {
    start({ health: [healthy('kafka'), unreachable('cassandra', 'All host(s) tried for query failed')] });
    const res = await app!.inject({ url: '/ready' });
    expect(res.statusCode).toBe(503);
    const { message } = expectClientError(res.body, 'NOT_READY');
    expect(message).toBe('unreachable: cassandra (All host(s) tried for query failed)');
    expect(res.json().checks).toMatchObject([
      { name: 'kafka', ok: true },
      { name: 'cassandra', ok: false },
    ]);
  });

  it('a check that hangs counts as unreachable after the timeout', async () => {
    start({
      config: { readyTimeoutMs: 100 },
      health: [healthy('kafka'), { name: 'registry', check: () => new Promise(() => {}) }],
    });
    const started = Date.now();
    const res = await app!.inject({ url: '/ready' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.statusCode).toBe(503);
    expect(res.json().message).toBe('unreachable: registry (no answer within 100 ms)');
  });

  it('reports only the first line of a failure, never a stack', async () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:9042');
    start({
      health: [
        {
          name: 'cassandra',
          check: async () => {
            throw error;
          },
        },
      ],
    });
    const res = await app!.inject({ url: '/ready' });
    expect(res.statusCode).toBe(503);
    expectClientError(res.body, 'NOT_READY');
    expect(res.body).not.toContain(' at ');
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus text format of the shared registry', async () => {
    const deps = testDeps();
    deps.metrics.processed.inc({ processor: 'features', outcome: 'ok' }, 3);
    deps.metrics.deadLetters.inc({ processor: 'scoring', code: 'INFERENCE_FAILED' });
    deps.metrics.consumerLag.set({ processor: 'scoring', topic: 'sms.features', partition: '0' }, 12);
    deps.metrics.inferenceSeconds.observe({ model_version: 'v2' }, 0.004);
    app = buildApp(deps);
    await app.inject({ url: '/health' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect(res.body).toContain('spamstream_records_processed_total{processor="features",outcome="ok"} 3');
    expect(res.body).toContain('spamstream_dead_letters_total{processor="scoring",code="INFERENCE_FAILED"} 1');
    expect(res.body).toContain('spamstream_consumer_lag{processor="scoring",topic="sms.features",partition="0"} 12');
    expect(res.body).toContain('spamstream_inference_seconds_count{model_version="v2"} 1');
    expect(res.body).toContain(
      'spamstream_http_request_duration_seconds_count{method="GET",route="/health",status="200"} 1',
    );
  });
});
