import { describe, expect, it } from 'vitest';
import { tokenIdsView } from './v2-token-ids.ts';
import { fitVocabulary } from './vocabulary.ts';

// tokens: <pad>=0, <oov>=1, then by df: cash=2, now=3, win=4
const vocabulary = fitVocabulary(['win cash now', 'win cash now', 'hello'], {
  sequenceLength: 5,
  maxSize: 100,
  minDocumentFrequency: 2,
});
const view = tokenIdsView(vocabulary);

describe('view v2 (token ids)', () => {
  it('states its contract and takes id and version from the vocabulary', () => {
    expect(view.id).toBe('v2');
    expect(view.version).toBe(vocabulary.version);
    expect(view.dtype).toBe('int64');
    expect(view.layout).toMatchObject({ kind: 'sequence', length: 5, padId: 0, oovId: 1, vocabularySize: 5 });
  });

  it('maps tokens to ids, unknown ones to 1, and pads with 0 at the end', () => {
    expect(view.compute('WIN cash, hello!')).toEqual([4, 2, 1, 1, 0]);
  });

  it('truncates to the first tokens', () => {
    expect(view.compute('now now now now now win win')).toEqual([3, 3, 3, 3, 3]);
  });

  it('gives only padding for empty text, and only OOV ids for unseen scripts', () => {
    expect(view.compute('')).toEqual([0, 0, 0, 0, 0]);
    expect(view.compute('你好 Привет مرحبا')).toEqual([1, 1, 1, 1, 0]);
    expect(view.compute('😀')).toEqual([1, 0, 0, 0, 0]);
  });

  it('has a fixed length and integer values whatever the text', () => {
    for (const text of ['', 'a', 'cash '.repeat(10_000)]) {
      const ids = view.compute(text);
      expect(ids).toHaveLength(5);
      for (const id of ids) expect(Number.isInteger(id) && id >= 0 && id < vocabulary.size).toBe(true);
    }
  });
});
