import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCard } from './card.ts';
import { BIN_SMOOTHING, bandOf, binOf, psi, trainingDistributionOf } from './drift.ts';

describe('binOf', () => {
  const edges = [0, 0.5, 3];

  it('puts a value on an edge in the bin that edge closes, as numpy.searchsorted(side="left") does', () => {
    expect([-1, 0, 0.25, 0.5, 1, 3, 3.5, 1e9].map((x) => binOf(edges, x))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('has one bin when there are no edges, and finds the bin among many edges', () => {
    expect(binOf([], 42)).toBe(0);
    const many = Array.from({ length: 200 }, (_, i) => i);
    expect([-5, 0, 0.5, 100, 199, 199.5].map((x) => binOf(many, x))).toEqual([0, 0, 1, 100, 199, 200]);
  });

  it('compares float32 values exactly: just above an edge is the next bin', () => {
    const edge = Math.fround(1 / 3);
    const above = Math.fround(edge + 2 ** -25);
    expect(above).toBeGreaterThan(edge);
    expect(binOf([edge], edge)).toBe(0);
    expect(binOf([edge], above)).toBe(1);
  });
});

describe('psi', () => {
  it('is 0 when the proportions agree, whatever the counts', () => {
    expect(psi([10, 20, 70], [100, 200, 700])).toBeCloseTo(0, 2);
    expect(psi([5, 5], [5, 5])).toBe(0);
  });

  it('is Σ (a − e) ln(a / e) over the smoothed proportions', () => {
    // Smoothed: expected (50.5, 50.5)/101 → ½, ½; actual (90.5, 10.5)/101.
    const a = [90.5 / 101, 10.5 / 101];
    const expected = (a[0]! - 0.5) * Math.log(a[0]! / 0.5) + (a[1]! - 0.5) * Math.log(a[1]! / 0.5);
    expect(BIN_SMOOTHING).toBe(0.5);
    expect(psi([50, 50], [90, 10])).toBeCloseTo(expected, 12);
    expect(psi([50, 50], [90, 10])).toBeCloseTo(0.853, 3);
  });

  it('is symmetric, grows with the shift, and stays finite when a bin is empty on one side', () => {
    expect(psi([80, 20], [20, 80])).toBeCloseTo(psi([20, 80], [80, 20]), 12);
    expect(psi([50, 50], [60, 40])).toBeLessThan(psi([50, 50], [70, 30]));
    const unseen = psi([1000, 0], [500, 500]);
    expect(Number.isFinite(unseen)).toBe(true);
    expect(unseen).toBeGreaterThan(2);
  });

  it('refuses counts over different bins', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe('bandOf', () => {
  it('uses the usual bands: stable below 0.1, moderate below 0.25, major from 0.25', () => {
    expect([0, 0.0999, 0.1, 0.2499, 0.25, 3].map(bandOf)).toEqual([
      'stable',
      'stable',
      'moderate',
      'moderate',
      'major',
      'major',
    ]);
  });
});

describe('the committed cards', () => {
  const card = (version: string) =>
    parseCard(JSON.parse(readFileSync(join(import.meta.dirname, version, 'card.json'), 'utf8')));

  it('carry the training distribution of view v1 for the models that read it, and none for v2', () => {
    for (const version of ['v1', 'v3']) {
      const distribution = trainingDistributionOf(card(version), 'v1')!;
      expect(distribution, version).toBeDefined();
      expect(distribution.rows).toBe(card(version).trainingData.rows.train);
      expect(distribution.fields).toHaveLength(37);
      for (const field of distribution.fields)
        expect(
          field.counts.reduce((sum, n) => sum + n, 0),
          field.name,
        ).toBe(distribution.rows);
    }
    // v2 reads token ids, no statistics: its card (kept from before, see training/README.md) has none.
    expect(trainingDistributionOf(card('v2'), 'v1')).toBeUndefined();
    expect(card('v2').trainingDistribution).toBeUndefined();
  });

  it('refuse a distribution whose edges do not ascend or whose counts do not fit them', () => {
    const raw = JSON.parse(readFileSync(join(import.meta.dirname, 'v1', 'card.json'), 'utf8'));
    raw.trainingDistribution[0].fields[0] = { name: 'char_count', edges: [3, 2], counts: [1, 2, 3] };
    expect(() => parseCard(raw)).toThrow(/char_count needs ascending edges and one count more/);
    raw.trainingDistribution[0].fields[0] = { name: 'char_count', edges: [2, 3], counts: [1, 2] };
    expect(() => parseCard(raw)).toThrow(/char_count needs ascending edges/);
  });
});
