// Writes started together go out as unlogged batches (see below).
import { perTurn } from './coalesced.ts';

/** One upsert: its CQL, its bind values, and the bytes of data it carries (for the batch limit). */
export interface Statement {
  readonly query: string;
  readonly params: unknown[];
  readonly bytes: number;
}

/** The two calls of cassandra-driver's Client used here. */
export interface StatementRunner {
  execute(query: string, params: unknown[], options: { prepare: boolean; isIdempotent: boolean }): Promise<unknown>;
  batch(
    queries: { query: string; params: unknown[] }[],
    options: { prepare: boolean; logged: boolean; isIdempotent: boolean },
  ): Promise<unknown>;
}

/**
 * Every write here is an idempotent upsert (its timestamp is its event time), and says so: the driver
 * then sends it to the next replica when its coordinator dies mid-request (a node of the cluster
 * killed), where it would otherwise fail a request it could have finished.
 */
const WRITE_OPTIONS = { prepare: true, isIdempotent: true } as const;

export interface BatchLimits {
  /** Most data bytes in one batch: Cassandra logs a WARN for every batch over 5 KiB (its default). */
  readonly maxBytes: number;
  /** Most statements in one batch: Cassandra warns of unlogged batches over 10 partitions. */
  readonly maxStatements: number;
}

/**
 * Writes statements. Those of the calls made during one turn of the event loop go out together, in
 * the next check phase, as unlogged batches within `limits` (a lone statement as itself), which
 * costs Cassandra far less CPU a message than a request a row (docs/adr/0003-unlogged-batches.md). An unlogged batch is not atomic, which the
 * online store does not need: its writes are idempotent upserts. A batch that fails is written
 * again statement by statement, so each caller gets the outcome of its own statements: a row
 * Cassandra refuses fails alone, and in an outage every caller gets the driver's error.
 * Resolves once every statement of the call is written.
 */
export function batchedWrites(
  runner: StatementRunner,
  limits: BatchLimits,
): (statements: readonly Statement[]) => Promise<void> {
  const enqueue = perTurn<Write>((writes) => {
    for (const group of pack(writes, limits)) void send(runner, group);
  });
  return (statements) =>
    Promise.all(
      statements.map((statement) => new Promise<void>((done, fail) => enqueue({ statement, done, fail }))),
    ).then(() => undefined);
}

interface Write {
  readonly statement: Statement;
  readonly done: () => void;
  readonly fail: (error: unknown) => void;
}

/** Consecutive writes grouped greedily: a group ends before the write that would break a limit. */
export function pack<T extends { readonly statement: Statement }>(writes: readonly T[], limits: BatchLimits): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const write of writes) {
    const fits = group.length < limits.maxStatements && bytes + write.statement.bytes <= limits.maxBytes;
    if (group.length > 0 && !fits) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(write);
    bytes += write.statement.bytes;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

async function send(runner: StatementRunner, group: readonly Write[]): Promise<void> {
  if (group.length > 1) {
    try {
      const queries = group.map(({ statement }) => ({ query: statement.query, params: statement.params }));
      await runner.batch(queries, { ...WRITE_OPTIONS, logged: false });
      for (const write of group) write.done();
      return;
    } catch {
      // Written again one by one below: each caller learns what became of its own rows.
    }
  }
  await Promise.all(
    group.map(async (write) => {
      try {
        await runner.execute(write.statement.query, write.statement.params, WRITE_OPTIONS);
        write.done();
      } catch (error) {
        write.fail(error);
      }
    }),
  );
}
