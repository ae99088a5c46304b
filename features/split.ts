// The train/validation split, decided once here and written into every export row, so Python reads
// it instead of recomputing it. A row's side depends only on its text: the first four bytes of
// SHA-256 of the comparison key (NFKC, lower case, white space collapsed to one space and trimmed),
// read as a big-endian unsigned integer, modulo 100; below VALIDATION_PERCENT means validation.
// Keying on the text rather than on sms_id keeps repeated messages (the data set has hundreds of
// exact duplicates) on one side, so validation never scores a text the model was trained on.
import { createHash } from 'node:crypto';

export type Split = 'train' | 'validation';

export const VALIDATION_PERCENT = 20;

export function splitKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\p{White_Space}+/gu, ' ')
    .trim();
}

export function splitOf(text: string): Split {
  const digest = createHash('sha256').update(splitKey(text), 'utf8').digest();
  return digest.readUInt32BE(0) % 100 < VALIDATION_PERCENT ? 'validation' : 'train';
}
