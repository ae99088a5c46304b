// Live quality as the edge tells it: the newest record of each partition of sms.verdicts, read from
// sms.quality (compacted), added up. The quality processor writes each partition's counts whole, in
// the transaction that commits its input, so the sum of the newest records is the count over every
// labelled message, however many instances wrote them. The recent window is added up from the
// records' buckets at the time it is asked for.
import { type Confusion, NO_COUNTS, addCounts, type Figures, figuresOf } from '../core/confusion.ts';
import type { QualityCounts } from '../schemas/index.ts';

export type Quality = Confusion & Figures;

/** One bucket of the recent window: the messages labelled in it. */
export type QualityPoint = { readonly start: number } & Quality;

export interface VersionQuality {
  readonly modelVersion: string;
  /** Over every labelled message the version predicted. */
  readonly all: Quality;
  /** Over those labelled in the recent window. */
  readonly recent: Quality;
  /** The recent window bucket by bucket, oldest first; buckets with nothing are left out. */
  readonly series: readonly QualityPoint[];
}

export interface QualitySnapshot {
  /** Messages with a label, predicted or not. */
  readonly labelled: number;
  readonly windowMs: number;
  readonly bucketMs: number;
  /** When the newest counts were taken, epoch ms; null before any. */
  readonly updatedAt: number | null;
  /** The edge's time when it added them up: the end of the recent window. */
  readonly asOf: number;
  /** By version, in version order. */
  readonly versions: readonly VersionQuality[];
}

/** What the routes and `/metrics` read. */
export interface QualityBoard {
  snapshot(): QualitySnapshot;
}

export interface QualityTracker extends QualityBoard {
  /** The newest record of the partition keyed `key`; null (a tombstone) forgets it. */
  update(key: string, counts: QualityCounts | null): void;
}

export interface QualityTrackerOptions {
  readonly windowMs: number;
  /** The bucket width until a record tells it. */
  readonly bucketMs: number;
  readonly now?: () => number;
}

const withFigures = (counts: Confusion): Quality => ({ ...counts, ...figuresOf(counts) });

export function createQualityTracker(options: QualityTrackerOptions): QualityTracker {
  const now = options.now ?? Date.now;
  const records = new Map<string, QualityCounts>();

  /** The records to add up: one per partition of the topic as the newest record counts them. */
  const current = (): QualityCounts[] => {
    const all = [...records.values()];
    const newest = all.reduce<QualityCounts | undefined>(
      (a, b) => (!a || b.updated_at > a.updated_at ? b : a),
      undefined,
    );
    return newest ? all.filter((r) => r.partition < newest.partitions) : [];
  };

  return {
    update(key, counts) {
      if (counts === null) records.delete(key);
      else records.set(key, counts);
    },
    snapshot() {
      const counted = current();
      const bucketMs = counted[0]?.bucket_ms ?? options.bucketMs;
      const asOf = now();
      const from = asOf - options.windowMs;
      const versions = new Map<string, { all: Confusion; buckets: Map<number, Confusion> }>();
      for (const record of counted) {
        for (const v of record.versions) {
          let entry = versions.get(v.model_version);
          if (!entry) versions.set(v.model_version, (entry = { all: NO_COUNTS, buckets: new Map() }));
          entry.all = addCounts(entry.all, v);
          for (const bucket of v.recent) {
            if (bucket.start + record.bucket_ms <= from) continue;
            entry.buckets.set(bucket.start, addCounts(entry.buckets.get(bucket.start) ?? NO_COUNTS, bucket));
          }
        }
      }
      return {
        labelled: counted.reduce((sum, r) => sum + r.labelled, 0),
        windowMs: options.windowMs,
        bucketMs,
        updatedAt: counted.length > 0 ? Math.max(...counted.map((r) => r.updated_at)) : null,
        asOf,
        versions: [...versions]
          .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
          .map(([modelVersion, { all, buckets }]) => {
            const series = [...buckets].sort(([a], [b]) => a - b);
            return {
              modelVersion,
              all: withFigures(all),
              recent: withFigures(series.reduce((sum, [, c]) => addCounts(sum, c), NO_COUNTS)),
              series: series.map(([start, c]) => ({ start, ...withFigures(c) })),
            };
          }),
      };
    },
  };
}

/** A version's quality before anything was counted for it. */
export const NO_QUALITY = (modelVersion: string): VersionQuality => ({
  modelVersion,
  all: withFigures(NO_COUNTS),
  recent: withFigures(NO_COUNTS),
  series: [],
});
