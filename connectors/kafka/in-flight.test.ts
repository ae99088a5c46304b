import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.ts';

const at = (offset: number, partition = 0) => ({ topic: 't', partition, offset: String(offset) });

async function emit(inFlight: InFlight, ...origins: ReturnType<typeof at>[]) {
  for (const origin of origins) {
    await inFlight.reserve();
    inFlight.emitted(origin);
  }
}

describe('InFlight', () => {
  it('commits only up to the first unfinished offset, whatever order records finish in', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(5), at(6), at(9));
    inFlight.done([at(6), at(9)]);
    expect(inFlight.takeCommittable('t', 0)).toBeUndefined();
    inFlight.done([at(5)]);
    expect(inFlight.takeCommittable('t', 0)).toBe('10');
    expect(inFlight.takeCommittable('t', 0)).toBeUndefined();
  });

  it('tracks partitions separately', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(1, 0), at(1, 1));
    inFlight.done([at(1, 1)]);
    expect(inFlight.takeCommittable('t', 0)).toBeUndefined();
    expect(inFlight.takeCommittable('t', 1)).toBe('2');
  });

  it('blocks reserve at the limit until a record is done', async () => {
    const inFlight = new InFlight(2);
    await emit(inFlight, at(1), at(2));
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
    const wait = inFlight.drained('t', 0).then(() => (drained = true));
    inFlight.done([at(2)]);
    await Promise.resolve();
    expect(drained).toBe(false);
    inFlight.done([at(1)]);
    await wait;
    expect(drained).toBe(true);
  });

  it('tells which offsets would become committable, without marking anything', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(5), at(6), at(7), at(3, 1));
    expect(inFlight.committableAfter([at(6)])).toEqual([]);
    expect(inFlight.committableAfter([at(5), at(7)])).toEqual([{ topic: 't', partition: 0, offset: '6' }]);
    inFlight.done([at(6)]);
    expect(inFlight.committableAfter([at(5), at(3, 1)])).toEqual([{ topic: 't', partition: 0, offset: '7' }, { topic: 't', partition: 1, offset: '4' }]);
    expect(inFlight.count).toBe(3);
  });

  it('commits past offsets that were fetched but held no record (transaction markers) once all is done', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(4), at(6));
    inFlight.fetched('t', 0, '7'); // 5 and 7: commit markers
    inFlight.done([at(4)]);
    expect(inFlight.takeCommittable('t', 0)).toBe('5');
    inFlight.done([at(6)]);
    expect(inFlight.takeCommittable('t', 0)).toBe('8');
    expect(inFlight.takeCommittable('t', 0)).toBeUndefined();
  });

  it('after a transaction committed some offsets, leaves only the rest to commit', async () => {
    const inFlight = new InFlight(10);
    await emit(inFlight, at(0), at(1));
    inFlight.fetched('t', 0, '2');
    inFlight.done([at(0), at(1)]);
    inFlight.markCommitted('t', 0, '2');
    expect(inFlight.takeCommittable('t', 0)).toBe('3');
  });
});
