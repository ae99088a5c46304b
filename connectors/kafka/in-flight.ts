// Bookkeeping for a source's emitted-but-unfinished records: a bound on how many may be open at
// once (backpressure), and per partition the offset that is safe to commit.
//
// Each assignment of a partition is a new generation: records emitted under an older one (a
// partition revoked, or handed back after a failed transaction) are forgotten at once — their
// slots freed — and their late acknowledgements commit nothing.
import type { Origin } from '../../core/envelope.ts';
import { SpamstreamError } from '../../core/errors.ts';
import type { CommitOffset, TopicPartition } from '../kafka.ts';

interface PartitionState {
  readonly generation: number;
  /** Offsets emitted and not yet committed, in emission (= offset) order. */
  readonly open: bigint[];
  readonly done: Set<bigint>;
  /** Settled whenever this partition has nothing open. */
  readonly drainWaiters: (() => void)[];
  /** The last offset fetched so far, data or not (transaction markers take offsets too). */
  fetchedTo?: bigint;
  /** The offset the broker last accepted as committed. */
  committed?: bigint;
}

export class InFlight {
  readonly limit: number;
  #count = 0;
  #roomWaiters: (() => void)[] = [];
  readonly #partitions = new Map<string, PartitionState>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get count(): number {
    return this.#count;
  }

  /** Takes a slot for one more record, if one is free. */
  tryReserve(): boolean {
    if (this.#count >= this.limit) return false;
    this.#count += 1;
    return true;
  }

  /** Resolves once a slot is free (without taking it). */
  room(): Promise<void> {
    if (this.#count < this.limit) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Waits for a slot and takes it. */
  async reserve(): Promise<void> {
    while (!this.tryReserve()) await this.room();
  }

  /** Gives back a slot taken by `tryReserve` that no record filled. */
  unreserve(): void {
    this.#release(1);
  }

  /** The generation the partition is read under now (0 before its first assignment). */
  generation(tp: TopicPartition): number {
    return this.#partitions.get(key(tp))?.generation ?? 0;
  }

  /**
   * Starts a new generation of the partition: whatever is still open from the previous one is
   * forgotten (its slots freed, its drain waiters woken), and the commit position is `committed`.
   */
  assign(tp: TopicPartition, committed?: string): number {
    const generation = this.generation(tp) + 1;
    this.forget(tp);
    this.#partitions.set(key(tp), {
      generation,
      open: [],
      done: new Set(),
      drainWaiters: [],
      committed: committed === undefined ? undefined : BigInt(committed),
    });
    return generation;
  }

  /** Forgets the partition's open records: their slots are freed, and nothing of them is committed. */
  forget(tp: TopicPartition): void {
    const state = this.#partitions.get(key(tp));
    if (!state) return;
    this.#release(state.open.length - state.done.size);
    this.#partitions.set(key(tp), { generation: state.generation + 1, open: [], done: new Set(), drainWaiters: [] });
    for (const wake of state.drainWaiters) wake();
  }

  /**
   * Records that the partition was read up to `lastOffset`, which may lie past the last record
   * emitted: transaction markers hold offsets no consumer sees. Once everything emitted is done,
   * the commit moves past them, so a caught-up group shows no lag.
   */
  fetched(tp: TopicPartition, lastOffset: string): void {
    const state = this.#state(tp);
    const offset = BigInt(lastOffset);
    if (state.fetchedTo === undefined || offset > state.fetchedTo) state.fetchedTo = offset;
  }

  /** Records that a reserved slot now holds the record at `origin`; returns the origin stamped with its generation. */
  emitted(origin: Origin): Origin {
    const state = this.#state(origin);
    state.open.push(BigInt(origin.offset));
    return { ...origin, generation: state.generation };
  }

  /**
   * Marks records done (at-least-once: their offsets become committable once every earlier one is
   * done too). Unknown, repeated and earlier-generation origins are ignored.
   */
  done(origins: readonly Origin[]): void {
    for (const origin of origins) {
      const state = this.#current(origin);
      const offset = BigInt(origin.offset);
      if (!state || state.done.has(offset) || !sortedHas(state.open, offset)) continue;
      state.done.add(offset);
      this.#release(1);
      this.#wakeIfDrained(state);
    }
  }

  /**
   * The offset to commit for a partition: one past the highest offset below which every emitted
   * record is done — or past the end of what was fetched, when all of it is done — if that is
   * beyond what the broker last accepted. It marks nothing: call `committed` once the broker
   * accepted the commit, so a failed commit is tried again.
   */
  committable(tp: TopicPartition): string | undefined {
    const state = this.#partitions.get(key(tp));
    if (!state) return undefined;
    let next: bigint | undefined;
    for (const offset of state.open) {
      if (!state.done.has(offset)) break;
      next = offset + 1n;
    }
    const allDone = state.open.every((offset) => state.done.has(offset));
    if (allDone && state.fetchedTo !== undefined && (next === undefined || state.fetchedTo + 1n > next))
      next = state.fetchedTo + 1n;
    if (next === undefined || (state.committed !== undefined && next <= state.committed)) return undefined;
    return next.toString();
  }

  /** Records that the broker accepted `offset` as the partition's commit: forgets the done records below it. */
  committed(tp: TopicPartition, offset: string): void {
    const state = this.#partitions.get(key(tp));
    if (!state) return;
    const next = BigInt(offset);
    while (state.open.length > 0 && state.open[0]! < next && state.done.has(state.open[0]!))
      state.done.delete(state.open.shift()!);
    if (state.committed === undefined || next > state.committed) state.committed = next;
  }

  /**
   * Finishes records through a transactional sink. `origins` must be, per partition, the next
   * records not yet finished, in order — a contiguous run — so the offset committed with their
   * outputs (one past the run) covers exactly them. `commit` gets those offsets; only once it
   * resolved are the records marked done and the offsets committed. If a partition was reassigned
   * since the records were read, nothing is committed and it rejects with REVOKED.
   */
  async finishInTransaction(
    origins: readonly Origin[],
    commit: (offsets: readonly CommitOffset[]) => Promise<void>,
  ): Promise<void> {
    const offsets: CommitOffset[] = [];
    const states: PartitionState[] = [];
    for (const [k, run] of groupByPartition(origins)) {
      const state = this.#current(run[0]!);
      if (!state) throw new SpamstreamError('REVOKED', `${k} was reassigned since these records were read`);
      const pending = state.open.filter((offset) => !state.done.has(offset));
      const contiguous = run.every((origin, i) => pending[i] === BigInt(origin.offset));
      if (!contiguous)
        throw new Error(
          `${k}: offsets ${run.map((o) => o.offset).join(',')} are not the next unfinished run (${pending.slice(0, run.length).join(',')})`,
        );
      let next = BigInt(run.at(-1)!.offset) + 1n;
      // The run ends what was read: move past transaction markers too, in the same transaction.
      if (run.length === pending.length && state.fetchedTo !== undefined && state.fetchedTo + 1n > next)
        next = state.fetchedTo + 1n;
      offsets.push({ topic: run[0]!.topic, partition: run[0]!.partition, offset: next.toString() });
      states.push(state);
    }
    await commit(offsets);
    // A partition forgotten meanwhile has a new state object: `done` ignores its origins, and its
    // commit position is the new owner's business.
    this.done(origins);
    offsets.forEach((offset, i) => {
      if (this.#partitions.get(key(offset)) === states[i]) this.committed(offset, offset.offset);
    });
  }

  /** The offset the broker last accepted as the partition's commit, as far as this source knows. */
  committedOffset(tp: TopicPartition): bigint | undefined {
    return this.#partitions.get(key(tp))?.committed;
  }

  /** The lowest offset emitted and not yet committed, if any. */
  firstOpen(tp: TopicPartition): string | undefined {
    return this.#partitions.get(key(tp))?.open[0]?.toString();
  }

  /** Resolves once every record emitted from the partition is done (or forgotten). */
  drained(tp: TopicPartition): Promise<void> {
    const state = this.#state(tp);
    if (state.done.size === state.open.length) return Promise.resolve();
    return new Promise((resolve) => state.drainWaiters.push(resolve));
  }

  /** Every partition this source has read. */
  partitions(): TopicPartition[] {
    return [...this.#partitions.keys()].map(parseKey);
  }

  #release(slots: number): void {
    this.#count -= slots;
    for (let i = 0; i < slots; i += 1) this.#roomWaiters.shift()?.();
  }

  #wakeIfDrained(state: PartitionState): void {
    if (state.done.size === state.open.length) for (const wake of state.drainWaiters.splice(0)) wake();
  }

  /** The partition's state, if `origin` belongs to its current generation (an origin without one always does). */
  #current(origin: TopicPartition & { readonly generation?: number }): PartitionState | undefined {
    const state = this.#partitions.get(key(origin));
    if (!state || (origin.generation !== undefined && origin.generation !== state.generation)) return undefined;
    return state;
  }

  #state(tp: TopicPartition): PartitionState {
    const k = key(tp);
    let state = this.#partitions.get(k);
    if (!state) this.#partitions.set(k, (state = { generation: 1, open: [], done: new Set(), drainWaiters: [] }));
    return state;
  }
}

function groupByPartition(origins: readonly Origin[]): Map<string, Origin[]> {
  const runs = new Map<string, Origin[]>();
  for (const origin of origins) {
    const run = runs.get(key(origin));
    if (run) run.push(origin);
    else runs.set(key(origin), [origin]);
  }
  return runs;
}

/** Whether ascending `offsets` hold `offset`: a binary search, as a batch's acknowledgements each look one up. */
function sortedHas(offsets: readonly bigint[], offset: bigint): boolean {
  let low = 0;
  let high = offsets.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = offsets[middle]!;
    if (found === offset) return true;
    if (found < offset) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

const key = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;

function parseKey(k: string): TopicPartition {
  const at = k.lastIndexOf(':');
  return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)) };
}
