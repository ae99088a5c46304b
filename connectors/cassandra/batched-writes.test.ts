import { describe, expect, it } from 'vitest';
import { type Statement, type StatementRunner, batchedWrites, pack } from './batched-writes.ts';

const statement = (id: string, bytes = 100): Statement => ({ query: 'UPDATE t', params: [id], bytes });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Records what reaches the driver; `refuse` names rows the fake Cassandra rejects. */
function fakeRunner(refuse: ReadonlySet<string> = new Set()) {
  const requests: string[][] = [];
  const options: object[] = [];
  const runner: StatementRunner = {
    async execute(_query, params, given) {
      options.push(given);
      requests.push([String(params[0])]);
      if (refuse.has(String(params[0]))) throw new Error(`refused ${params[0]}`);
    },
    async batch(queries, given) {
      options.push(given);
      const ids = queries.map((q) => String(q.params[0]));
      requests.push(ids);
      if (ids.some((id) => refuse.has(id))) throw new Error(`refused batch of ${ids.length}`);
    },
  };
  return { runner, requests, options };
}

describe('batchedWrites', () => {
  it('marks every batch and statement idempotent, so the driver may send it to another replica', async () => {
    const { runner, options } = fakeRunner(new Set(['bad']));
    const write = batchedWrites(runner, { maxBytes: 10_000, maxStatements: 10 });
    await Promise.allSettled([write([statement('a')]), write([statement('bad')])]);
    expect(options).toEqual([
      { prepare: true, isIdempotent: true, logged: false },
      { prepare: true, isIdempotent: true },
      { prepare: true, isIdempotent: true },
    ]);
  });

  it('sends the statements of one turn together, after the turn, a lone one as itself', async () => {
    const { runner, requests } = fakeRunner();
    const write = batchedWrites(runner, { maxBytes: 10_000, maxStatements: 10 });
    const calls = [write([statement('a')]), write([statement('b'), statement('c')])];
    expect(requests).toEqual([]); // nothing is sent within the turn that wrote
    await Promise.all(calls);
    expect(requests).toEqual([['a', 'b', 'c']]);
    await write([statement('d')]);
    expect(requests).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('keeps each batch within the byte and statement limits', async () => {
    const { runner, requests } = fakeRunner();
    const write = batchedWrites(runner, { maxBytes: 300, maxStatements: 2 });
    await Promise.all([write([statement('a'), statement('b'), statement('c')]), write([statement('big', 500)])]);
    expect(requests).toEqual([['a', 'b'], ['c'], ['big']]);
  });

  it('writes a refused batch again statement by statement: only the caller of the bad row fails', async () => {
    const { runner, requests } = fakeRunner(new Set(['bad']));
    const write = batchedWrites(runner, { maxBytes: 10_000, maxStatements: 10 });
    const [good, bad] = [write([statement('a')]), write([statement('bad'), statement('b')])];
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('refused bad');
    expect(requests).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });

  it('resolves at once for no statements', async () => {
    const { runner, requests } = fakeRunner();
    await batchedWrites(runner, { maxBytes: 100, maxStatements: 2 })([]);
    await nextTurn();
    expect(requests).toEqual([]);
  });
});

describe('pack', () => {
  it('groups greedily in order, and gives a statement over the limit a group of its own', () => {
    const writes = [100, 100, 250, 50, 400, 10].map((bytes, i) => ({ statement: statement(`s${i}`, bytes) }));
    const groups = pack(writes, { maxBytes: 300, maxStatements: 3 }).map((g) => g.map((w) => w.statement.params[0]));
    expect(groups).toEqual([['s0', 's1'], ['s2', 's3'], ['s4'], ['s5']]);
  });
});
