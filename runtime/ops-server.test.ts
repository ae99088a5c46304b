import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../core/metrics.ts';
import { type OpsServer, type OpsServerOptions, startOpsServer } from './ops-server.ts';

const up = { name: 'kafka', check: async () => {} };
const down = {
  name: 'cassandra',
  check: async () => {
    throw new Error('connection refused\nat somewhere');
  },
};

describe('the ops server of a processor run alone', () => {
  const servers: OpsServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  const start = async (overrides: Partial<OpsServerOptions> = {}) => {
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      checks: [up],
      readyTimeoutMs: 500,
      metrics: createMetrics(),
      ...overrides,
    });
    servers.push(server);
    return server;
  };

  it('is alive, ready when every check answers, and serves the metrics', async () => {
    const { address } = await start();
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${address}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${address}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: [{ name: 'kafka', ok: true }] });
    const metrics = await fetch(`${address}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toContain('spamstream_process_cpu_seconds_total');
  });

  it('answers 503 naming what is down, and what did not answer in time', async () => {
    const slow = { name: 'registry', check: () => new Promise<void>(() => {}) };
    const { address } = await start({ checks: [up, down, slow], readyTimeoutMs: 200 });
    const ready = await fetch(`${address}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { error: string; message: string };
    expect(body.error).toBe('NOT_READY');
    expect(body.message).toBe('unreachable: cassandra (connection refused), registry (no answer within 200 ms)');
  });

  it('answers 404 and 405 with a message', async () => {
    const { address } = await start();
    const missing = await fetch(`${address}/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe('no /nope here: /health, /ready, /metrics');
    const posted = await fetch(`${address}/ready`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
  });

  it('names the setting when its port is taken', async () => {
    const first = await start();
    const port = Number(new URL(first.address).port);
    await expect(start({ port })).rejects.toThrow(
      `ops server: port ${port} on 127.0.0.1 is taken; set SPAMSTREAM_OPS_PORT (0 takes a free one)`,
    );
  });
});
