import { describe, expect, it } from 'vitest';
import type { Origin } from '../../core/envelope.ts';
import { InFlight } from './in-flight.ts';

const tp = (partition = 0) => ({ topic: 't', partition });
const at = (offset: number, partition = 0) => ({ topic: 't', partition, offset: String(offset) });

async function emit(inFlight: InFlight, ...origins: ReturnType<typeof at>[]): Promise<Origin[]> {
  const emitted: Origin[] = [];
  for (const origin of origins) {
    await inFlight.reserve();
    emitted.push(inFlight.emitted(origin));
  }
  return emitted;
}

/** What a consumer does: commit what is committable, and record it once the broker took it. */
function commitNow(inFlight: InFlight, partition = 0): string | undefined {
  const offset = inFlight.committable(tp(partition));
  if (offset !== undefined) inFlight.committed(tp(partition), offset);
  return offset;
}

describe('InFlight', () => {
  it('commits only up to the first unfinished offset, whatever order records finish in', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(5), at(6), at(9));
    inFlight.done([at(6), at(9)]);
    expect(commitNow(inFlight)).toBeUndefined();
    inFlight.done([at(5)]);
    expect(commitNow(inFlight)).toBe('10');
    expect(commitNow(inFlight)).toBeUndefined();
  });

  it('tracks partitions separately', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(1, 0), at(1, 1));
    inFlight.done([at(1, 1)]);
    expect(commitNow(inFlight, 0)).toBeUndefined();
    expect(commitNow(inFlight, 1)).toBe('2');
  });

  it('blocks reserve at the limit until a record is done', async () => {
    const inFlight = new InFlight(2);
    await emit(inFlight, at(1), at(2));
    expect(inFlight.tryReserve()).toBe(false);
    let reserved = false;
    const third = inFlight.reserve().then(() => (reserved = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(reserved).toBe(false);
    inFlight.done([at(1)]);
    await third;
    expect(reserved).toBe(true);
    expect(inFlight.count).toBe(2);
  });

  it('ignores repeated and unknown acknowledgements', async () => {
    const inFlight = new InFlight(5);
    await emit(inFlight, at(1));
    inFlight.done([at(1), at(1), at(7)]);
    expect(inFlight.count).toBe(0);
  });

  it('resolves drained once every emitted record of the partition is done', async () => {
    const inFlight = new InFlight(5);
    await emit(inFlight, at(1), at(2));
    let drained = false;
    const wait = inFlight.drained(tp()).then(() => (drained = true));
    inFlight.done([at(2)]);
    await Promise.resolve();
    expect(drained).toBe(false);
    inFlight.done([at(1)]);
    await wait;
    expect(drained).toBe(true);
  });

  it('commits past offsets that were fetched but held no record (transaction markers) once all is done', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(4), at(6));
    inFlight.fetched(tp(), '7'); // 5 and 7: commit markers
    inFlight.done([at(4)]);
    expect(commitNow(inFlight)).toBe('5');
    inFlight.done([at(6)]);
    expect(commitNow(inFlight)).toBe('8');
    expect(commitNow(inFlight)).toBeUndefined();
  });

  // Finding 8: a batch cut short (stop, consumer restart) after the previous batch's end was recorded.
  it('keeps the larger offset when a batch cut short ends past the previous batch', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(0), at(1));
    inFlight.fetched(tp(), '1'); // the first batch ended at 1
    inFlight.done([at(0), at(1)]);
    expect(commitNow(inFlight)).toBe('2');
    await emit(inFlight, at(2), at(3), at(4)); // the second batch, cut short: never fetched() to its end
    inFlight.done([at(2), at(3), at(4)]);
    expect(inFlight.committable(tp())).toBe('5');
  });

  // Finding 8: a commit is recorded only once the broker accepted it.
  it('offers the same offset again until the commit is recorded', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(0), at(1));
    inFlight.done([at(0), at(1)]);
    expect(inFlight.committable(tp())).toBe('2');
    // the commit request failed: nothing recorded, so it is offered again
    expect(inFlight.committable(tp())).toBe('2');
    inFlight.committed(tp(), '2');
    expect(inFlight.committable(tp())).toBeUndefined();
  });

  describe('finishing through a transaction', () => {
    it('commits a contiguous run with the offset after it, and marks it done only once committed', async () => {
      const inFlight = new InFlight(10);
      const origins = await emit(inFlight, at(5), at(6), at(7));
      const offsets: unknown[] = [];
      await inFlight.finishInTransaction(origins.slice(0, 2), async (o) => void offsets.push(...o));
      expect(offsets).toEqual([{ topic: 't', partition: 0, offset: '7' }]);
      expect(inFlight.count).toBe(1);
    });

    // Finding 2: outputs for offsets past a gap must never commit (a crash would replay them).
    it('refuses a run that skips an unfinished record', async () => {
      const inFlight = new InFlight(10);
      const origins = await emit(inFlight, at(0), at(1), at(2));
      const commit = async () => expect.unreachable('nothing may be committed past the gap at 0');
      await expect(inFlight.finishInTransaction([origins[1]!, origins[2]!], commit)).rejects.toThrow(
        /not the next unfinished run/,
      );
      expect(inFlight.count).toBe(3);
    });

    it('moves past trailing transaction markers in the same transaction when the run ends what was read', async () => {
      const inFlight = new InFlight(10);
      const origins = await emit(inFlight, at(0), at(1));
      inFlight.fetched(tp(), '2');
      const offsets: { offset: string }[] = [];
      await inFlight.finishInTransaction(origins, async (o) => void offsets.push(...o));
      expect(offsets.map((o) => o.offset)).toEqual(['3']);
      expect(inFlight.committable(tp())).toBeUndefined();
    });

    it('marks nothing when the commit fails, so the same run can be committed again', async () => {
      const inFlight = new InFlight(10);
      const origins = await emit(inFlight, at(0), at(1));
      await expect(
        inFlight.finishInTransaction(origins, async () => {
          throw new Error('aborted');
        }),
      ).rejects.toThrow('aborted');
      expect(inFlight.count).toBe(2);
      await inFlight.finishInTransaction(origins, async () => {});
      expect(inFlight.count).toBe(0);
    });

    it('rejects with REVOKED, committing nothing, for records read under an earlier assignment', async () => {
      const inFlight = new InFlight(10);
      const [old] = await emit(inFlight, at(0));
      inFlight.assign(tp(), '0'); // reassigned: the old record's slot is freed
      expect(inFlight.count).toBe(0);
      const [fresh] = await emit(inFlight, at(0));
      expect(fresh!.generation).not.toBe(old!.generation);
      await expect(inFlight.finishInTransaction([old!], async () => expect.unreachable())).rejects.toMatchObject({
        code: 'REVOKED',
      });
      await inFlight.finishInTransaction([fresh!], async () => {});
      expect(inFlight.count).toBe(0);
    });
  });

  it('forgets a partition: frees its slots, wakes its drain, commits nothing of it', async () => {
    const inFlight = new InFlight(3);
    await emit(inFlight, at(0), at(1), at(2));
    const drained = inFlight.drained(tp());
    inFlight.forget(tp());
    await drained;
    expect(inFlight.count).toBe(0);
    expect(inFlight.tryReserve()).toBe(true);
    inFlight.done([at(0)]);
    expect(inFlight.committable(tp())).toBeUndefined();
  });
});
