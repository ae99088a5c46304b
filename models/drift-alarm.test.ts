import { describe, expect, it } from 'vitest';
import { nextAlarm } from './drift-alarm.ts';

describe('nextAlarm', () => {
  it('raises once a full window reaches the major band, and only then', () => {
    expect(nextAlarm('quiet', 0.25, true)).toEqual({ state: 'raised', event: 'raised' });
    expect(nextAlarm('quiet', 0.9, false)).toEqual({ state: 'quiet' });
    expect(nextAlarm('quiet', 0.2499, true)).toEqual({ state: 'quiet' });
  });

  it('stays raised without a word while the PSI stays above the moderate threshold', () => {
    for (const value of [0.9, 0.25, 0.24, 0.1]) expect(nextAlarm('raised', value, true)).toEqual({ state: 'raised' });
  });

  it('clears once the PSI falls below the moderate threshold, full window or not', () => {
    expect(nextAlarm('raised', 0.0999, true)).toEqual({ state: 'quiet', event: 'cleared' });
    expect(nextAlarm('raised', 0, false)).toEqual({ state: 'quiet', event: 'cleared' });
  });

  it('says nothing for a quiet statistic that stays quiet', () => {
    for (const value of [0, 0.05, 0.1, 0.2]) expect(nextAlarm('quiet', value, true)).toEqual({ state: 'quiet' });
  });
});
