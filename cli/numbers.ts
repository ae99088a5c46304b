// The one parser of the CLI's numeric options. Commander reports an InvalidArgumentError as
// "error: option '--count <n>' argument 'x' is invalid. <reason>" and exits 1, without a stack.
import { InvalidArgumentError } from 'commander';

export type NumberKind = 'positive integer' | 'positive number' | 'non-negative integer';

/** An argParser for commander: the option's text as a number of `kind`, or a clear error. */
export function numberOption(kind: NumberKind): (raw: string) => number {
  return (raw) => {
    const n = raw.trim() === '' ? Number.NaN : Number(raw);
    const fits =
      kind === 'positive number'
        ? Number.isFinite(n) && n > 0
        : Number.isSafeInteger(n) && (kind === 'non-negative integer' ? n >= 0 : n >= 1);
    if (!fits) throw new InvalidArgumentError(`expected a ${kind}, got ${JSON.stringify(raw)}.`);
    return n;
  };
}

export const positiveInt = numberOption('positive integer');
export const positiveNumber = numberOption('positive number');
export const nonNegativeInt = numberOption('non-negative integer');
