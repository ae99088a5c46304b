import { describe, expect, it } from 'vitest';
import { computeViews, featureViews, getView, unknownViews, viewIds } from './index.ts';

describe('feature view registry', () => {
  it('registers v1 and v2 with distinct ids and integer versions', () => {
    expect(viewIds).toEqual(['v1', 'v2']);
    for (const view of featureViews) expect(Number.isInteger(view.version) && view.version >= 1).toBe(true);
    expect(getView('v1')?.layout.kind).toBe('fields');
    expect(getView('v2')?.layout.kind).toBe('sequence');
    expect(getView('v9')).toBeUndefined();
    expect(unknownViews(['v1', 'v9', 'x'])).toEqual(['v9', 'x']);
  });

  it('computes every view by default, or only the ones asked for', () => {
    const all = computeViews('Free cash!');
    expect(Object.keys(all)).toEqual(['v1', 'v2']);
    expect(all.v1).toHaveLength(getView('v1')!.length);
    expect(all.v2).toHaveLength(getView('v2')!.length);
    expect(Object.keys(computeViews('Free cash!', ['v2']))).toEqual(['v2']);
    expect(() => computeViews('x', ['v7'])).toThrow(/unknown feature view "v7"/);
  });

  it('is deterministic and total over awkward inputs', () => {
    const texts = [
      '',
      ' ',
      '😀',
      'مرحبا كيف حالك',
      '你好，世界',
      'Привет',
      'a\u0000b',
      '\ud800 lone surrogate',
      'long '.repeat(20_000),
    ];
    for (const text of texts) {
      const first = computeViews(text);
      expect(computeViews(text)).toEqual(first);
      for (const view of featureViews) {
        expect(first[view.id]).toHaveLength(view.length);
        for (const value of first[view.id]!) expect(Number.isFinite(value)).toBe(true);
      }
    }
  });

  it('uses a vocabulary whose known words get known ids', () => {
    const ids = computeViews('call me now', ['v2']).v2!;
    expect(ids.slice(0, 3).every((id) => id >= 2)).toBe(true);
    expect(ids.slice(3).every((id) => id === 0)).toBe(true);
  });
});
