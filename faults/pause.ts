// How long the flow of predictions stopped around a fault: pure, so the rule is unit-tested.

export interface Pause {
  /** The longest stretch without a new prediction, in seconds. */
  readonly seconds: number;
  /** When it began (the last prediction before it), epoch ms. */
  readonly from: number;
}

/**
 * The longest gap between consecutive predictions (their `scored_at`) among the gaps that end after
 * `after` (the fault) and begin before `before` (the scenario's end of interest). With no prediction
 * after `after`, the gap runs from the last one before it to `before`.
 */
export function longestPause(scoredAt: readonly number[], after: number, before = Number.POSITIVE_INFINITY): Pause {
  const times = [...scoredAt].sort((a, b) => a - b);
  let longest: Pause = { seconds: 0, from: after };
  const consider = (from: number, to: number) => {
    if (to > after && from < before && (to - from) / 1000 > longest.seconds)
      longest = { seconds: (to - from) / 1000, from };
  };
  for (let i = 1; i < times.length; i += 1) consider(times[i - 1]!, times[i]!);
  const last = times.at(-1);
  if (last === undefined || last <= after)
    consider(last ?? after, before === Number.POSITIVE_INFINITY ? after : before);
  return { seconds: Math.round(longest.seconds * 10) / 10, from: longest.from };
}
