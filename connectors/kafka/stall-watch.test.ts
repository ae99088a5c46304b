import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.ts';
import { watchStalls } from './stall-watch.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchStalls', () => {
  it('says once that records in flight stopped finishing, naming the oldest open ones, and when they finish again', async () => {
    const inFlight = new InFlight(10);
    for (const offset of ['7', '8']) {
      inFlight.tryReserve();
      inFlight.emitted({ topic: 'sms.raw', partition: 2, offset });
    }
    const lines: string[] = [];
    const watch = watchStalls(inFlight, { groupId: 'g', warn: (line) => lines.push(line), stallWarningMs: 200 });
    try {
      await sleep(500);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^g: no record finished for \d+ s while 2 are in flight \(the oldest uncommitted: sms\.raw:2@7\)$/,
      );
      watch.progressed();
      expect(lines[1]).toBe('g: records finish again');
    } finally {
      watch.stop();
    }
  });

  it('says nothing while nothing is in flight, however long', async () => {
    const lines: string[] = [];
    const watch = watchStalls(new InFlight(10), {
      groupId: 'g',
      warn: (line) => lines.push(line),
      stallWarningMs: 100,
    });
    await sleep(300);
    watch.stop();
    expect(lines).toEqual([]);
  });
});
