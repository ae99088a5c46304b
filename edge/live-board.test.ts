import { describe, expect, it } from 'vitest';
import { type LiveUpdate, SERIES_SECONDS, createLiveBoard, shortText } from './live-board.ts';
import { createRecentTexts } from './recent-texts.ts';
import { fakeFeed, prediction } from '../testkit/edge-fakes.ts';

describe('shortText', () => {
  it('keeps short texts, folds white space, and cuts long ones at 80 code points', () => {
    expect(shortText('see you\n at  6?')).toBe('see you at 6?');
    const long = `${'😀'.repeat(50)}${'a'.repeat(50)}`;
    const cut = shortText(long);
    expect([...cut]).toHaveLength(80);
    expect(cut.endsWith('a…')).toBe(true);
    expect(cut.startsWith('😀'.repeat(50))).toBe(true);
  });
});

describe('createRecentTexts', () => {
  it('forgets the oldest text beyond its capacity', () => {
    const texts = createRecentTexts(2);
    texts.remember('a', 'A');
    texts.remember('b', 'B');
    texts.remember('a', 'A again'); // a is the newest now
    texts.remember('c', 'C');
    expect([texts.textOf('a'), texts.textOf('b'), texts.textOf('c'), texts.size]).toEqual([
      'A again',
      undefined,
      'C',
      2,
    ]);
  });
});

describe('the live board', () => {
  it('shows the text the feed saw beside each prediction, and fills it in later when it came late', () => {
    const feed = fakeFeed();
    const board = createLiveBoard(feed, { now: () => 10_000 });
    const updates: unknown[] = [];
    board.subscribe((update) => updates.push(update.prediction.text));
    feed.pushText('a', '<b>WIN</b> £900 &amp; more');
    feed.push(prediction({ sms_id: 'a' }));
    feed.push(prediction({ sms_id: 'late' }));
    expect(updates).toEqual(['<b>WIN</b> £900 &amp; more', undefined]);
    feed.pushText('late', 'arrived after its prediction');
    expect(board.snapshot().recent.map((p) => p.text)).toEqual([
      'arrived after its prediction',
      '<b>WIN</b> £900 &amp; more',
    ]);
  });

  it('lists and counts what a replay recomputed, but in no lag figure: its lag is its message age', () => {
    const feed = fakeFeed();
    const board = createLiveBoard(feed, { now: () => 5_000_000 });
    const updates: LiveUpdate[] = [];
    board.subscribe((update) => updates.push(update));
    feed.push(prediction({ sms_id: 'live', event_time: 4_999_900, scored_at: 5_000_000 }));
    feed.push(prediction({ sms_id: 'old', event_time: 0, scored_at: 5_000_000 }), { replay: 'scoring-run-1' });
    feed.push(prediction({ sms_id: 'old', model_version: 'v3', event_time: 0, scored_at: 5_000_000 }), {
      replay: 'scoring-run-1',
    });
    expect(updates[1]!.prediction).toMatchObject({ smsId: 'old', replay: 'scoring-run-1', lagMs: 5_000_000 });
    const { models, series, recent } = board.snapshot();
    expect(recent.map((p) => p.replay)).toEqual(['scoring-run-1', 'scoring-run-1', undefined]);
    expect(models).toEqual([
      { modelVersion: 'v1', model: 'spam-text-stats', count: 2, spam: 2, lastLagMs: 100, meanLagMs: 100 },
      { modelVersion: 'v3', model: 'spam-text-stats', count: 1, spam: 1 }, // replayed only: no lag yet
    ]);
    expect(series).toEqual([{ t: 5_000_000, messages: 2, meanLagMs: 100 }]);
  });

  it('counts distinct messages and their mean lag per second, over the last five minutes', () => {
    const feed = fakeFeed();
    let clock = 1_000_000;
    const board = createLiveBoard(feed, { now: () => clock });
    const points: unknown[] = [];
    board.subscribe((update) => points.push(update.point));
    // Second 1000: message a by two models (lags 100, 300), message b (lag 200).
    feed.push(prediction({ sms_id: 'a', event_time: 0, scored_at: 100 }));
    clock += 400;
    feed.push(prediction({ sms_id: 'a', model_version: 'v2', event_time: 0, scored_at: 300 }));
    feed.push(prediction({ sms_id: 'b', event_time: 0, scored_at: 200 }));
    clock += 700; // second 1001
    feed.push(prediction({ sms_id: 'c', event_time: 0, scored_at: 50 }));
    expect(points.at(-2)).toEqual({ t: 1_000_000, messages: 2, meanLagMs: 200 });
    expect(points.at(-1)).toEqual({ t: 1_001_000, messages: 1, meanLagMs: 50 });
    expect(board.snapshot().series).toEqual([points.at(-2), points.at(-1)]);

    clock += SERIES_SECONDS * 1000; // the first second has left the window, the second is on its edge
    expect(board.snapshot().series).toEqual([]);
    feed.push(prediction({ sms_id: 'd', event_time: 0, scored_at: 10 }));
    expect(board.snapshot().series.map((point) => point.t)).toEqual([1_301_000]);
  });
});
