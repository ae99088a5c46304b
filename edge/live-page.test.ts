// The live page in a real browser: Debian's headless Chromium, driven by playwright-core, against
// the edge on port 0 with a fake prediction feed. Skips only when /usr/bin/chromium is absent
// (.ci/run installs it). Set SPAMSTREAM_SCREENSHOT=1 to refresh docs/live-page.png (or to a path to
// write elsewhere); otherwise the screenshot goes to a temporary folder and the tree stays clean.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualityCounts, SmsPrediction } from '../schemas/index.ts';
import { type RunningEdge, startEdge } from './server.ts';
import { type DriftMonitor, createDriftMonitor } from './drift-monitor.ts';
import { QUALITY_NOW, type TestDeps, prediction, replayStatus, testDeps } from '../testkit/edge-fakes.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function screenshotPath(scratch: string): string {
  const wanted = process.env.SPAMSTREAM_SCREENSHOT;
  if (!wanted) return join(scratch, 'live-page.png');
  return /^(1|true|yes)$/i.test(wanted) ? join(import.meta.dirname, '..', 'docs', 'live-page.png') : wanted;
}

/** A plausible minute of traffic: three model versions, mostly ham, some spam, lags of tens of ms. */
function traffic(now: number): SmsPrediction[] {
  const scores = [0.02, 0.97, 0.11, 0.64, 0.05, 0.99, 0.31, 0.03];
  const models = [
    { model_version: 'v1', model: 'spam-text-stats', feature_view: 'v1' },
    { model_version: 'v2', model: 'spam-token-tfidf', feature_view: 'v2' },
    { model_version: 'v3', model: 'spam-tokens-and-stats', feature_view: 'v1+v2' },
  ];
  return scores.flatMap((score, i) =>
    models.map((m, j) => {
      const eventTime = now - (scores.length - i) * 4000;
      const spam = Math.min(0.999, Math.max(0.001, score + (j - 1) * 0.04));
      return prediction({
        ...m,
        sms_id: `sms-${(0x5e1a0 + i * 7919).toString(16)}-${i}`,
        spam_probability: spam,
        event_time: eventTime,
        scored_at: eventTime + 35 + 17 * j + 3 * i,
      });
    }),
  );
}

/** Counts of one partition as the quality processor writes them: three versions over an hour of minutes. */
function qualityCounts(): QualityCounts {
  const bucket = (minutesAgo: number, tp: number, fp: number, tn: number, fn: number) => ({
    start: QUALITY_NOW - minutesAgo * 60_000 - (QUALITY_NOW % 60_000),
    tp,
    fp,
    tn,
    fn,
  });
  return {
    partition: 0,
    partitions: 1,
    labelled: 412,
    bucket_ms: 60_000,
    updated_at: QUALITY_NOW,
    versions: [
      {
        model_version: 'v1',
        tp: 47,
        fp: 4,
        tn: 341,
        fn: 8,
        recent: [bucket(50, 4, 1, 30, 2), bucket(20, 6, 0, 28, 1), bucket(5, 5, 1, 33, 0)],
      },
      {
        model_version: 'v2',
        tp: 50,
        fp: 3,
        tn: 342,
        fn: 5,
        recent: [bucket(50, 5, 0, 31, 1), bucket(20, 6, 1, 27, 1), bucket(5, 5, 0, 34, 0)],
      },
      {
        model_version: 'v3',
        tp: 52,
        fp: 1,
        tn: 344,
        fn: 3,
        recent: [bucket(50, 6, 0, 31, 0), bucket(20, 7, 0, 28, 0), bucket(5, 5, 0, 34, 0)],
      },
    ],
  };
}

describe.skipIf(!existsSync(CHROMIUM))('the live page in headless Chromium', () => {
  let deps: TestDeps;
  let drift: DriftMonitor;
  let edge: RunningEdge;
  let scratch: string;
  let context: BrowserContext;

  beforeAll(async () => {
    const fields = [
      { name: 'capital_ratio', edges: [0.05, 0.2], counts: [600, 300, 100] },
      { name: 'url_count', edges: [0], counts: [950, 50] },
      { name: 'word_count', edges: [5, 15], counts: [300, 400, 300] },
    ];
    drift = createDriftMonitor(
      ['v1', 'v3'].map((modelVersion) => ({ modelVersion, view: 'v1', viewVersion: 1, fields })),
      200,
    );
    deps = testDeps({ drift });
    edge = await startEdge(deps);
    scratch = await mkdtemp(join(tmpdir(), 'spamstream-live-page-'));
    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      viewport: { width: 1200, height: 1000 },
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await edge?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('shows predictions as they stream in, with their spam scores, per-model counts and lag', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));

    await page.goto(`${edge.address}/`);
    await expect.poll(() => page.locator('#status').getAttribute('data-state')).toBe('live');
    expect(await page.locator('#empty').isVisible()).toBe(true);

    const now = Date.now();
    // Markup in a message is text to show, never HTML to run.
    const markup =
      '<img src=x onerror="document.title=\'owned\'"> WINNER!! £900 & a prize, call 09061701461 now to claim it today';
    deps.feed.pushText('sms-4b1d0-x', markup);
    deps.feed.push(
      prediction({
        sms_id: 'sms-4b1d0-x',
        model_version: 'v2',
        model: 'spam-token-tfidf',
        feature_view: 'v2',
        spam_probability: 0.912,
        event_time: now - 40_000,
        scored_at: now - 40_000 + 42,
      }),
    );
    const firstRow = page.locator('#recent tbody tr').first();
    await expect.poll(() => firstRow.getAttribute('data-sms-id')).toBe('sms-4b1d0-x');
    expect(await firstRow.locator('.message .text').innerText()).toBe(`${[...markup].slice(0, 79).join('')}…`);
    expect(await firstRow.locator('img').count()).toBe(0);
    expect(await page.title()).not.toBe('owned');
    expect(await firstRow.innerText()).toMatch(/sms-4b1d0-x\s+0\.912\s+spam\s+v2\s+42 ms/);
    expect(await page.locator('#models tr[data-model-version="v2"] .count').innerText()).toBe('1');
    expect(await page.locator('#lag').innerText()).toBe('42 ms');
    expect(await page.locator('#empty').isVisible()).toBe(false);

    const texts = [
      'Are we still on for dinner at 7?',
      'URGENT! Your mobile number has won £2000, call 09061701461',
      'ok see you later',
    ];
    for (const [i, p] of traffic(now).entries()) {
      deps.feed.pushText(p.sms_id, texts[Math.floor(i / 3) % texts.length]!); // 3 models score each message
      deps.feed.push(p);
    }
    await expect.poll(() => page.locator('#total').innerText()).toBe('25');
    expect(await page.locator('#recent tbody tr').count()).toBe(25);
    const counts = await page
      .locator('#models tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.getAttribute('data-model-version'),
          row.querySelector('.count')?.textContent,
          row.querySelector('.spam')?.textContent,
        ]),
      );
    expect(counts).toEqual([
      ['v1', '8', '3'],
      ['v2', '9', '4'],
      ['v3', '8', '3'],
    ]);
    // Newest first: the last prediction pushed tops the table, with its score to three decimals.
    const newest = traffic(now).at(-1)!;
    expect(await firstRow.getAttribute('data-sms-id')).toBe(newest.sms_id);
    expect(await firstRow.locator('.score-value').innerText()).toBe(newest.spam_probability.toFixed(3));

    // The charts: every message above arrived within a second or two, so one or two points, and
    // the messages of the newest second among them.
    const rate = page.locator('#rate-chart');
    await expect.poll(() => rate.getAttribute('data-points')).not.toBe('0');
    expect(Number(await rate.getAttribute('data-points'))).toBeLessThanOrEqual(2);
    expect(Number(await rate.getAttribute('data-latest'))).toBeGreaterThan(0);
    expect(await rate.locator('rect').count()).toBe(Number(await rate.getAttribute('data-points')));
    expect(Number(await page.locator('#lag-chart').getAttribute('data-latest'))).toBeGreaterThan(0);

    // A page opened later starts from the server's snapshot.
    const late = await context.newPage();
    await late.goto(`${edge.address}/`);
    await expect.poll(() => late.locator('#total').innerText()).toBe('25');
    await late.close();

    // Labels came back: the quality panel compares the versions.
    deps.quality.update('0', qualityCounts());
    await expect.poll(() => page.locator('#quality tbody tr').count(), { timeout: 10_000 }).toBe(3);
    await page.screenshot({ path: screenshotPath(scratch), fullPage: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it("marks what a replay recomputed instead of showing its message's age as the pipeline's lag", async () => {
    const page = await context.newPage();
    await page.goto(`${edge.address}/`);
    await expect.poll(() => page.locator('#status').getAttribute('data-state')).toBe('live');
    const now = Date.now();
    deps.feed.push(prediction({ sms_id: 'sms-live-1', event_time: now - 30, scored_at: now }));
    deps.feed.push(prediction({ sms_id: 'sms-old-1', event_time: now - 86_400_000, scored_at: now }), {
      replay: 'scoring-run-9',
    });
    const firstRow = page.locator('#recent tbody tr').first();
    await expect.poll(() => firstRow.getAttribute('data-sms-id')).toBe('sms-old-1');
    expect(await firstRow.innerText()).toMatch(/\sv1\s+replay$/);
    expect(await firstRow.locator('td').last().getAttribute('title')).toBe('recomputed by replay scoring-run-9');
    expect(await page.locator('#lag').innerText()).toBe('30 ms');
    // A page opened now starts from the snapshot, whose newest prediction is the replayed one.
    const late = await context.newPage();
    await late.goto(`${edge.address}/`);
    await expect.poll(() => late.locator('#recent tbody tr').first().getAttribute('data-sms-id')).toBe('sms-old-1');
    expect(await late.locator('#lag').innerText()).toBe('30 ms');
    await Promise.all([late.close(), page.close()]);
  }, 60_000);

  it('shows the statistics that drifted most, per model, once enough live messages were measured', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${edge.address}/`);
    await expect
      .poll(() => page.locator('#drift-summary').innerText())
      .toMatch(/^Waiting for live messages: 0 of the 100/);
    expect(await page.locator('#drift').isVisible()).toBe(false);

    // Shouting, with links, word counts as in training: two statistics shift, one stays.
    for (let i = 0; i < 200; i++)
      drift.observe([{ view: 'v1', version: 1, values: [0.6, i % 2, [3, 10, 20][i % 3]!] }]);
    // The panel polls every 5 s.
    const rows = page.locator('#drift tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3);
    expect(await page.locator('#drift thead th').allInnerTexts()).toEqual(['Statistic', 'PSI v1', 'PSI v3']);
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-statistic')))).toEqual([
      'capital_ratio',
      'url_count',
      'word_count',
    ]);
    const first = rows.first().locator('td[data-model-version="v3"]');
    expect(await first.getAttribute('class')).toContain('band-major');
    expect(await rows.last().locator('td').nth(1).getAttribute('class')).toContain('band-stable');
    expect(await page.locator('#drift-summary').innerText()).toBe(
      'Over the last 200 live messages (a full window is 200): 2 of 3 statistics shifted majorly, 0 moderately.',
    );
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows replays running elsewhere: progress, rate, ETA and state, and a finished one below', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${edge.address}/`);
    await expect.poll(() => page.locator('#status').getAttribute('data-state')).toBe('live');
    expect(await page.locator('#no-replays').isVisible()).toBe(true);
    expect(await page.locator('#replays').isVisible()).toBe(false);

    const now = Date.now();
    deps.replays.update(
      'g-store',
      replayStatus({
        group_id: 'g-store',
        run_id: 'store-77',
        kind: 'store',
        state: 'done',
        done: 5200,
        total: 5200,
        rate: 1328,
        updated_at: now - 60_000,
      }),
    );
    deps.replays.update(
      'g-scoring',
      replayStatus({
        run_id: 'scoring-42',
        done: 4020,
        total: 10050,
        rate: 2448.4,
        eta_seconds: 125.2,
        host: 'batch-2',
        updated_at: now,
      }),
    );
    const rows = page.locator('#replays tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.locator('#no-replays').isVisible()).toBe(false);
    const running = rows.first();
    expect(await running.getAttribute('data-run-id')).toBe('scoring-42');
    expect(await running.innerText()).toMatch(
      /^scoring\s+scoring-42\s+on batch-2\s+4,020 \/ 10,050 \(40 %\)\s+2,448\/s\s+2 min 6 s\s+running$/,
    );
    expect(await running.locator('[role="progressbar"]').getAttribute('aria-valuenow')).toBe('4020');
    expect(await rows.nth(1).innerText()).toMatch(
      /^store\s+store-77\s+on replayer-1\s+5,200 \/ 5,200 \(100 %\)\s+1,328\/s\s+—\s+done$/,
    );

    // Its last record: done, and the page follows.
    deps.replays.update(
      'g-scoring',
      replayStatus({
        run_id: 'scoring-42',
        state: 'done',
        done: 10050,
        total: 10050,
        eta_seconds: 0,
        updated_at: Date.now(),
      }),
    );
    await expect.poll(() => running.getAttribute('data-state')).toBe('done');
    expect(await running.locator('.badge').innerText()).toBe('done');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("compares the versions' live quality: counts, precision, recall, F1, and F1 over the recent window", async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    deps.quality.update('0', null);
    await page.goto(`${edge.address}/`);
    await expect.poll(() => page.locator('#no-quality').isVisible()).toBe(true);
    expect(await page.locator('#quality').isVisible()).toBe(false);

    deps.quality.update('0', qualityCounts());
    const rows = page.locator('#quality tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);
    expect(await page.locator('#no-quality').isVisible()).toBe(false);
    expect(await page.locator('#quality-labelled').innerText()).toBe('412');
    expect(await page.locator('#quality-window').innerText()).toBe('1 h');
    // v3: tp 52, fp 1, tn 344, fn 3 → precision 98.1 %, recall 94.5 %, F1 96.3 %; recent 15 of 15 right.
    expect(await rows.nth(2).innerText()).toMatch(
      /^v3\s+400\s+52\s+1\s+344\s+3\s+98\.1 %\s+94\.5 %\s+96\.3 %\s+100\.0 % \(111\)$/,
    );
    const series = page.locator('#quality-chart .series');
    expect(await series.count()).toBe(3);
    expect(await series.evaluateAll((groups) => groups.map((g) => (g as SVGElement).dataset.points))).toEqual([
      '3',
      '3',
      '3',
    ]);
    expect(await page.locator('#quality-legend li').allInnerTexts()).toEqual([
      'v1 (circle)',
      'v2 (square, dashed)',
      'v3 (diamond, dashed)',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
