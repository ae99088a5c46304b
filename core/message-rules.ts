// What makes an SMS acceptable, in one place for the processors and the HTTP edge.
import { type Result, fail, ok } from './result.ts';

/** Message ids: letters, digits and `._:-`, 1–128 characters (they are Kafka keys and Cassandra partition keys). */
export const SMS_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const SMS_ID_PATTERN_SOURCE = '^[A-Za-z0-9._:-]{1,128}$';

export function checkSmsId(smsId: string): Result<string> {
  return SMS_ID_PATTERN.test(smsId)
    ? ok(smsId)
    : fail(
        'INVALID_FIELD',
        `sms_id ${JSON.stringify(smsId.slice(0, 140))} must be 1–128 characters of A–Z a–z 0–9 . _ : -`,
      );
}

/** Texts must have a non-blank character and at most `maxBytes` UTF-8 bytes. */
export function checkText(text: string, maxBytes: number): Result<string> {
  if (text.trim().length === 0) return fail('EMPTY_TEXT', 'the text is empty or only white space');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return fail('TEXT_TOO_LONG', `the text has ${bytes} UTF-8 bytes; the limit is ${maxBytes}`);
  return ok(text);
}

/** What a user may say a message is, and what a model predicts: spam is the positive class. */
export const LABELS = ['spam', 'ham'] as const;
export type SpamLabel = (typeof LABELS)[number];

export function checkLabel(label: unknown, what = 'label'): Result<SpamLabel> {
  return label === 'spam' || label === 'ham'
    ? ok(label)
    : fail('INVALID_FIELD', `${what} ${JSON.stringify(label)?.slice(0, 140)} is not spam or ham`);
}

/**
 * Of two labels of one message, the one that stands: given later, or at the same time the greater
 * (spam over ham), so labels merged in any order end the same. Live quality, its label store and
 * the training set from labels all keep labels by this rule.
 */
export const laterLabel = <T extends { readonly label: SpamLabel; readonly labelledAt: number }>(a: T, b: T): T =>
  b.labelledAt > a.labelledAt || (b.labelledAt === a.labelledAt && b.label > a.label) ? b : a;

/** A label record as every entry point writes it and every reader accepts it. */
export function checkLabelRecord<T extends { sms_id: string; label: string; labelled_at: number }>(
  record: T,
): Result<T & { label: SpamLabel }> {
  const id = checkSmsId(record.sms_id);
  if (!id.ok) return id;
  const label = checkLabel(record.label, `label of ${record.sms_id}`);
  if (!label.ok) return label;
  if (!Number.isSafeInteger(record.labelled_at) || record.labelled_at < 0)
    return fail('INVALID_FIELD', `labelled_at ${record.labelled_at} of ${record.sms_id} is not epoch milliseconds`);
  return ok(record as T & { label: SpamLabel });
}
