// The word tokenizer shared by view v1 (cue words) and view v2 (token ids), and by the vocabulary
// fit. It is part of the v2 contract: changing any rule here changes which ids a text gets, so
// TOKENIZER_ID must change with it (a refit vocabulary then gets a new version).
//
// Rules, applied in order:
// 1. Unicode NFKC normalisation (full-width letters, ligatures and styled digits fold to plain
//    ones), then `String.prototype.toLowerCase` (locale-independent).
// 2. Tokens are read left to right, the first matching rule wins at each position:
//    - one Han, Hiragana or Katakana character (these scripts do not separate words by spaces,
//      so each character stands on its own);
//    - a maximal run of other letters and combining marks (\p{L}, \p{M}): Latin, Cyrillic,
//      Arabic, Greek… words; an apostrophe splits ("don't" → "don", "t");
//    - a maximal run of decimal digits (\p{Nd}): kept as written when 1–3 digits long; longer
//      runs become the shape token `<num:N>` (N = digit count, capped at 12), so that phone
//      numbers and short codes generalise beyond the exact numbers seen in training;
//    - one currency sign (\p{Sc}: £ $ € ¥ …);
//    - one pictographic emoji (\p{Extended_Pictographic}); skin-tone modifiers and joiners are
//      dropped, so a ZWJ sequence gives one token per pictograph;
//    - one `!` or `?`.
//    Everything else (white space, other punctuation, symbols) separates tokens and is dropped.

export const TOKENIZER_ID = 'words/1';

const CJK_CHARACTER = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]`;
// Letters and marks, excluding the scripts above (a negative look-ahead: the `v` flag's set
// subtraction would say it shorter, but the project targets ES2023).
const WORD = String.raw`(?:(?!${CJK_CHARACTER})[\p{L}\p{M}])+`;
const TOKEN_PATTERN = new RegExp(
  [CJK_CHARACTER, WORD, String.raw`\p{Nd}+`, String.raw`\p{Sc}`, String.raw`\p{Extended_Pictographic}`, '[!?]'].join(
    '|',
  ),
  'gu',
);
const DIGITS = /^\p{Nd}+$/u;
const MAX_LITERAL_DIGITS = 3;
const MAX_NUMBER_SHAPE = 12;

/** The text as the tokenizer sees it: NFKC, lower case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function numberToken(digits: string): string {
  const length = [...digits].length;
  return length <= MAX_LITERAL_DIGITS ? digits : `<num:${Math.min(length, MAX_NUMBER_SHAPE)}>`;
}

/** Tokens of an already normalised text (see normalizeText), in order. */
export function tokenizeNormalized(normalized: string): string[] {
  const tokens: string[] = [];
  for (const match of normalized.matchAll(TOKEN_PATTERN)) {
    const token = match[0];
    tokens.push(DIGITS.test(token) ? numberToken(token) : token);
  }
  return tokens;
}

// View v1 (cue words) and view v2 (token ids) each tokenize the same text, one right after the
// other: the last text's tokens are kept, so the second asks for them for free.
let lastText: string | undefined;
let lastTokens: readonly string[] = [];

/** Tokens of a raw message text, in order. Pure and total: any string, even empty, is accepted. */
export function tokenize(text: string): readonly string[] {
  if (text !== lastText) {
    lastTokens = tokenizeNormalized(normalizeText(text));
    lastText = text;
  }
  return lastTokens;
}
