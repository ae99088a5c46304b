// The quality processor's state, as pure data and functions. Per labelled message: its latest label
// and each model version's latest prediction, merged latest-wins, so merging is idempotent and
// order-independent: the same verdicts in any order, any number of times, give the same state. The
// counts of a partition are a function of its messages' states (each message adds one outcome per
// version it has a prediction of), kept up to date by the difference a change makes: a relabel
// moves a count, a verdict merged again changes nothing. Messages without a label are not kept:
// their predictions wait in the online store until a label comes (docs/adr/0016-quality-state.md).
import { type Confusion, NO_COUNTS, type Outcome, outcomeOf } from '../core/confusion.ts';
import { type SpamLabel, laterLabel } from '../core/message-rules.ts';

export interface UserLabel {
  readonly label: SpamLabel;
  /** When the user gave it, epoch ms: the latest given wins. */
  readonly labelledAt: number;
}

export interface Predicted {
  readonly label: SpamLabel;
  /** The message's event time, then the time it was scored: the online store's order of predictions. */
  readonly eventTime: number;
  readonly scoredAt: number;
}

export interface MessageState {
  readonly label: UserLabel;
  /** Model version → its latest prediction. */
  readonly predictions: ReadonlyMap<string, Predicted>;
}

export type Verdict =
  | { readonly kind: 'label'; readonly label: UserLabel }
  | { readonly kind: 'prediction'; readonly version: string; readonly prediction: Predicted };

const laterPrediction = (a: Predicted, b: Predicted): Predicted => {
  const newer =
    b.eventTime !== a.eventTime
      ? b.eventTime > a.eventTime
      : b.scoredAt !== a.scoredAt
        ? b.scoredAt > a.scoredAt
        : b.label > a.label;
  return newer ? b : a;
};

/**
 * The state after a verdict: the latest label and the latest prediction per version win. A
 * prediction of a message without a label leaves it unkept (undefined). Returns `state` itself when
 * nothing changed.
 */
export function mergeVerdict(state: MessageState | undefined, verdict: Verdict): MessageState | undefined {
  if (verdict.kind === 'label') {
    if (!state) return { label: verdict.label, predictions: new Map() };
    const label = laterLabel(state.label, verdict.label);
    return label === state.label ? state : { ...state, label };
  }
  if (!state) return undefined;
  const known = state.predictions.get(verdict.version);
  const prediction = known ? laterPrediction(known, verdict.prediction) : verdict.prediction;
  if (prediction === known) return state;
  return { ...state, predictions: new Map(state.predictions).set(verdict.version, prediction) };
}

/** A label merged with the predictions the online store holds of its message (fetched when it was first labelled). */
export function mergeLabelled(
  state: MessageState | undefined,
  label: UserLabel,
  stored: Iterable<readonly [string, Predicted]>,
): MessageState {
  let next = mergeVerdict(state, { kind: 'label', label })!;
  for (const [version, prediction] of stored) next = mergeVerdict(next, { kind: 'prediction', version, prediction })!;
  return next;
}

/** What a message adds to the counts: per version it has a prediction of, an outcome, in the bucket of its label's time. */
export interface Contribution {
  readonly version: string;
  readonly outcome: Outcome;
  /** Start of the bucket (epoch ms) the label's time falls in. */
  readonly bucket: number;
}

export function contributions(state: MessageState | undefined, bucketMs: number): Contribution[] {
  if (!state) return [];
  const bucket = Math.floor(state.label.labelledAt / bucketMs) * bucketMs;
  return [...state.predictions].map(([version, predicted]) => ({
    version,
    outcome: outcomeOf(state.label.label, predicted.label),
    bucket,
  }));
}

type Counts = { -readonly [K in keyof Confusion]: number };

interface VersionTally {
  readonly all: Counts;
  /** Bucket start → counts of the messages whose label was given in it; empty buckets are dropped. */
  readonly buckets: Map<number, Counts>;
}

/** A version's counts as the quality processor writes them. */
export interface VersionCountsView {
  readonly version: string;
  readonly all: Confusion;
  /** The buckets of the recent window that hold something, oldest first. */
  readonly recent: readonly ({ readonly start: number } & Confusion)[];
}

/**
 * The labelled messages of one partition and the counts of every version over them. `set` is the one
 * way a message's state changes, and it moves the counts by the difference: so the counts are always
 * those a count from scratch over the states would give.
 */
export class PartitionTally {
  readonly #bucketMs: number;
  readonly #messages = new Map<string, MessageState>();
  readonly #versions = new Map<string, VersionTally>();

  constructor(bucketMs: number) {
    this.#bucketMs = bucketMs;
  }

  get labelled(): number {
    return this.#messages.size;
  }

  get(smsId: string): MessageState | undefined {
    return this.#messages.get(smsId);
  }

  /** Sets the message's state; returns whether any count changed, or the message is newly labelled. */
  set(smsId: string, next: MessageState): boolean {
    const before = this.#messages.get(smsId);
    if (before === next) return false;
    this.#messages.set(smsId, next);
    const removed = contributions(before, this.#bucketMs);
    const added = contributions(next, this.#bucketMs);
    const same = (a: Contribution, b: Contribution) =>
      a.version === b.version && a.outcome === b.outcome && a.bucket === b.bucket;
    const gone = removed.filter((r) => !added.some((a) => same(a, r)));
    const fresh = added.filter((a) => !removed.some((r) => same(a, r)));
    for (const c of gone) this.#count(c, -1);
    for (const c of fresh) this.#count(c, 1);
    return before === undefined || gone.length + fresh.length > 0;
  }

  /**
   * Every version's counts, with the buckets of the window ending at `now` (those overlapping it).
   * Older buckets are forgotten: a count that would move out of one later finds nothing to move.
   */
  counts(now: number, windowMs: number): VersionCountsView[] {
    const from = now - windowMs - this.#bucketMs;
    const versions: VersionCountsView[] = [];
    for (const [version, tally] of [...this.#versions].sort(([a], [b]) => a.localeCompare(b))) {
      for (const start of tally.buckets.keys()) if (start <= from) tally.buckets.delete(start);
      const recent = [...tally.buckets].sort(([a], [b]) => a - b).map(([start, counts]) => ({ start, ...counts }));
      versions.push({ version, all: { ...tally.all }, recent });
    }
    return versions;
  }

  #count(c: Contribution, by: 1 | -1): void {
    let tally = this.#versions.get(c.version);
    if (!tally) this.#versions.set(c.version, (tally = { all: { ...NO_COUNTS }, buckets: new Map() }));
    tally.all[c.outcome] += by;
    const bucket = tally.buckets.get(c.bucket);
    if (bucket) {
      bucket[c.outcome] += by;
      if (bucket.tp + bucket.fp + bucket.tn + bucket.fn === 0) tally.buckets.delete(c.bucket);
    } else if (by > 0) {
      tally.buckets.set(c.bucket, { ...NO_COUNTS, [c.outcome]: 1 });
    }
  }
}
