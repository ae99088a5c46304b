import { describe, expect, it } from 'vitest';
import { featureKey, labelledSet, latestFeatures, latestLabels, splitOfFeatures } from './labelled-set.ts';

const WANTED = [
  { id: 'v1', version: 1 },
  { id: 'v2', version: 1 },
];
const vectors = (a: number, b = 7) => [
  { view: 'v1', version: 1, values: [a, a + 1] },
  { view: 'v2', version: 1, values: [b, 0] },
];

describe('latestLabels', () => {
  it('keeps the label given last per message; of two at the same time spam, as live quality counts it', () => {
    const labels = latestLabels();
    labels.add({ smsId: 'a', label: 'spam', labelledAt: 20 });
    labels.add({ smsId: 'a', label: 'ham', labelledAt: 10 }); // given earlier, read later: older
    labels.add({ smsId: 'b', label: 'ham', labelledAt: 5 });
    labels.add({ smsId: 'b', label: 'spam', labelledAt: 5 });
    labels.add({ smsId: 'd', label: 'spam', labelledAt: 5 });
    labels.add({ smsId: 'd', label: 'ham', labelledAt: 5 }); // at the same time, read later: still spam
    labels.add({ smsId: 'c', label: 'maybe', labelledAt: 1 });
    expect(Object.fromEntries([...labels.labels].map(([id, l]) => [id, l.label]))).toEqual({
      a: 'spam',
      b: 'spam',
      d: 'spam',
    });
    expect(labels.invalid).toBe(1);
  });
});

describe('latestFeatures', () => {
  it("keeps a labelled message's newest event holding every wanted view at its version", () => {
    const features = latestFeatures(new Set(['a', 'b']), WANTED);
    features.add({ smsId: 'a', eventTime: 2, views: vectors(1) });
    features.add({ smsId: 'a', eventTime: 1, views: vectors(9) }); // an older event read later
    features.add({ smsId: 'a', eventTime: 3, views: [vectors(5)[0]!] }); // newer, but without v2
    features.add({ smsId: 'b', eventTime: 1, views: [{ view: 'v1', version: 2, values: [1, 2] }, vectors(1)[1]!] });
    features.add({ smsId: 'z', eventTime: 1, views: vectors(1) }); // nobody labelled it
    expect([...features.features.keys()]).toEqual(['a']);
    expect(features.features.get('a')).toEqual({
      eventTime: 2,
      values: [
        [1, 2],
        [7, 0],
      ],
    });
  });
});

describe('labelledSet', () => {
  const v = (a: number, b = 7) => vectors(a, b).map((x) => x.values);

  it('relabels a data-set row the user labelled (same id, same features), once', () => {
    const labels = new Map([['row-1', { label: 'ham' as const, labelledAt: 1 }]]);
    const set = labelledSet(labels, new Map([['row-1', { values: v(1) }]]));
    expect(set.dataSetRow('row-1', v(1), 'validation', 'spam')).toEqual({ label: 'ham', origin: 'data-set+label' });
    expect(set.dataSetRow('row-2', v(2), 'train', 'spam')).toEqual({ label: 'spam', origin: 'data-set' });
    expect([...set.labelledRows()]).toEqual([]);
  });

  it('puts a labelled message on the side of the data-set text with the same features, others by their own', () => {
    const labels = new Map([
      ['live-2', { label: 'spam' as const, labelledAt: 1 }],
      ['live-1', { label: 'ham' as const, labelledAt: 1 }],
      ['live-3', { label: 'ham' as const, labelledAt: 1 }],
      ['row-1', { label: 'ham' as const, labelledAt: 1 }],
    ]);
    const features = new Map([
      ['live-1', { values: v(1) }],
      ['live-2', { values: v(42, 3) }],
      ['row-1', { values: v(5) }], // the data set's id with other features: another message
    ]);
    const set = labelledSet(labels, features);
    set.dataSetRow('row-1', v(1), 'validation', 'ham');
    const rows = [...set.labelledRows()];
    // In id order; live-3 has no features and is left out.
    expect(rows.map((r) => r.smsId)).toEqual(['live-1', 'live-2', 'row-1']);
    expect(rows[0]).toEqual({ smsId: 'live-1', label: 'ham', split: 'validation', values: v(1) });
    expect(rows[1]!.split).toBe(splitOfFeatures(v(42, 3)));
    expect(rows[2]!.split).toBe(splitOfFeatures(v(5)));
  });

  it('splits by feature values about a fifth to validation, the same values always the same way', () => {
    const sides = Array.from({ length: 2000 }, (_, i) => splitOfFeatures(v(i)));
    const share = sides.filter((s) => s === 'validation').length / sides.length;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
    expect(splitOfFeatures(v(12))).toBe(sides[12]);
    expect(featureKey(v(3))).toBe(featureKey(v(3)));
    expect(featureKey(v(3))).not.toBe(featureKey(v(4)));
  });
});
