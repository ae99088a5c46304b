import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { type DriftReference, createDriftMonitor } from '../drift-monitor.ts';
import { testDeps } from '../../testkit/edge-fakes.ts';

const reference = (modelVersion: string): DriftReference => ({
  modelVersion,
  view: 'v1',
  viewVersion: 1,
  fields: [
    { name: 'char_count', edges: [40, 120], counts: [300, 500, 200] },
    { name: 'has_free', edges: [0], counts: [950, 50] },
  ],
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A monitor that has seen 200 long messages, every one with "free": both statistics shifted. */
function shifted() {
  const monitor = createDriftMonitor([reference('v1'), reference('v3')], 500);
  for (let i = 0; i < 200; i++) monitor.observe([{ view: 'v1', version: 1, values: [300, 1] }]);
  return monitor;
}

describe('GET /drift', () => {
  it('gives per model version and statistic the PSI and its band', async () => {
    app = buildApp(testDeps({ drift: shifted() }));
    const res = await app.inject({ url: '/drift' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      window: number;
      thresholds: { moderate: number; major: number };
      models: { modelVersion: string; messages: number; fields: { name: string; psi: number; band: string }[] }[];
    };
    expect(body.window).toBe(500);
    expect(body.thresholds).toEqual({ moderate: 0.1, major: 0.25 });
    expect(body.models.map((m) => [m.modelVersion, m.messages])).toEqual([
      ['v1', 200],
      ['v3', 200],
    ]);
    expect(body.models[0]!.fields.map((f) => [f.name, f.band])).toEqual([
      ['char_count', 'major'],
      ['has_free', 'major'],
    ]);
    expect(body.models[0]!.fields[0]!.psi).toBeGreaterThan(1);
  });

  it('says drift is off when there is no monitor', async () => {
    app = buildApp(testDeps());
    expect((await app.inject({ url: '/drift' })).json()).toMatchObject({ window: 0, models: [] });
  });

  it('puts the PSI of every statistic and the window on /metrics, read at the scrape', async () => {
    const monitor = createDriftMonitor([reference('v3')], 500);
    app = buildApp(testDeps({ drift: monitor }));
    const before = (await app.inject({ url: '/metrics' })).body;
    expect(before).toContain('spamstream_drift_window_messages{model_version="v3",view="v1"} 0');
    expect(before).not.toMatch(/spamstream_drift_psi\{/);
    for (let i = 0; i < 150; i++) monitor.observe([{ view: 'v1', version: 1, values: [80, 0] }]);
    const after = (await app.inject({ url: '/metrics' })).body;
    expect(after).toContain('spamstream_drift_window_messages{model_version="v3",view="v1"} 150');
    expect(after).toMatch(/spamstream_drift_psi\{model_version="v3",view="v1",statistic="char_count"\} [0-9.]+/);
    expect(after).toMatch(/spamstream_drift_psi\{model_version="v3",view="v1",statistic="has_free"\} [0-9.]+/);
  });

  it("serves the live page's drift panel under the page's content security policy", async () => {
    app = buildApp(testDeps());
    for (const url of ['/drift.js', '/drift.css']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });
});
