// Confusion counts of a model against users' labels, and the figures they give. Spam is the positive
// class: a true positive is a message labelled spam that the model called spam.
import type { SpamLabel } from './message-rules.ts';

export interface Confusion {
  /** Labelled spam, predicted spam. */
  readonly tp: number;
  /** Labelled ham, predicted spam. */
  readonly fp: number;
  /** Labelled ham, predicted ham. */
  readonly tn: number;
  /** Labelled spam, predicted ham. */
  readonly fn: number;
}

export type Outcome = keyof Confusion;

export const NO_COUNTS: Confusion = Object.freeze({ tp: 0, fp: 0, tn: 0, fn: 0 });

export function outcomeOf(label: SpamLabel, predicted: SpamLabel): Outcome {
  if (label === 'spam') return predicted === 'spam' ? 'tp' : 'fn';
  return predicted === 'spam' ? 'fp' : 'tn';
}

export const addCounts = (a: Confusion, b: Confusion): Confusion => ({
  tp: a.tp + b.tp,
  fp: a.fp + b.fp,
  tn: a.tn + b.tn,
  fn: a.fn + b.fn,
});

export interface Figures {
  /** Messages counted: labelled, and predicted by the model. */
  readonly labelled: number;
  /** tp / (tp + fp); null while the model called nothing spam. */
  readonly precision: number | null;
  /** tp / (tp + fn); null while no message is labelled spam. */
  readonly recall: number | null;
  /** 2 tp / (2 tp + fp + fn): the harmonic mean of precision and recall; null while both are undefined. */
  readonly f1: number | null;
  /** (tp + tn) / labelled; null while nothing is counted. */
  readonly accuracy: number | null;
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

export function figuresOf(c: Confusion): Figures {
  const labelled = c.tp + c.fp + c.tn + c.fn;
  return {
    labelled,
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
    accuracy: ratio(c.tp + c.tn, labelled),
  };
}
