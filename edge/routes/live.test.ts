// The live page's files and its event stream. Streams never end, so they are read over a real
// socket (port 0) rather than through inject.
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { type RunningEdge, startEdge } from '../server.ts';
import { type TestDeps, prediction, replayStatus, testDeps } from '../../testkit/edge-fakes.ts';

let edge: RunningEdge | undefined;
afterEach(async () => {
  await edge?.close();
  edge = undefined;
});

interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Reads server-sent events until `count` have arrived. `connected` runs once the snapshot is in:
 * the stream subscribes to its feeds before it sends the snapshot, so pushes made then are seen.
 */
async function readEvents(
  response: Response,
  count: number,
  connected: () => void = () => {},
  timeoutMs = 5000,
): Promise<SseEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (events.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${events.length} of ${count} events arrived`);
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
      if (event === 'snapshot') connected();
    }
  }
  await reader.cancel();
  return events;
}

describe('the live page', () => {
  it('serves the page and its script and stylesheet with a strict content security policy', async () => {
    const app = buildApp(testDeps());
    for (const [url, type] of [
      ['/', 'text/html'],
      ['/live.js', 'text/javascript'],
      ['/live.css', 'text/css'],
      ['/quality.js', 'text/javascript'],
      ['/quality.css', 'text/css'],
    ] as const) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
    expect((await app.inject({ url: '/' })).body).toContain('<script src="/live.js" defer></script>');
    expect((await app.inject({ url: '/' })).body).toContain('<script src="/quality.js" defer></script>');
    await app.close();
  });
});

describe('GET /events', () => {
  let deps: TestDeps;
  const open = async () => {
    deps = testDeps();
    edge = await startEdge(deps);
    return edge;
  };

  it('sends a snapshot, then each prediction with its model tally and lag', async () => {
    const { address } = await open();
    deps.feed.push(prediction({ sms_id: 'before', model_version: 'v1', spam_probability: 0.2 }));
    const response = await fetch(`${address}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const [snapshot, replays, first, second] = await readEvents(response, 4, () => {
      deps.feed.pushText('a', 'Free entry! <script>alert(1)</script>');
      deps.feed.push(
        prediction({ sms_id: 'a', model_version: 'v2', spam_probability: 0.97, event_time: 1000, scored_at: 1250 }),
      );
      deps.feed.push(
        prediction({ sms_id: 'b', model_version: 'v1', spam_probability: 0.8, event_time: 1000, scored_at: 1100 }),
      );
    });

    expect(snapshot).toMatchObject({
      event: 'snapshot',
      data: {
        recent: [{ smsId: 'before', modelVersion: 'v1' }],
        models: [{ modelVersion: 'v1', count: 1, spam: 0 }],
        series: [{ t: expect.any(Number), messages: 1 }],
      },
    });
    expect(replays).toEqual({ event: 'replays', data: { replays: [] } });
    expect(first).toEqual({
      event: 'prediction',
      data: {
        prediction: {
          smsId: 'a',
          model: 'spam-text-stats',
          modelVersion: 'v2',
          label: 'spam',
          spamProbability: 0.97,
          eventTime: 1000,
          scoredAt: 1250,
          lagMs: 250,
          text: 'Free entry! <script>alert(1)</script>',
        },
        tally: { modelVersion: 'v2', model: 'spam-text-stats', count: 1, spam: 1, lastLagMs: 250, meanLagMs: 250 },
        // 'before' and 'a' may fall in the same second or not: the point counts at least 'a'.
        point: { t: expect.any(Number), messages: expect.any(Number), meanLagMs: expect.any(Number) },
      },
    });
    expect(second).toMatchObject({
      event: 'prediction',
      data: { prediction: { smsId: 'b' }, tally: { modelVersion: 'v1', count: 2, spam: 1, lastLagMs: 100 } },
    });
  });

  it('sends the replays on connect and again whenever one changes', async () => {
    const { address } = await open();
    // Fresh records (the tracker runs on the real clock here): running, not lost.
    const status = (overrides: Parameters<typeof replayStatus>[0]) =>
      replayStatus({ updated_at: Date.now(), ...overrides });
    deps.replays.update('g1', status({ group_id: 'g1', done: 100 }));
    const response = await fetch(`${address}/events`);
    const [snapshot, ...replays] = await readEvents(response, 4, () => {
      deps.replays.update('g1', status({ group_id: 'g1', done: 1000, state: 'done' }));
      deps.replays.update('g2', status({ group_id: 'g2', run_id: 'store-2', kind: 'store' }));
    });
    expect(snapshot!.event).toBe('snapshot');
    expect(replays.map((e) => e.event)).toEqual(['replays', 'replays', 'replays']);
    const listed = replays.map(
      (e) => (e.data as { replays: { runId: string; state: string; done: number }[] }).replays,
    );
    expect(listed.map((list) => list.map((r) => [r.runId, r.state, r.done]))).toEqual([
      [['scoring-0123456789-abc', 'running', 100]],
      [['scoring-0123456789-abc', 'done', 1000]],
      [
        ['store-2', 'running', 400],
        ['scoring-0123456789-abc', 'done', 1000],
      ],
    ]);
  });

  it('closing the server ends open streams instead of waiting for them', async () => {
    const { address } = await open();
    const response = await fetch(`${address}/events`);
    await readEvents(response.clone(), 1);
    const started = Date.now();
    await edge!.close();
    edge = undefined;
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
