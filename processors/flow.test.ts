import { Subject, delay, from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { envelope } from '../core/envelope.ts';
import { ok } from '../core/result.ts';
import { SpamstreamError } from '../core/errors.ts';
import { type Flow, batchWhileBusy, inTransit, mapOkAsync, withRetry } from './flow.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('batchWhileBusy', () => {
  afterEach(() => vi.useRealTimers());

  it('batches what arrives while the previous write runs, one write at a time', async () => {
    vi.useFakeTimers();
    const values = new Subject<number>();
    const batches: number[][] = [];
    let writing = 0;
    let overlapped = false;
    const done = lastValueFrom(
      values.pipe(
        batchWhileBusy(
          async (batch: readonly number[]) => {
            overlapped ||= writing > 0;
            writing += 1;
            batches.push([...batch]);
            await sleep(30);
            writing -= 1;
          },
          { maxSize: 100, lingerMs: 1 },
        ),
        toArray(),
      ),
    );
    values.next(1);
    await vi.advanceTimersByTimeAsync(10); // the first write is running
    for (let i = 2; i <= 6; i += 1) values.next(i);
    await vi.advanceTimersByTimeAsync(60);
    values.next(7);
    values.complete();
    await vi.advanceTimersByTimeAsync(100);
    await done;
    expect(batches).toEqual([[1], [2, 3, 4, 5, 6], [7]]);
    expect(overlapped).toBe(false);
  });

  it('caps a batch at maxSize and completes after the last write', async () => {
    const batches = await lastValueFrom(
      from([1, 2, 3, 4, 5]).pipe(
        batchWhileBusy(async (batch: readonly number[]) => batch.length, { maxSize: 2, lingerMs: 1 }),
        toArray(),
      ),
    );
    expect(batches).toEqual([2, 2, 1]);
  });

  it('ends its linger once `settled` says nothing more is on its way', async () => {
    vi.useFakeTimers();
    const values = new Subject<number>();
    const batches: number[][] = [];
    let onTheWay = 3;
    values
      .pipe(
        batchWhileBusy(
          async (batch: readonly number[]) => {
            batches.push([...batch]);
          },
          { maxSize: 100, lingerMs: 1_000, settled: () => onTheWay === 0 },
        ),
      )
      .subscribe();
    for (const value of [1, 2, 3]) {
      onTheWay -= 1;
      values.next(value);
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1, 2, 3]]); // not 1,000 ms later
    onTheWay = 2;
    onTheWay -= 1;
    values.next(4); // one still on its way: the linger runs
    await vi.advanceTimersByTimeAsync(500);
    expect(batches).toHaveLength(1);
    onTheWay -= 1;
    values.next(5);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    onTheWay = 1;
    values.next(6); // never settles: written after the linger
    await vi.advanceTimersByTimeAsync(999);
    expect(batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2, 3], [4, 5], [6]]);
  });

  it('fails the stream when a write fails', async () => {
    const failing = from([1]).pipe(
      batchWhileBusy(
        async () => {
          throw new Error('disk on fire');
        },
        { maxSize: 10, lingerMs: 0 },
      ),
    );
    await expect(lastValueFrom(failing)).rejects.toThrow('disk on fire');
  });
});

describe('inTransit', () => {
  it('is empty when every value that entered the stretch has left it', async () => {
    const transit = inTransit();
    const inner = new Subject<number>();
    const seen: boolean[] = [];
    const entered = new Subject<number>();
    entered.pipe(transit.enter()).subscribe(inner);
    inner.pipe(delay(10), transit.leave()).subscribe(() => seen.push(transit.empty()));
    expect(transit.empty()).toBe(true);
    entered.next(1);
    entered.next(2);
    expect(transit.empty()).toBe(false);
    await sleep(30);
    expect(seen).toEqual([false, true]);
  });
});

describe('withRetry', () => {
  afterEach(() => vi.useRealTimers());

  // Finding 6: a store outage must never turn records into dead letters.
  it('retries a retriable failure with capped back-off until the dependency answers again', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const delays: number[] = [];
    let last = Date.now();
    const result = withRetry(
      () => {
        calls += 1;
        delays.push(Date.now() - last);
        last = Date.now();
        if (calls < 12) throw new SpamstreamError('STORE_UNAVAILABLE', 'down');
        return 'written';
      },
      { backoffMs: 100, maxBackoffMs: 1_000 },
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await result).toEqual({ ok: true, value: 'written' });
    expect(calls).toBe(12);
    expect(delays.slice(1, 6)).toEqual([100, 200, 400, 800, 1_000]);
    expect(Math.max(...delays)).toBe(1_000);
  });

  it('does not retry a failure that is not retriable', async () => {
    let calls = 0;
    const bad = await withRetry(
      () => {
        calls += 1;
        throw new SpamstreamError('INVALID_FIELD', 'bad');
      },
      { backoffMs: 1 },
    );
    expect([bad.ok, calls]).toEqual([false, 1]);
  });

  it('never settles once the processor stops, so the record is neither written nor dead-lettered', async () => {
    vi.useFakeTimers();
    const stopping = new AbortController();
    let calls = 0;
    let settled = false;
    void withRetry(
      () => {
        calls += 1;
        throw new SpamstreamError('STORE_UNAVAILABLE', 'down');
      },
      { backoffMs: 10, signal: stopping.signal },
    ).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(15);
    stopping.abort();
    const before = calls;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toBe(before);
    expect(settled).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('mapOkAsync', () => {
  // Finding 2: a record that finishes early must not overtake an earlier one.
  it('emits in arrival order whatever order the steps finish in, running them concurrently', async () => {
    vi.useFakeTimers();
    const delays = [300, 10, 200, 0, 50];
    let running = 0;
    let most = 0;
    const out = lastValueFrom(
      from(delays.map((delay, i) => flowOf(i, delay))).pipe(
        mapOkAsync(
          async (delay: number) => {
            running += 1;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, delay));
            running -= 1;
            return delay;
          },
          { backoffMs: 1 },
        ),
        toArray(),
      ),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await out).map((flow) => flow.origin.offset)).toEqual(['0', '1', '2', '3', '4']);
    expect(most).toBe(5);
    vi.useRealTimers();
  });
});

function flowOf(offset: number, value: number): Flow<number> {
  return envelope({
    key: null,
    value: { input: null, result: ok(value) },
    headers: {},
    timestamp: 0,
    origin: { topic: 't', partition: 0, offset: String(offset) },
  });
}
