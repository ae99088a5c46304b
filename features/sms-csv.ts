// Streaming reader of SMS CSV files (`sms_id,text[,label]`, RFC 4180, header first), the offline
// source of texts for the feature export, the vocabulary fit and batch prediction. One record at a
// time, so memory stays constant whatever the file size. A bad row never stops the read: it is
// handed to `onProblem` with its line number (the line the record starts on) and skipped.
import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import type { ErrorCode } from '../core/errors.ts';

export type Label = 'ham' | 'spam';

export interface SmsRow {
  /** 1-based line of the file where the record starts (the header is line 1). */
  readonly line: number;
  readonly smsId: string;
  readonly text: string;
  /** Present when the file has a label column. */
  readonly label?: Label;
}

export interface RowProblem {
  readonly line: number;
  /** An error-catalogue code, or CSV_SYNTAX for a record the CSV parser could not read. */
  readonly code: ErrorCode | 'CSV_SYNTAX';
  readonly reason: string;
}

export interface ReadOptions {
  /** Rows without a valid ham/spam label are problems (training data) rather than label-less rows. */
  readonly requireLabel: boolean;
  /** Texts longer than this many UTF-8 bytes are problems (config.pipeline.maxTextBytes). */
  readonly maxTextBytes: number;
  readonly onProblem: (problem: RowProblem) => void;
  /** Called after each record with the bytes read so far, for progress display. */
  readonly onBytes?: (bytes: number) => void;
}

/** Thrown when the file as a whole is unusable (e.g. its header lacks a required column). */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
}

function countNewlines(values: readonly string[]): number {
  let n = 0;
  for (const value of values) n += value.split('\n').length - 1;
  return n;
}

function checkRow(record: Record<string, string>, line: number, options: ReadOptions): SmsRow | RowProblem {
  const smsId = (record.sms_id ?? '').trim();
  const text = record.text ?? '';
  if (smsId === '') return { line, code: 'MISSING_FIELD', reason: 'sms_id is empty' };
  if (text.trim() === '') return { line, code: 'EMPTY_TEXT', reason: `text of ${smsId} is empty` };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > options.maxTextBytes) {
    return { line, code: 'TEXT_TOO_LONG', reason: `text of ${smsId} has ${bytes} UTF-8 bytes, more than ${options.maxTextBytes}` };
  }
  const label = record.label?.trim();
  if (label === 'ham' || label === 'spam') return { line, smsId, text, label };
  if (options.requireLabel) return { line, code: 'INVALID_FIELD', reason: `label of ${smsId} is ${JSON.stringify(label ?? null)}, not ham or spam` };
  return { line, smsId, text };
}

/** Yields the valid rows of a CSV file in file order; reports the others through onProblem. */
export async function* readSmsCsv(path: string, options: ReadOptions): AsyncGenerator<SmsRow> {
  const reportedLines = new Set<number>();
  const skip = (error: CsvError | undefined): undefined => {
    const line = Number((error as { lines?: unknown } | undefined)?.lines ?? 0);
    // The parser can raise several errors for one broken record: report the line once.
    if (reportedLines.has(line)) return;
    reportedLines.add(line);
    options.onProblem({ line, code: 'CSV_SYNTAX', reason: error?.message ?? 'unreadable record' });
  };
  const parser = createReadStream(path).pipe(parse({
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim().replace(/^\uFEFF/u, ''));
      for (const required of ['sms_id', 'text', ...(options.requireLabel ? ['label'] : [])]) {
        if (!names.includes(required)) throw new CsvFileError(`${path}: the header has no "${required}" column (found: ${names.join(', ')})`);
      }
      return names;
    },
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: skip,
  }));
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
    const line = item.info.lines - countNewlines(Object.values(item.record));
    const row = checkRow(item.record, line, options);
    if ('code' in row) options.onProblem(row);
    else yield row;
    options.onBytes?.(item.info.bytes);
  }
}
