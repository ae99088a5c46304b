import { describe, expect, it } from 'vitest';
import type { QualityCounts } from '../schemas/index.ts';
import { createQualityTracker } from './quality-board.ts';

const NOW = 10 * 3_600_000;

const counts = (partition: number, over: Partial<QualityCounts> = {}): QualityCounts => ({
  partition,
  partitions: 3,
  labelled: 4,
  bucket_ms: 60_000,
  updated_at: NOW - 1_000,
  versions: [
    {
      model_version: 'v1',
      tp: 2,
      fp: 1,
      tn: 1,
      fn: 0,
      recent: [
        { start: NOW - 7_200_000, tp: 1, fp: 0, tn: 0, fn: 0 },
        { start: NOW - 60_000, tp: 1, fp: 1, tn: 0, fn: 0 },
      ],
    },
  ],
  ...over,
});

describe('quality tracker', () => {
  it("adds up the newest record of every partition, and the recent window's buckets at the time it is asked", () => {
    const tracker = createQualityTracker({ windowMs: 3_600_000, bucketMs: 60_000, now: () => NOW });
    tracker.update('0', counts(0, { labelled: 1, versions: [] }));
    tracker.update('1', counts(1));
    tracker.update('2', counts(2));
    tracker.update('2', counts(2, { updated_at: NOW }));
    const snapshot = tracker.snapshot();
    expect(snapshot).toMatchObject({ labelled: 9, windowMs: 3_600_000, bucketMs: 60_000, updatedAt: NOW });
    const [v1] = snapshot.versions;
    expect(v1).toMatchObject({
      modelVersion: 'v1',
      all: { tp: 4, fp: 2, tn: 2, fn: 0, labelled: 8, precision: 4 / 6, recall: 1, accuracy: 0.75 },
      // The bucket two hours old is out of the window.
      recent: { tp: 2, fp: 2, tn: 0, fn: 0, labelled: 4, precision: 0.5, recall: 1 },
    });
    expect(v1!.series).toEqual([
      expect.objectContaining({ start: NOW - 60_000, tp: 2, fp: 2, tn: 0, fn: 0, f1: 2 / 3 }),
    ]);
  });

  it('counts no partition past those the newest record names, and forgets a tombstoned one', () => {
    const tracker = createQualityTracker({ windowMs: 3_600_000, bucketMs: 60_000, now: () => NOW });
    tracker.update('5', counts(5, { partitions: 6, updated_at: 1 }));
    tracker.update('0', counts(0));
    expect(tracker.snapshot().versions[0]!.all.tp).toBe(2);
    tracker.update('0', null);
    expect(tracker.snapshot()).toMatchObject({ labelled: 4, versions: [{ all: { tp: 2 } }] });
  });

  it('tells nothing before any record', () => {
    const tracker = createQualityTracker({ windowMs: 60_000, bucketMs: 60_000, now: () => NOW });
    expect(tracker.snapshot()).toEqual({
      labelled: 0,
      windowMs: 60_000,
      bucketMs: 60_000,
      updatedAt: null,
      asOf: NOW,
      versions: [],
    });
  });
});
