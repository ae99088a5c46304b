// Bookkeeping for a source's emitted-but-unfinished records: a bound on how many may be open at
// once (backpressure), and per partition the offset that is safe to commit.
import type { Origin } from '../../core/envelope.ts';
import type { CommitOffset } from '../kafka.ts';

interface PartitionState {
  /** Offsets emitted and not yet committed, in emission (= offset) order. */
  readonly open: bigint[];
  readonly done: Set<bigint>;
  /** Settled whenever this partition has nothing open. */
  drainWaiters: (() => void)[];
  /** The last offset fetched so far, data or not (transaction markers take offsets too). */
  fetchedTo?: bigint;
  /** The offset last handed out for commit. */
  committed?: bigint;
}

export class InFlight {
  readonly limit: number;
  #count = 0;
  #capacityWaiters: (() => void)[] = [];
  readonly #partitions = new Map<string, PartitionState>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get count(): number {
    return this.#count;
  }

  /** Resolves when one more record may be emitted. */
  async reserve(): Promise<void> {
    while (this.#count >= this.limit) await new Promise<void>((resolve) => this.#capacityWaiters.push(resolve));
    this.#count += 1;
  }

  /**
   * Records that the partition was read up to `lastOffset`, which may lie past the last record
   * emitted: transaction markers hold offsets no consumer sees. Once everything emitted is done,
   * the commit moves past them, so a caught-up group shows no lag.
   */
  fetched(topic: string, partition: number, lastOffset: string): void {
    const state = this.#state(topic, partition);
    const offset = BigInt(lastOffset);
    if (state.fetchedTo === undefined || offset > state.fetchedTo) state.fetchedTo = offset;
  }

  /** Records that a reserved slot now holds the record at `origin`. */
  emitted(origin: Origin): void {
    this.#state(origin.topic, origin.partition).open.push(BigInt(origin.offset));
  }

  /** Marks records done; unknown or repeated origins are ignored (acknowledging twice is harmless). */
  done(origins: readonly Origin[]): void {
    for (const origin of origins) {
      const state = this.#partitions.get(key(origin.topic, origin.partition));
      const offset = BigInt(origin.offset);
      if (!state || state.done.has(offset) || !state.open.includes(offset)) continue;
      state.done.add(offset);
      this.#count -= 1;
      this.#capacityWaiters.shift()?.();
      if (state.done.size === state.open.length) for (const wake of state.drainWaiters.splice(0)) wake();
    }
  }

  /**
   * The offset to commit for a partition — one past the highest offset below which every
   * emitted record is done — and forgets those records. Undefined when nothing new is committable.
   */
  takeCommittable(topic: string, partition: number): string | undefined {
    const state = this.#partitions.get(key(topic, partition));
    if (!state) return undefined;
    let next: bigint | undefined;
    while (state.open.length > 0 && state.done.has(state.open[0]!)) {
      const offset = state.open.shift()!;
      state.done.delete(offset);
      next = offset + 1n;
    }
    if (state.open.length === 0 && state.fetchedTo !== undefined) next = state.fetchedTo + 1n;
    if (next === undefined || (state.committed !== undefined && next <= state.committed)) return undefined;
    state.committed = next;
    return next.toString();
  }

  /**
   * The offsets that would become committable if `origins` were done, without marking them: what a
   * transactional sink commits together with the records it writes for them.
   */
  committableAfter(origins: readonly Origin[]): CommitOffset[] {
    const out: CommitOffset[] = [];
    const touched = new Set(origins.map((origin) => key(origin.topic, origin.partition)));
    for (const k of touched) {
      const state = this.#partitions.get(k);
      if (!state) continue;
      const finishing = new Set(origins.filter((o) => key(o.topic, o.partition) === k).map((o) => BigInt(o.offset)));
      let last: bigint | undefined;
      for (const offset of state.open) {
        if (!state.done.has(offset) && !finishing.has(offset)) break;
        last = offset;
      }
      if (last !== undefined) {
        const at = k.lastIndexOf(':');
        out.push({ topic: k.slice(0, at), partition: Number(k.slice(at + 1)), offset: (last + 1n).toString() });
      }
    }
    return out;
  }

  /** Records that `offset` was committed elsewhere (inside a transaction): forgets the done records below it. */
  markCommitted(topic: string, partition: number, offset: string): void {
    const state = this.#state(topic, partition);
    const next = BigInt(offset);
    while (state.open.length > 0 && state.open[0]! < next && state.done.has(state.open[0]!)) state.done.delete(state.open.shift()!);
    if (state.committed === undefined || next > state.committed) state.committed = next;
  }

  /**
   * Finishes records through a transactional sink: hands it the offsets they make committable,
   * and marks them done (and those offsets committed) only once it has committed them.
   */
  async finishInTransaction(origins: readonly Origin[], commit: (offsets: readonly CommitOffset[]) => Promise<void>): Promise<void> {
    const offsets = this.committableAfter(origins);
    await commit(offsets);
    this.done(origins);
    // What is left — offsets of transaction markers — the consumer commits at the end of the batch.
    for (const offset of offsets) this.markCommitted(offset.topic, offset.partition, offset.offset);
  }

  /** Resolves once every record emitted from the partition is done. */
  drained(topic: string, partition: number): Promise<void> {
    const state = this.#state(topic, partition);
    if (state.done.size === state.open.length) return Promise.resolve();
    return new Promise((resolve) => state.drainWaiters.push(resolve));
  }

  /** Every partition with records emitted and not yet committed. */
  partitions(): { topic: string; partition: number }[] {
    return [...this.#partitions.keys()].map((k) => {
      const at = k.lastIndexOf(':');
      return { topic: k.slice(0, at), partition: Number(k.slice(at + 1)) };
    });
  }

  #state(topic: string, partition: number): PartitionState {
    const k = key(topic, partition);
    let state = this.#partitions.get(k);
    if (!state) this.#partitions.set(k, (state = { open: [], done: new Set(), drainWaiters: [] }));
    return state;
  }
}

const key = (topic: string, partition: number) => `${topic}:${partition}`;
