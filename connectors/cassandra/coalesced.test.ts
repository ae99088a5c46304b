import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesced.ts';

describe('coalesced', () => {
  it('starts the calls of one turn together, after the turn, each caller getting its own result', async () => {
    const started: number[] = [];
    const read = coalesced(async (n: number) => {
      started.push(n);
      return n * 2;
    });
    const calls = [read(1), read(2)];
    queueMicrotask(() => void calls.push(read(3)));
    expect(started).toEqual([]); // nothing starts within the turn that queued it
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 2, 3]);
    expect(await Promise.all(calls)).toEqual([2, 4, 6]);
  });

  it('gives a failure only to its caller, and starts a new group in a later turn', async () => {
    const read = coalesced(async (n: number) => {
      if (n < 0) throw new Error(`bad ${n}`);
      return n;
    });
    const [bad, good] = [read(-1), read(5)];
    await expect(bad).rejects.toThrow('bad -1');
    await expect(good).resolves.toBe(5);
    await expect(read(7)).resolves.toBe(7);
  });

  it('gives a synchronous throw to its caller only: the calls queued after it still start', async () => {
    const read = coalesced((n: number) => {
      if (n < 0) throw new Error(`bad ${n}`); // a function that throws before returning a promise
      return Promise.resolve(n);
    });
    const [bad, good] = [read(-1), read(5)];
    await expect(bad).rejects.toThrow('bad -1');
    await expect(good).resolves.toBe(5);
  });
});
