// Drift of a model's inputs: for each statistic of a view of named statistics (v1), the population
// stability index between the training distribution, binned and counted at training time into the
// card (`trainingDistribution`, training/spamtrain/distribution.py), and live values binned by the
// same rule. Pure functions; edge/drift-monitor.ts keeps the live window (docs/adr/0015-drift-at-the-edge.md).
import type { ModelCard } from './card.ts';

/** One statistic's training bins: `counts[i]` rows fell in bin i (edges.length + 1 bins). */
export interface FieldBins {
  readonly name: string;
  /** Ascending, distinct; a value x is in bin i when edges[i-1] < x <= edges[i]. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** A view's training distribution as the card holds it. */
export interface TrainingDistribution {
  readonly view: string;
  readonly version: number;
  /** Training rows counted. */
  readonly rows: number;
  readonly fields: readonly FieldBins[];
}

/**
 * PSI bands, the usual ones: below 0.1 the distribution is stable, from 0.1 a moderate shift worth
 * a look, from 0.25 a major shift, which the edge logs (once per crossing, edge/drift-alarm.ts).
 */
export const PSI_MODERATE = 0.1;
export const PSI_MAJOR = 0.25;
export type DriftBand = 'stable' | 'moderate' | 'major';

/**
 * Added to every bin's count of both distributions before proportions are taken, so a bin empty on
 * one side (a value never seen in training, a window that has none yet) gives a large, finite term
 * instead of an infinite one.
 */
export const BIN_SMOOTHING = 0.5;

/**
 * The bin of `value`: the first i with value <= edges[i], else edges.length — numpy's
 * searchsorted(edges, value, side="left"), which training counted with.
 */
export function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= edges[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The population stability index of `actual` counts against `expected` counts over the same bins:
 * Σ (a − e) · ln(a / e) over the bins' proportions, each count smoothed by BIN_SMOOTHING. 0 when the
 * proportions agree; it grows with the shift and is symmetric in its two arguments.
 */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  if (expected.length !== actual.length)
    throw new RangeError(`bins differ: ${expected.length} expected, ${actual.length} actual`);
  const proportions = (counts: ArrayLike<number>) => {
    const total = Array.from(counts).reduce((sum, count) => sum + count, 0) + BIN_SMOOTHING * counts.length;
    return Array.from(counts, (count) => (count + BIN_SMOOTHING) / total);
  };
  const e = proportions(expected);
  const a = proportions(actual);
  let sum = 0;
  for (let i = 0; i < e.length; i++) sum += (a[i]! - e[i]!) * Math.log(a[i]! / e[i]!);
  return sum;
}

export function bandOf(value: number): DriftBand {
  return value >= PSI_MAJOR ? 'major' : value >= PSI_MODERATE ? 'moderate' : 'stable';
}

/** The card's training distribution of `view` at the version the model reads (cards from before it have none). */
export function trainingDistributionOf(card: ModelCard, view: string): TrainingDistribution | undefined {
  return card.trainingDistribution?.find(
    (d) => d.view === view && card.views.some((v) => v.id === view && v.version === d.version),
  );
}
