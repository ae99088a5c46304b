import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from './java.ts';

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17],
    ['openjdk version "25.0.2" 2026-01-20 LTS', 25],
    ['java version "1.8.0_402"', 8],
    ['openjdk version "21" 2023-09-19', 21],
  ])('reads %j as %i', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });

  it('says nothing for output without a version', () => {
    expect(parseJavaMajor('bash: java: command not found')).toBeUndefined();
  });
});
