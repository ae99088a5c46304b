import { Subject, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SpamstreamError } from '../core/errors.ts';
import { batchWhileBusy, withRetry } from './flow.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('batchWhileBusy', () => {
  it('batches what arrives while the previous write runs, one write at a time', async () => {
    const values = new Subject<number>();
    const batches: number[][] = [];
    let writing = 0;
    let overlapped = false;
    const done = lastValueFrom(values.pipe(batchWhileBusy(async (batch: readonly number[]) => {
      overlapped ||= writing > 0;
      writing += 1;
      batches.push([...batch]);
      await sleep(30);
      writing -= 1;
    }, { maxSize: 100, lingerMs: 1 }), toArray()));
    values.next(1);
    await sleep(10); // the first write is running
    for (let i = 2; i <= 6; i += 1) values.next(i);
    await sleep(60);
    values.next(7);
    values.complete();
    await done;
    expect(batches).toEqual([[1], [2, 3, 4, 5, 6], [7]]);
    expect(overlapped).toBe(false);
  });

  it('caps a batch at maxSize and completes after the last write', async () => {
    const batches = await lastValueFrom(from([1, 2, 3, 4, 5]).pipe(batchWhileBusy(async (batch: readonly number[]) => batch.length, { maxSize: 2, lingerMs: 1 }), toArray()));
    expect(batches).toEqual([2, 2, 1]);
  });

  it('fails the stream when a write fails', async () => {
    const failing = from([1]).pipe(batchWhileBusy(async () => {
      throw new Error('disk on fire');
    }, { maxSize: 10, lingerMs: 0 }));
    await expect(lastValueFrom(failing)).rejects.toThrow('disk on fire');
  });
});

describe('withRetry', () => {
  it('retries retriable failures only, up to the attempts', async () => {
    let calls = 0;
    const unavailable = await withRetry(() => {
      calls += 1;
      throw new SpamstreamError('STORE_UNAVAILABLE', 'down');
    }, { attempts: 3, backoffMs: 1 });
    expect([unavailable.ok, calls]).toEqual([false, 3]);
    calls = 0;
    const bad = await withRetry(() => {
      calls += 1;
      throw new SpamstreamError('INVALID_FIELD', 'bad');
    }, { attempts: 3, backoffMs: 1 });
    expect([bad.ok, calls]).toEqual([false, 1]);
  });
});
