import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VALIDATION_PERCENT, splitKey, splitOf } from './split.ts';

describe('train/validation split', () => {
  it('follows the documented rule', () => {
    const text = 'Hello there';
    const bucket = createHash('sha256').update('hello there').digest().readUInt32BE(0) % 100;
    expect(splitOf(text)).toBe(bucket < VALIDATION_PERCENT ? 'validation' : 'train');
  });

  it('puts texts differing only in case, spacing or width on the same side', () => {
    expect(splitKey('  FREE\tcash  now ')).toBe('free cash now');
    expect(splitKey('ＦＲＥＥ cash now')).toBe('free cash now');
    expect(splitOf('FREE cash now')).toBe(splitOf(' free   CASH now'));
  });

  it('sends about VALIDATION_PERCENT of distinct texts to validation', () => {
    let validation = 0;
    for (let i = 0; i < 5_000; i++) if (splitOf(`message number ${i}`) === 'validation') validation++;
    expect(validation / 5_000).toBeGreaterThan(0.17);
    expect(validation / 5_000).toBeLessThan(0.23);
  });
});
