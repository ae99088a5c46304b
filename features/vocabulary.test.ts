import { describe, expect, it } from 'vitest';
import {
  OOV_TOKEN,
  PAD_TOKEN,
  fingerprintTexts,
  fitVocabulary,
  parseVocabulary,
  serializeVocabulary,
} from './vocabulary.ts';

const texts = ['win cash now', 'call me now', 'win a prize', 'see you soon', 'cash cash'];
const options = { sequenceLength: 8, maxSize: 100, minDocumentFrequency: 2 };

describe('fitVocabulary', () => {
  it('keeps tokens with enough document frequency, most frequent first, ties by code-unit order', () => {
    const vocabulary = fitVocabulary(texts, options);
    // df: win 2, cash 2 (a repeat inside one text counts once), now 2; all others 1.
    expect(vocabulary.tokens).toEqual([PAD_TOKEN, OOV_TOKEN, 'cash', 'now', 'win']);
    expect(vocabulary.size).toBe(5);
    expect(vocabulary.version).toBe(1);
    expect(vocabulary.fittedOn).toEqual({ split: 'train', rows: 5, textsSha256: fingerprintTexts(texts) });
  });

  it('caps the size, padding and OOV included', () => {
    expect(fitVocabulary(texts, { ...options, maxSize: 3 }).tokens).toEqual([PAD_TOKEN, OOV_TOKEN, 'cash']);
  });

  it('keeps the version when a refit changes nothing, and raises it when tokens change', () => {
    const first = fitVocabulary(texts, options);
    expect(fitVocabulary(texts, { ...options, previous: first }).version).toBe(1);
    expect(fitVocabulary([...texts, 'see me'], { ...options, previous: first }).version).toBe(2);
    expect(fitVocabulary(texts, { ...options, sequenceLength: 9, previous: first }).version).toBe(2);
  });

  it('is byte-for-byte deterministic and survives a write and read', () => {
    const text = serializeVocabulary(fitVocabulary(texts, options));
    expect(serializeVocabulary(fitVocabulary(texts, options))).toBe(text);
    expect(serializeVocabulary(parseVocabulary(JSON.parse(text)))).toBe(text);
  });
});

describe('parseVocabulary', () => {
  const good = JSON.parse(serializeVocabulary(fitVocabulary(texts, options)));

  it('rejects edited tokens, a wrong tokenizer and a broken header', () => {
    expect(() => parseVocabulary({ ...good, tokens: [...good.tokens.slice(0, -1), 'other'] })).toThrow(/tokensSha256/);
    expect(() => parseVocabulary({ ...good, tokenizer: 'words/0' })).toThrow(/refit/);
    expect(() => parseVocabulary({ ...good, version: 0 })).toThrow(/version/);
    expect(() => parseVocabulary(null)).toThrow(/object/);
  });
});
