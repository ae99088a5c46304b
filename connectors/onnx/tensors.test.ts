import { describe, expect, it } from 'vitest';
import { SpamstreamError } from '../../core/errors.ts';
import type { ModelInputSpec } from '../../models/card.ts';
import { buildInputs } from './tensors.ts';

const stats: ModelInputSpec = { name: 'v1', view: 'v1', dtype: 'float32', shape: ['N', 2] };
const ids: ModelInputSpec = { name: 'v2', view: 'v2', dtype: 'int64', shape: ['N', 3] };

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (error) {
    return error instanceof SpamstreamError ? error.code : 'other';
  }
  return undefined;
};

describe('buildInputs', () => {
  it('lays rows out one after another, in card order', () => {
    const [a, b] = buildInputs(
      [
        { v1: [0.5, 2], v2: [5, 0, 0] },
        { v1: [1, 3], v2: [7, 2, 1], extra: [9] },
      ],
      [stats, ids],
    );
    expect(a).toMatchObject({ name: 'v1', dtype: 'float32', dims: [2, 2] });
    expect(Array.from(a!.data as Float32Array)).toEqual([0.5, 2, 1, 3]);
    expect(b).toMatchObject({ name: 'v2', dtype: 'int64', dims: [2, 3] });
    expect(Array.from(b!.data as BigInt64Array)).toEqual([5n, 0n, 0n, 7n, 2n, 1n]);
  });

  it('writes large ids exactly', () => {
    const [input] = buildInputs([{ v2: [0x7fffffff, 65_536, 1] }], [ids]);
    expect(Array.from(input!.data as BigInt64Array)).toEqual([2147483647n, 65536n, 1n]);
  });

  it('builds empty tensors for an empty batch', () => {
    expect(buildInputs([], [stats])[0]!.data).toHaveLength(0);
  });

  it('rejects a missing view, a wrong width and values an input cannot hold', () => {
    expect(codeOf(() => buildInputs([{ v2: [1, 2, 3] }], [stats]))).toBe('VIEW_MISSING');
    expect(codeOf(() => buildInputs([{ v1: [1, 2, 3] }], [stats]))).toBe('INVALID_FIELD');
    expect(codeOf(() => buildInputs([{ v1: [1, Number.NaN] }], [stats]))).toBe('INVALID_FIELD');
    expect(codeOf(() => buildInputs([{ v2: [1, 2.5, 3] }], [ids]))).toBe('INVALID_FIELD');
    expect(codeOf(() => buildInputs([{ v2: [1, -1, 3] }], [ids]))).toBe('INVALID_FIELD');
  });
});
