// One pass over a message that counts what the v1 statistics need, so that the ~40 fields do not
// each rescan the text. Everything is counted in Unicode code points of the NFKC-normalised text,
// never in UTF-16 units: an emoji or a supplementary-plane letter counts once.
// Character classes are Unicode properties:
//   letter = \p{L}; capital = \p{Lu} or \p{Lt}; digit = \p{Nd}; space = \p{White_Space};
//   Latin letter = \p{Script=Latin}; emoji = \p{Extended_Pictographic}; currency = \p{Sc}.
import { tokenize } from './tokenizer.ts';

export interface TextProfile {
  readonly codePoints: number;
  readonly letters: number;
  readonly capitals: number;
  readonly latinLetters: number;
  readonly digits: number;
  readonly spaces: number;
  readonly emoji: number;
  readonly currencySigns: number;
  readonly exclamations: number;
  readonly longestExclamationRun: number;
  readonly questionMarks: number;
  readonly longestDigitRun: number;
  /** White-space separated chunks of the NFKC text, as written (case kept). */
  readonly chunks: readonly string[];
  /** The NFKC text, case kept. */
  readonly text: string;
  /** The tokenizer's tokens (lower case), as a set for cue-word look-ups. */
  readonly tokens: ReadonlySet<string>;
}

const LETTER = /\p{L}/u;
const CAPITAL = /[\p{Lu}\p{Lt}]/u;
const LATIN = /\p{Script=Latin}/u;
const DIGIT = /\p{Nd}/u;
const SPACE = /\p{White_Space}/u;
const EMOJI = /\p{Extended_Pictographic}/u;
const CURRENCY = /\p{Sc}/u;

type CharClass = 'upper' | 'lower' | 'digit' | 'space' | 'other';

/** Class of an ASCII code point without a regular expression: most SMS text is ASCII. */
function asciiClass(code: number): CharClass {
  if (code >= 65 && code <= 90) return 'upper';
  if (code >= 97 && code <= 122) return 'lower';
  if (code >= 48 && code <= 57) return 'digit';
  if (code === 32 || (code >= 9 && code <= 13)) return 'space';
  return 'other';
}

export function profileText(raw: string): TextProfile {
  const text = raw.normalize('NFKC');
  let codePoints = 0,
    letters = 0,
    capitals = 0,
    latinLetters = 0,
    digits = 0,
    spaces = 0;
  let emoji = 0,
    currencySigns = 0,
    exclamations = 0,
    questionMarks = 0;
  let exclamationRun = 0,
    longestExclamationRun = 0,
    digitRun = 0,
    longestDigitRun = 0;

  for (const ch of text) {
    codePoints++;
    const code = ch.codePointAt(0) ?? 0;
    let isDigit = false;
    if (code < 128) {
      const cls = asciiClass(code);
      if (cls === 'upper' || cls === 'lower') {
        letters++;
        latinLetters++;
        if (cls === 'upper') capitals++;
      } else if (cls === 'digit') {
        digits++;
        isDigit = true;
      } else if (cls === 'space') {
        spaces++;
      } else if (code === 36) {
        currencySigns++; // $
      }
    } else if (LETTER.test(ch)) {
      letters++;
      if (CAPITAL.test(ch)) capitals++;
      if (LATIN.test(ch)) latinLetters++;
    } else if (DIGIT.test(ch)) {
      digits++;
      isDigit = true;
    } else if (SPACE.test(ch)) {
      spaces++;
    } else if (CURRENCY.test(ch)) {
      currencySigns++;
    }
    // Some pictographs (©, ®, ‼) are not letters; count emoji independently of the classes above.
    if (code >= 128 && EMOJI.test(ch)) emoji++;

    if (code === 33) {
      exclamations++;
      exclamationRun++;
      longestExclamationRun = Math.max(longestExclamationRun, exclamationRun);
    } else {
      exclamationRun = 0;
    }
    if (code === 63) questionMarks++;
    digitRun = isDigit ? digitRun + 1 : 0;
    longestDigitRun = Math.max(longestDigitRun, digitRun);
  }

  return {
    codePoints,
    letters,
    capitals,
    latinLetters,
    digits,
    spaces,
    emoji,
    currencySigns,
    exclamations,
    longestExclamationRun,
    questionMarks,
    longestDigitRun,
    chunks: text.split(/\p{White_Space}+/u).filter((chunk) => chunk.length > 0),
    text,
    tokens: new Set(tokenize(raw)),
  };
}
