import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { testDeps } from '../testkit/edge-fakes.ts';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app whose log lines are collected, at `level`; the predictions store fails for id "boom". */
function logged(level: 'info' | 'warn') {
  const lines: Record<string, unknown>[] = [];
  app = buildApp(
    testDeps({
      config: { logLevel: level },
      logStream: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
      predictions: {
        putPredictions: async () => undefined,
        getPredictions: async (id) => {
          if (id === 'boom') throw new TypeError('store exploded');
          return [];
        },
      },
    }),
  );
  return { app, lines };
}

describe('the request log', () => {
  it('writes one line per request with its method, URL, status and outcome', async () => {
    const { app, lines } = logged('info');
    await app.inject({ url: '/health' });
    await app.inject({ url: '/predictions/sms-1' });
    await app.inject({ url: '/predictions/boom' });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 30, method: 'GET', url: '/health', status: 200, msg: 'GET /health 200' });
    expect(lines[0]!.ms).toEqual(expect.any(Number));
    expect(lines[1]).toMatchObject({ level: 30, url: '/predictions/sms-1', status: 404, code: 'NOT_FOUND' });
    expect(lines[2]).toMatchObject({ level: 50, url: '/predictions/boom', status: 500, code: 'INTERNAL' });
    expect((lines[2]!.err as { message: string }).message).toBe('store exploded');
  });

  it('logs only server errors at the default level', async () => {
    const { app, lines } = logged('warn');
    await app.inject({ url: '/health' });
    await app.inject({ url: '/predictions/sms-1' });
    await app.inject({ url: '/nothing' });
    expect(lines).toEqual([]);
    await app.inject({ url: '/predictions/boom' });
    expect(lines.map((line) => [line.level, line.status])).toEqual([[50, 500]]);
  });
});
