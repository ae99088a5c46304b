import { describe, expect, it } from 'vitest';
import { longestPause } from './pause.ts';

describe('longestPause', () => {
  it('is the longest gap between predictions that ends after the fault', () => {
    const times = [0, 100, 200, 5_200, 5_300, 5_400];
    expect(longestPause(times, 150)).toEqual({ seconds: 5, from: 200 });
  });

  it('leaves out gaps that ended before the fault, and counts the one it fell into', () => {
    const times = [0, 9_000, 9_100, 9_200, 11_200];
    expect(longestPause(times, 9_050)).toEqual({ seconds: 2, from: 9_200 });
    expect(longestPause(times, 8_000)).toEqual({ seconds: 9, from: 0 });
  });

  it('leaves out gaps that began after the end of interest, in any order of arrival', () => {
    expect(longestPause([10_000, 0, 100, 200], 50, 5_000)).toEqual({ seconds: 9.8, from: 200 });
    expect(longestPause([0, 100, 200, 10_000], 50, 150)).toEqual({ seconds: 0.1, from: 0 });
  });

  it('runs to the end of interest when nothing came after the fault', () => {
    expect(longestPause([0, 100], 1_000, 4_100)).toEqual({ seconds: 4, from: 100 });
    expect(longestPause([], 1_000, 3_000)).toEqual({ seconds: 2, from: 1_000 });
  });
});
