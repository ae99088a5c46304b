import { describe, expect, it } from 'vitest';
import { normalizeText, tokenize } from './tokenizer.ts';

describe('tokenize', () => {
  it('lower-cases words and splits on white space and punctuation', () => {
    expect(tokenize("Hello, World! Don't-stop")).toEqual(['hello', 'world', '!', 'don', 't', 'stop']);
  });

  it('applies NFKC first: full-width and styled letters become plain ones', () => {
    expect(tokenize('ＦＲＥＥ 𝐂𝐀𝐒𝐇')).toEqual(['free', 'cash']);
    expect(normalizeText('ﬁne')).toBe('fine');
  });

  it('keeps numbers of up to three digits and turns longer ones into a shape token', () => {
    expect(tokenize('call 150 or 09061701461, 2nite 12345678901234')).toEqual([
      'call',
      '150',
      'or',
      '<num:11>',
      '2',
      'nite',
      '<num:12>',
    ]);
  });

  it('emits currency signs, emoji, ! and ? as tokens of their own', () => {
    expect(tokenize('£5 $5 €5?!')).toEqual(['£', '5', '$', '5', '€', '5', '?', '!']);
    expect(tokenize('ok😀👍🏽')).toEqual(['ok', '😀', '👍']);
  });

  it('splits a ZWJ family into its pictographs and drops the joiners', () => {
    expect(tokenize('👨‍👩‍👧')).toEqual(['👨', '👩', '👧']);
  });

  it('reads Arabic, Cyrillic and Greek words as runs of letters', () => {
    expect(tokenize('مرحبا بك')).toEqual(['مرحبا', 'بك']);
    expect(tokenize('Привет, МИР')).toEqual(['привет', 'мир']);
    expect(tokenize('Γεια σου')).toEqual(['γεια', 'σου']);
  });

  it('gives each Han, Hiragana and Katakana character its own token, even next to Latin letters', () => {
    expect(tokenize('你好abc世界')).toEqual(['你', '好', 'abc', '世', '界']);
    expect(tokenize('こんにちはカタ')).toEqual(['こ', 'ん', 'に', 'ち', 'は', 'カ', 'タ']);
  });

  it('keeps combining marks inside their word', () => {
    expect(tokenize('e\u0301te\u0301')).toEqual(['été'.normalize('NFKC')]);
  });

  it('returns nothing for empty, blank or symbol-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' \t\n')).toEqual([]);
    expect(tokenize('... --- ***')).toEqual([]);
  });

  it('answers each text with its own tokens, asked again or after another', () => {
    const first = tokenize('win cash');
    expect(tokenize('win cash')).toBe(first); // the second view's call is served from the first's
    expect(tokenize('call me')).toEqual(['call', 'me']);
    expect(tokenize('win cash')).toEqual(['win', 'cash']);
  });
});
