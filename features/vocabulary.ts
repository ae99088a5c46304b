// The v2 vocabulary: which token gets which id. It is fitted on the training split only (never on
// validation texts, whose words would otherwise leak into the model), written as a versioned JSON
// artifact next to the models (models/vocab/v2.json), and read back by the v2 view.
//
// Fit rule: count in how many training texts each token occurs (document frequency); keep tokens
// with df >= minDocumentFrequency; order them by df descending, ties by code-unit order of the
// token; keep the first maxSize - 2. Id 0 is padding, id 1 is out-of-vocabulary, kept tokens get
// ids 2, 3, … in that order. The same texts in the same order always give a byte-identical file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TOKENIZER_ID, tokenize } from './tokenizer.ts';

export const VOCABULARY_FORMAT = 'spamstream.vocabulary/1';
export const PAD_TOKEN = '<pad>';
export const OOV_TOKEN = '<oov>';

export interface Vocabulary {
  readonly format: typeof VOCABULARY_FORMAT;
  readonly view: string;
  /** Integer version: raised by a refit whenever tokens, tokenizer or sequence length change. */
  readonly version: number;
  readonly tokenizer: string;
  readonly sequenceLength: number;
  readonly padId: 0;
  readonly oovId: 1;
  readonly size: number;
  readonly minDocumentFrequency: number;
  readonly maxSize: number;
  readonly fittedOn: { readonly split: string; readonly rows: number; readonly textsSha256: string };
  /** sha256 of the token list (one token per line), the identity of the mapping. */
  readonly tokensSha256: string;
  /** tokens[id]; tokens[0] = "<pad>", tokens[1] = "<oov>". */
  readonly tokens: readonly string[];
}

export interface FitOptions {
  readonly sequenceLength: number;
  readonly maxSize: number;
  readonly minDocumentFrequency: number;
  /** The vocabulary this fit replaces, if any: its version is kept when nothing changed. */
  readonly previous?: Vocabulary | undefined;
  readonly view?: string;
  readonly split?: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Fingerprint of an ordered list of texts: each text's UTF-8 length, a colon, then its bytes. */
export function fingerprintTexts(texts: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${Buffer.byteLength(text, 'utf8')}:`).update(text, 'utf8');
  return hash.digest('hex');
}

export function fitVocabulary(texts: readonly string[], options: FitOptions): Vocabulary {
  if (options.maxSize < 3) throw new RangeError('maxSize must leave room for padding, OOV and one token');
  const documentFrequency = new Map<string, number>();
  for (const text of texts) {
    for (const token of new Set(tokenize(text))) documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
  }
  const kept = [...documentFrequency]
    .filter(([, df]) => df >= options.minDocumentFrequency)
    .sort(([a, dfA], [b, dfB]) => dfB - dfA || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, options.maxSize - 2)
    .map(([token]) => token);
  const tokens = [PAD_TOKEN, OOV_TOKEN, ...kept];
  const tokensSha256 = sha256(tokens.join('\n'));
  const previous = options.previous;
  const unchanged =
    previous !== undefined &&
    previous.tokensSha256 === tokensSha256 &&
    previous.tokenizer === TOKENIZER_ID &&
    previous.sequenceLength === options.sequenceLength;
  return {
    format: VOCABULARY_FORMAT,
    view: options.view ?? 'v2',
    version: previous === undefined ? 1 : unchanged ? previous.version : previous.version + 1,
    tokenizer: TOKENIZER_ID,
    sequenceLength: options.sequenceLength,
    padId: 0,
    oovId: 1,
    size: tokens.length,
    minDocumentFrequency: options.minDocumentFrequency,
    maxSize: options.maxSize,
    fittedOn: { split: options.split ?? 'train', rows: texts.length, textsSha256: fingerprintTexts(texts) },
    tokensSha256,
    tokens,
  };
}

/** Checks a parsed JSON value and returns it as a Vocabulary, or throws naming what is wrong. */
export function parseVocabulary(value: unknown, source = 'vocabulary'): Vocabulary {
  const v = value as Partial<Vocabulary> | null;
  const problems: string[] = [];
  if (v === null || typeof v !== 'object') throw new Error(`${source}: not a JSON object`);
  if (v.format !== VOCABULARY_FORMAT) problems.push(`format is not ${VOCABULARY_FORMAT}`);
  if (!Number.isInteger(v.version) || (v.version ?? 0) < 1) problems.push('version must be a positive integer');
  if (!Number.isInteger(v.sequenceLength) || (v.sequenceLength ?? 0) < 1)
    problems.push('sequenceLength must be a positive integer');
  if (!Array.isArray(v.tokens) || v.tokens.some((t) => typeof t !== 'string'))
    problems.push('tokens must be a list of strings');
  else {
    if (v.tokens[0] !== PAD_TOKEN || v.tokens[1] !== OOV_TOKEN) problems.push('tokens must start with <pad>, <oov>');
    if (v.size !== v.tokens.length) problems.push(`size ${v.size} differs from ${v.tokens.length} tokens`);
    if (new Set(v.tokens).size !== v.tokens.length) problems.push('tokens must be distinct');
    if (v.tokensSha256 !== sha256(v.tokens.join('\n'))) problems.push('tokensSha256 does not match the tokens');
  }
  if (v.tokenizer !== TOKENIZER_ID)
    problems.push(`tokenizer ${v.tokenizer} is not this code's ${TOKENIZER_ID}: refit the vocabulary`);
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return v as Vocabulary;
}

export function readVocabulary(path: string): Vocabulary {
  return parseVocabulary(JSON.parse(readFileSync(path, 'utf8')), path);
}

/** Serialised form: stable key order, one token per line so that diffs of a refit stay readable. */
export function serializeVocabulary(vocabulary: Vocabulary): string {
  const { tokens, ...header } = vocabulary;
  const head = JSON.stringify(header, null, 2).slice(0, -2);
  return `${head},\n  "tokens": [\n${tokens.map((t) => `    ${JSON.stringify(t)}`).join(',\n')}\n  ]\n}\n`;
}
