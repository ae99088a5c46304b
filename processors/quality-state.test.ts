import { describe, expect, it } from 'vitest';
import { type Confusion, NO_COUNTS, figuresOf, outcomeOf } from '../core/confusion.ts';
import type { SpamLabel } from '../core/message-rules.ts';
import {
  type MessageState,
  PartitionTally,
  type Verdict,
  contributions,
  mergeLabelled,
  mergeVerdict,
} from './quality-state.ts';

const label = (value: SpamLabel, labelledAt: number): Verdict => ({
  kind: 'label',
  label: { label: value, labelledAt },
});
const predicted = (version: string, value: SpamLabel, scoredAt: number, eventTime = 100): Verdict => ({
  kind: 'prediction',
  version,
  prediction: { label: value, eventTime, scoredAt },
});

/** A seeded pseudo-random generator (mulberry32), so a failing case can be run again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shuffled = <T>(items: readonly T[], next: () => number): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

/**
 * Feeds verdicts `[smsId, verdict]` to a tally as the quality processor does: every prediction is in
 * the online store before it is a verdict (`stored`, latest wins), and a message's first label takes
 * the predictions stored of it.
 */
function feed(tally: PartitionTally, verdicts: readonly (readonly [string, Verdict])[]): void {
  const stored = new Map<string, MessageState>();
  for (const [smsId, verdict] of verdicts) {
    if (verdict.kind === 'prediction') {
      const store = stored.get(smsId) ?? { label: { label: 'ham', labelledAt: 0 }, predictions: new Map() };
      stored.set(smsId, mergeVerdict(store, verdict)!);
    }
    const known = tally.get(smsId);
    const next =
      verdict.kind === 'label' && !known
        ? mergeLabelled(known, verdict.label, stored.get(smsId)?.predictions ?? [])
        : mergeVerdict(known, verdict);
    if (next) tally.set(smsId, next);
  }
}

/** The counts by their definition: each message's latest label against each version's latest prediction. */
function fromScratch(verdicts: readonly (readonly [string, Verdict])[]): Record<string, Confusion> {
  const latestLabel = new Map<string, { label: SpamLabel; at: number }>();
  const latestPrediction = new Map<string, { label: SpamLabel; at: [number, number] }>();
  for (const [smsId, v] of verdicts) {
    if (v.kind === 'label') {
      const known = latestLabel.get(smsId);
      const at = v.label.labelledAt;
      if (!known || at > known.at || (at === known.at && v.label.label > known.label))
        latestLabel.set(smsId, { label: v.label.label, at });
    } else {
      const key = `${smsId}|${v.version}`;
      const known = latestPrediction.get(key);
      const at: [number, number] = [v.prediction.eventTime, v.prediction.scoredAt];
      const newer =
        !known ||
        at[0] > known.at[0] ||
        (at[0] === known.at[0] && (at[1] > known.at[1] || (at[1] === known.at[1] && v.prediction.label > known.label)));
      if (newer) latestPrediction.set(key, { label: v.prediction.label, at });
    }
  }
  const counts: Record<string, { tp: number; fp: number; tn: number; fn: number }> = {};
  for (const [key, p] of latestPrediction) {
    const [smsId, version] = key.split('|') as [string, string];
    const l = latestLabel.get(smsId);
    if (!l) continue;
    counts[version] ??= { ...NO_COUNTS };
    counts[version][outcomeOf(l.label, p.label)] += 1;
  }
  return counts;
}

const allCounts = (tally: PartitionTally) => Object.fromEntries(tally.counts(0, 1_000).map((v) => [v.version, v.all]));

describe('mergeVerdict', () => {
  it('keeps the label given last, and a prediction only once the message has a label', () => {
    let state = mergeVerdict(undefined, predicted('v1', 'spam', 5));
    expect(state).toBeUndefined();
    state = mergeVerdict(state, label('ham', 10));
    state = mergeVerdict(state, label('spam', 30));
    state = mergeVerdict(state, label('ham', 20));
    expect(state!.label).toEqual({ label: 'spam', labelledAt: 30 });
    state = mergeVerdict(state, predicted('v1', 'spam', 5));
    expect(state!.predictions.get('v1')).toEqual({ label: 'spam', eventTime: 100, scoredAt: 5 });
  });

  it('orders predictions by event time, then by scoring time, as the online store does', () => {
    let state: MessageState | undefined = mergeVerdict(undefined, label('spam', 1));
    state = mergeVerdict(state, predicted('v1', 'ham', 50, 200));
    state = mergeVerdict(state, predicted('v1', 'spam', 90, 100));
    expect(state!.predictions.get('v1')!.label).toBe('ham');
    state = mergeVerdict(state, predicted('v1', 'spam', 60, 200));
    expect(state!.predictions.get('v1')!.label).toBe('spam');
  });

  it('returns the same state when a verdict changes nothing, so nothing is counted again', () => {
    const state = mergeVerdict(mergeVerdict(undefined, label('spam', 10)), predicted('v1', 'spam', 5));
    expect(mergeVerdict(state, label('spam', 10))).toBe(state);
    expect(mergeVerdict(state, label('ham', 9))).toBe(state);
    expect(mergeVerdict(state, predicted('v1', 'spam', 5))).toBe(state);
    expect(mergeVerdict(state, predicted('v1', 'ham', 4))).toBe(state);
  });

  it('breaks ties of time by the label, so equal times merge the same in either order', () => {
    const a = mergeVerdict(mergeVerdict(undefined, label('ham', 10)), label('spam', 10));
    const b = mergeVerdict(mergeVerdict(undefined, label('spam', 10)), label('ham', 10));
    expect(a!.label).toEqual(b!.label);
  });
});

describe('contributions', () => {
  it('gives one outcome per predicted version, in the bucket of the label', () => {
    let state = mergeVerdict(undefined, label('spam', 125_000));
    state = mergeVerdict(state, predicted('v1', 'spam', 1));
    state = mergeVerdict(state, predicted('v2', 'ham', 1));
    expect(contributions(state, 60_000)).toEqual([
      { version: 'v1', outcome: 'tp', bucket: 120_000 },
      { version: 'v2', outcome: 'fn', bucket: 120_000 },
    ]);
    expect(contributions(undefined, 60_000)).toEqual([]);
  });
});

describe('PartitionTally', () => {
  it('counts each (message, version) once by its latest label and prediction; a relabel moves the count', () => {
    const tally = new PartitionTally(60_000);
    feed(tally, [
      ['a', label('spam', 1)],
      ['a', predicted('v1', 'spam', 1)],
      ['b', predicted('v1', 'spam', 1)],
      ['b', label('ham', 2)],
      ['c', predicted('v1', 'ham', 1)],
    ]);
    expect(allCounts(tally)).toEqual({ v1: { tp: 1, fp: 1, tn: 0, fn: 0 } });
    expect(tally.labelled).toBe(2);
    expect(tally.set('b', mergeVerdict(tally.get('b'), label('spam', 3))!)).toBe(true);
    expect(allCounts(tally)).toEqual({ v1: { tp: 2, fp: 0, tn: 0, fn: 0 } });
    expect(tally.set('b', mergeVerdict(tally.get('b'), label('spam', 3))!)).toBe(false);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'gives the counts a count from scratch gives, whatever the order and however often verdicts come (seed %i)',
    (seed) => {
      const next = random(seed);
      const verdicts: [string, Verdict][] = [];
      for (let i = 0; i < 300; i += 1) {
        const smsId = `m${Math.floor(next() * 40)}`;
        const value: SpamLabel = next() < 0.5 ? 'spam' : 'ham';
        const time = Math.floor(next() * 20);
        verdicts.push([
          smsId,
          next() < 0.3
            ? label(value, time)
            : predicted(`v${1 + Math.floor(next() * 3)}`, value, time, 100 + (time % 3)),
        ]);
      }
      const expected = fromScratch(verdicts);
      const inOrder = new PartitionTally(5);
      feed(inOrder, verdicts);
      expect(allCounts(inOrder)).toEqual(expected);
      // Shuffled, and with a third of them delivered again (replays, re-deliveries).
      const again = shuffled([...verdicts, ...verdicts.filter(() => next() < 0.33)], next);
      const replayed = new PartitionTally(5);
      feed(replayed, again);
      expect(allCounts(replayed)).toEqual(expected);
    },
  );

  it('counts the recent window by the time labels were given, one bucket each, and forgets buckets that left it', () => {
    const tally = new PartitionTally(60_000);
    feed(tally, [
      ['old', label('spam', 0)],
      ['old', predicted('v1', 'ham', 1)],
      ['new', label('spam', 3_600_000)],
      ['new', predicted('v1', 'spam', 1)],
      ['newer', label('ham', 3_660_000)],
      ['newer', predicted('v1', 'spam', 1)],
    ]);
    const [v1] = tally.counts(3_700_000, 600_000);
    expect(v1!.all).toEqual({ tp: 1, fp: 1, tn: 0, fn: 1 });
    expect(v1!.recent).toEqual([
      { start: 3_600_000, tp: 1, fp: 0, tn: 0, fn: 0 },
      { start: 3_660_000, tp: 0, fp: 1, tn: 0, fn: 0 },
    ]);
    // The old message relabelled: its all-time count moves; its bucket, forgotten, is not brought back.
    tally.set('old', mergeVerdict(tally.get('old'), label('ham', 1))!);
    const [after] = tally.counts(3_700_000, 600_000);
    expect(after!.all).toEqual({ tp: 1, fp: 1, tn: 1, fn: 0 });
    expect(after!.recent.map((b) => b.start)).toEqual([3_600_000, 3_660_000]);
    // A relabel now moves the message into the bucket of now.
    tally.set('newer', mergeVerdict(tally.get('newer'), label('spam', 3_700_000))!);
    expect(tally.counts(3_700_000, 600_000)[0]!.recent).toEqual([
      { start: 3_600_000, tp: 1, fp: 0, tn: 0, fn: 0 },
      { start: 3_660_000, tp: 1, fp: 0, tn: 0, fn: 0 },
    ]);
  });
});

describe('figuresOf', () => {
  it('gives precision, recall, F1 and accuracy, null where a ratio has no denominator', () => {
    expect(figuresOf({ tp: 8, fp: 2, tn: 85, fn: 5 })).toEqual({
      labelled: 100,
      precision: 0.8,
      recall: 8 / 13,
      f1: 16 / 23,
      accuracy: 0.93,
    });
    expect(figuresOf(NO_COUNTS)).toEqual({ labelled: 0, precision: null, recall: null, f1: null, accuracy: null });
    expect(figuresOf({ tp: 0, fp: 0, tn: 4, fn: 0 })).toMatchObject({ precision: null, recall: null, f1: null });
  });
});
