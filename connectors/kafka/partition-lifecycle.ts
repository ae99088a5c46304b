// The life of a Kafka source and of each partition it is given, as a pure state machine: the
// kafkajs adapter (source.ts) reports what happened, and asks the state what to do next. When in
// doubt a partition is claimed again: a claim fences earlier writers and answers the committed
// offset, so claiming too often costs a round trip, claiming too seldom could duplicate.
//
//   assigned ──batch──► claiming ──claimed──► reading ──drain──► draining ──committed──► reading
//                          ▲                                            │ drain timed out
//                          └───── batch, from any phase but reading ─── revoked
//   joined: each partition of the new assignment ► assigned, the others are released (forgotten)
//   handed back (one): ► assigned

export type Phase = 'assigned' | 'claiming' | 'reading' | 'draining' | 'revoked';

/** running → finishing (a bounded source reached its ends) → closing; or running → closing. */
export type Mode = 'running' | 'finishing' | 'closing';

export interface SourceLife {
  readonly mode: Mode;
  /** `topic:partition` → its phase, for the partitions held now. A partition never seen is `assigned`. */
  readonly partitions: ReadonlyMap<string, Phase>;
}

export type SourceEvent =
  /**
   * The consumer (re)joined its group and was given `assigned` (`topic:partition` keys): each must
   * be claimed again; what it held before and was not given again belongs to another member now.
   */
  | { readonly type: 'joined'; readonly assigned: readonly string[] }
  /** A fetched batch of the partition is about to be handled. */
  | { readonly type: 'batch'; readonly partition: string }
  /** The claim answered: earlier writers are fenced and the committed offset is known. */
  | { readonly type: 'claimed'; readonly partition: string }
  /** The batch is emitted: wait for its records to be acknowledged, then commit. */
  | { readonly type: 'drain'; readonly partition: string }
  /** Drained and committed: the next batch is read under the same claim. */
  | { readonly type: 'committed'; readonly partition: string }
  /** It did not drain in time while leaving: its open records are forgotten, the next owner reads them. */
  | { readonly type: 'drain-timed-out'; readonly partition: string }
  /** A transaction of it was refused: forget its open records, claim it again, read from its commit. */
  | { readonly type: 'handed-back'; readonly partition: string }
  | { readonly type: 'finishing' }
  | { readonly type: 'closing' };

export const initialLife: SourceLife = { mode: 'running', partitions: new Map() };

export function phaseOf(life: SourceLife, partition: string): Phase {
  return life.partitions.get(partition) ?? 'assigned';
}

/** Whether a batch of the partition must first be claimed (what the `batch` event led to). */
export const mustClaim = (life: SourceLife, partition: string): boolean => phaseOf(life, partition) === 'claiming';

/** The partitions `before` held that `after` does not: a rejoin gave them to other members. */
export const released = (before: SourceLife, after: SourceLife): string[] =>
  [...before.partitions.keys()].filter((partition) => !after.partitions.has(partition));

/** Whether the source still emits records. */
export const running = (life: SourceLife): boolean => life.mode === 'running';

const PARTITION: Record<Exclude<SourceEvent['type'], 'joined' | 'finishing' | 'closing'>, (from: Phase) => Phase> = {
  // Kafka hands a partition its next batch only once the last one is committed; from any other phase
  // something failed on the way (a claim, a commit), so it is claimed again.
  batch: (from) => (from === 'reading' ? 'reading' : 'claiming'),
  claimed: (from) => (from === 'claiming' ? 'reading' : from),
  drain: (from) => (from === 'reading' ? 'draining' : from),
  committed: (from) => (from === 'draining' ? 'reading' : from),
  'drain-timed-out': () => 'revoked',
  'handed-back': () => 'assigned',
};

export function next(life: SourceLife, event: SourceEvent): SourceLife {
  switch (event.type) {
    case 'joined':
      return { ...life, partitions: new Map(event.assigned.map((key) => [key, 'assigned'])) };
    case 'finishing':
      return life.mode === 'running' ? { ...life, mode: 'finishing' } : life;
    case 'closing':
      return { ...life, mode: 'closing' };
    default: {
      const partitions = new Map(life.partitions);
      partitions.set(event.partition, PARTITION[event.type](phaseOf(life, event.partition)));
      return { ...life, partitions };
    }
  }
}
