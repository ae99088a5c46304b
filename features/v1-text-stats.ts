// View v1: hand-made statistics of the message text, one named field per position.
// Every value is rounded to float32 (Math.fround) so that the number carried in records, stored
// in Cassandra and fed to an ONNX float32 input is the very same number the model was trained on.
// Ratios are 0 when their denominator is 0 (e.g. capital_ratio of a text without letters).
// Cue fields are 1 when any listed form occurs as a whole token of the tokenizer (NFKC, lower case,
// see tokenizer.ts), else 0: "FREE!!!" has `free`, "freedom" has not.
import { type TextProfile, profileText } from './text-profile.ts';
import type { FeatureField, FeatureView } from './view.ts';

interface FieldSpec extends FeatureField {
  readonly value: (p: TextProfile) => number;
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
const count = (text: string, pattern: RegExp): number => {
  let n = 0;
  for (const _ of text.matchAll(pattern)) n++;
  return n;
};

// A phone-number-like run: 5 or more digits, single spaces, dots or hyphens allowed between them.
const PHONE_LIKE = /\p{Nd}(?:[ .-]?\p{Nd}){4,}/gu;
const URL_LIKE =
  /(?:https?:\/\/|www\.)[^\s]+|\b[\p{L}\p{Nd}-]+\.(?:com|net|org|co\.uk|uk|biz|info|ly|me|tv|mobi|io|tk)\b/giu;
// A money amount: a currency sign next to a number, or a number followed by a price unit.
const MONEY_AMOUNT = /\p{Sc}\s?\p{Nd}|\p{Nd}\s?(?:p|ppm|pence|gbp|usd|eur|pounds?|dollars?)\b/giu;
const ALL_CAPS_WORD = /^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$/u;

function cue(name: string, forms: readonly string[], why: string): FieldSpec {
  return {
    name: `has_${name}`,
    description: `1 if any of ${forms.map((f) => `"${f}"`).join(', ')} is a token, else 0 (${why})`,
    value: (p) => (forms.some((form) => p.tokens.has(form)) ? 1 : 0),
  };
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'char_count', description: 'code points of the NFKC text', value: (p) => p.codePoints },
  { name: 'word_count', description: 'white-space separated chunks', value: (p) => p.chunks.length },
  {
    name: 'mean_word_length',
    description: 'mean code points per white-space separated chunk',
    value: (p) =>
      ratio(
        p.chunks.reduce((sum, c) => sum + [...c].length, 0),
        p.chunks.length,
      ),
  },
  {
    name: 'capital_ratio',
    description: 'capital letters (\\p{Lu}, \\p{Lt}) / letters (\\p{L})',
    value: (p) => ratio(p.capitals, p.letters),
  },
  {
    name: 'non_alpha_ratio',
    description: 'code points that are neither letters nor white space / all code points',
    value: (p) => ratio(p.codePoints - p.letters - p.spaces, p.codePoints),
  },
  {
    name: 'digit_ratio',
    description: 'decimal digits (\\p{Nd}) / all code points',
    value: (p) => ratio(p.digits, p.codePoints),
  },
  { name: 'digit_count', description: 'decimal digits (\\p{Nd})', value: (p) => p.digits },
  { name: 'longest_digit_run', description: 'longest run of consecutive digits', value: (p) => p.longestDigitRun },
  {
    name: 'phone_number_count',
    description: 'runs of 5+ digits, single space/dot/hyphen allowed between digits',
    value: (p) => count(p.text, PHONE_LIKE),
  },
  {
    name: 'url_count',
    description: 'http(s):// or www. links, and bare domains with a common top-level domain',
    value: (p) => count(p.text, URL_LIKE),
  },
  { name: 'currency_sign_count', description: 'currency signs (\\p{Sc}: £ $ € …)', value: (p) => p.currencySigns },
  {
    name: 'money_amount_count',
    description: 'a currency sign next to a digit, or a number followed by p/ppm/pence/gbp/usd/eur/pound(s)/dollar(s)',
    value: (p) => count(p.text, MONEY_AMOUNT),
  },
  { name: 'exclamation_count', description: 'exclamation marks', value: (p) => p.exclamations },
  {
    name: 'longest_exclamation_run',
    description: 'longest run of consecutive "!"',
    value: (p) => p.longestExclamationRun,
  },
  { name: 'question_count', description: 'question marks', value: (p) => p.questionMarks },
  {
    name: 'all_caps_word_count',
    description: 'chunks with at least two capital letters and no lower-case letter',
    value: (p) => p.chunks.filter((c) => ALL_CAPS_WORD.test(c)).length,
  },
  { name: 'emoji_count', description: 'pictographic emoji (\\p{Extended_Pictographic})', value: (p) => p.emoji },
  {
    name: 'non_latin_letter_ratio',
    description: 'letters outside the Latin script / letters',
    value: (p) => ratio(p.letters - p.latinLetters, p.letters),
  },
  cue('free', ['free'], 'spam cue'),
  cue('money', ['money'], 'spam cue'),
  cue('prize', ['prize', 'prizes'], 'spam cue'),
  cue('win', ['win', 'wins', 'winning'], 'spam cue'),
  cue('won', ['won'], 'spam cue'),
  cue('winner', ['winner', 'winners'], 'spam cue'),
  cue('cash', ['cash'], 'spam cue'),
  cue('call', ['call', 'calls'], 'spam cue (calls to a number)'),
  cue('txt', ['txt', 'text', 'sms'], 'spam cue (text a code)'),
  cue('claim', ['claim', 'claims'], 'spam cue'),
  cue('urgent', ['urgent', 'immediately', 'now'], 'spam cue (pressure)'),
  cue('mobile', ['mobile', 'mob', 'phone', 'ringtone', 'tone'], 'spam cue (handset offers)'),
  cue('reply', ['reply', 'send'], 'spam cue'),
  cue('stop', ['stop', 'unsubscribe', 'optout'], 'spam cue (opt-out instructions)'),
  cue('offer', ['offer', 'deal', 'discount', 'bonus', 'voucher', 'vouchers'], 'spam cue'),
  cue('award', ['award', 'awarded', 'guaranteed', 'selected', 'congratulations', 'congrats'], 'spam cue'),
  cue('channel', ['subscribe', 'channel', 'video', 'views', 'check'], 'comment-spam cue (self promotion)'),
  cue('first_person', ['i', 'me', 'my', 'im', 'ive'], 'ham cue (personal conversation)'),
  cue('chat', ['lol', 'haha', 'ok', 'ur', 'u', 'hey', 'home', 'later'], 'ham cue (chat between people)'),
];

export const V1_FIELDS: readonly FeatureField[] = FIELDS.map(({ name, description }) => ({ name, description }));

function computeTextStats(text: string): number[] {
  const profile = profileText(text);
  return FIELDS.map((field) => Math.fround(field.value(profile)));
}

export const textStatsView: FeatureView = Object.freeze({
  id: 'v1',
  name: 'text-stats',
  version: 1,
  description:
    'hand-made statistics of the message text: length, character-class ratios, digits, links, money, punctuation, cue words',
  length: FIELDS.length,
  dtype: 'float32',
  layout: Object.freeze({ kind: 'fields', fields: V1_FIELDS }),
  compute: computeTextStats,
});
