// Streaming reader of SMS CSV files (`sms_id,text[,label]` in any column order, RFC 4180, header
// first), the offline source of texts for the feature export, the vocabulary fit and batch
// prediction. One record at a time, so memory stays constant whatever the file size. A bad row
// never stops the read: it is handed to `onProblem` with the line it starts on, and skipped.
import type { ErrorCode } from '../core/errors.ts';
import { checkSmsId, checkText } from '../core/message-rules.ts';
import { readCsvRecords } from './csv-records.ts';

export type Label = 'ham' | 'spam';

export interface SmsRow {
  /** 1-based line of the file where the record starts (the header is line 1). */
  readonly line: number;
  readonly smsId: string;
  readonly text: string;
  /** Present when the file has a label column and the row a valid label. */
  readonly label?: Label;
}

export interface RowProblem {
  readonly line: number;
  /** An error-catalogue code, or CSV_SYNTAX for a record that is not valid CSV. */
  readonly code: ErrorCode | 'CSV_SYNTAX';
  readonly reason: string;
}

export interface ReadOptions {
  /** Rows without a valid ham/spam label are problems (training data) rather than label-less rows. */
  readonly requireLabel: boolean;
  /** Texts longer than this many UTF-8 bytes are problems (config.pipeline.maxTextBytes). */
  readonly maxTextBytes: number;
  readonly onProblem: (problem: RowProblem) => void;
  /** Called as the file is read with the bytes read so far, for progress display. */
  readonly onBytes?: (bytes: number) => void;
}

/** Thrown when the file as a whole is unusable (e.g. its header lacks a required column). */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
}

interface Columns {
  readonly id: number;
  readonly text: number;
  readonly label: number;
  readonly count: number;
}

function columnsOf(header: readonly string[], path: string, requireLabel: boolean): Columns {
  const names = header.map((name) => name.trim());
  const find = (name: string, required: boolean): number => {
    const index = names.indexOf(name);
    if (index < 0 && required)
      throw new CsvFileError(`${path}: the header has no "${name}" column (found: ${names.join(', ')})`);
    return index;
  };
  return {
    id: find('sms_id', true),
    text: find('text', true),
    label: find('label', requireLabel),
    count: names.length,
  };
}

function checkRow(
  fields: readonly string[],
  line: number,
  columns: Columns,
  options: ReadOptions,
): SmsRow | RowProblem {
  if (fields.length !== columns.count) {
    return {
      line,
      code: 'CSV_SYNTAX',
      reason: `${fields.length} fields where the header has ${columns.count} (an unquoted comma?)`,
    };
  }
  const smsId = (fields[columns.id] ?? '').trim();
  const text = fields[columns.text] ?? '';
  if (smsId === '') return { line, code: 'MISSING_FIELD', reason: 'sms_id is empty' };
  // The processors' rules (core/message-rules.ts), so an offline row is accepted exactly when a live one would be.
  const id = checkSmsId(smsId);
  if (!id.ok) return { line, code: id.code, reason: id.reason };
  const checked = checkText(text, options.maxTextBytes);
  if (!checked.ok) return { line, code: checked.code, reason: `text of ${smsId}: ${checked.reason}` };
  const label = columns.label < 0 ? undefined : fields[columns.label]?.trim();
  if (label === 'ham' || label === 'spam') return { line, smsId, text, label };
  if (options.requireLabel)
    return {
      line,
      code: 'INVALID_FIELD',
      reason: `label of ${smsId} is ${JSON.stringify(label ?? null)}, not ham or spam`,
    };
  return { line, smsId, text };
}

/** Yields the valid rows of a CSV file in file order; reports the others through onProblem. */
export async function* readSmsCsv(path: string, options: ReadOptions): AsyncGenerator<SmsRow> {
  // Room for the longest acceptable text with every character a doubled quote, plus the other fields.
  const maxRecordChars = 2 * options.maxTextBytes + 1024;
  let columns: Columns | undefined;
  for await (const record of readCsvRecords(path, maxRecordChars, options.onBytes)) {
    if (columns === undefined) {
      if ('error' in record)
        throw new CsvFileError(`${path}:${record.line}: the header is not valid CSV: ${record.error}`);
      columns = columnsOf(record.fields, path, options.requireLabel);
      continue;
    }
    const row =
      'error' in record
        ? { line: record.line, code: 'CSV_SYNTAX' as const, reason: record.error }
        : checkRow(record.fields, record.line, columns, options);
    if ('code' in row) options.onProblem(row);
    else yield row;
  }
  if (columns === undefined) throw new CsvFileError(`${path}: the file is empty (no header)`);
}
