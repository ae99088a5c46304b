// Figures beside their ceiling on a shared machine: absolute rates drift 2–3× within minutes, so
// the loads run interleaved — round after round, each load in turn — and each round gives a ratio.
import { type LoadResult, closedLoop, openLoop } from './support.ts';

/** One request or read; resolves true on success. */
export type Call = (i: number) => Promise<boolean>;

export interface RoundOptions {
  readonly rounds: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly rate: number;
  readonly rateSeconds: number;
}

/** Called before each load; what it returns is called with the load's result. */
export type Watch = (name: string, kind: 'closed' | 'atRate') => (result: LoadResult) => void;

export interface Round<C extends string, R extends string> {
  readonly closed: Record<C, LoadResult>;
  readonly atRate: Record<R, LoadResult>;
}

/**
 * `rounds` rounds of: every `closed` call in a closed loop of `concurrency` callers, one after the
 * other, then every `atRate` call in an open loop at `rate`. Each call is warmed up first (JIT,
 * prepared statements, keep-alive sockets) for a second.
 */
export async function interleavedRounds<C extends string, R extends string>(
  closed: Record<C, Call>,
  atRate: Record<R, Call>,
  options: RoundOptions,
  onRound: (round: Round<C, R>, index: number) => void = () => {},
  watch: Watch = () => () => {},
): Promise<Round<C, R>[]> {
  const { concurrency, seconds, rate, rateSeconds } = options;
  for (const call of [...Object.values<Call>(closed), ...Object.values<Call>(atRate)])
    await closedLoop({ concurrency, seconds: 1 }, call);
  const rounds: Round<C, R>[] = [];
  for (let index = 0; index < options.rounds; index++) {
    const round = { closed: {} as Record<C, LoadResult>, atRate: {} as Record<R, LoadResult> };
    for (const [name, call] of Object.entries<Call>(closed)) {
      const done = watch(name, 'closed');
      round.closed[name as C] = await closedLoop({ concurrency, seconds }, call);
      done(round.closed[name as C]);
    }
    for (const [name, call] of Object.entries<Call>(atRate)) {
      const done = watch(name, 'atRate');
      round.atRate[name as R] = await openLoop({ rate, seconds: rateSeconds }, call);
      done(round.atRate[name as R]);
    }
    rounds.push(round);
    onRound(round, index);
  }
  return rounds;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Each figure's median over the rounds (figure by figure, so not any one round's result); errors summed. */
export function medianResult(results: readonly LoadResult[]): LoadResult {
  const of = (pick: (r: LoadResult) => number) => median(results.map(pick));
  return {
    count: of((r) => r.count),
    perSecond: of((r) => r.perSecond),
    p50: of((r) => r.p50),
    p99: of((r) => r.p99),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
