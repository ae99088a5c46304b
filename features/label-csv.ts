// Streaming reader of label files (`sms_id,label[,labelled_at]` in any column order, RFC 4180, header
// first) for `spamstream label`. One record at a time, so memory stays constant whatever the file
// size; a bad row never stops the read: it is handed to `onProblem` with its line, and skipped.
import { checkLabel, checkSmsId, type SpamLabel } from '../core/message-rules.ts';
import { readCsvRecords } from './csv-records.ts';
import { CsvFileError, type RowProblem } from './sms-csv.ts';

export interface LabelRow {
  /** 1-based line of the file where the record starts (the header is line 1). */
  readonly line: number;
  readonly smsId: string;
  readonly label: SpamLabel;
  /** When the label was given, epoch ms, when the file says. */
  readonly labelledAt?: number;
}

export interface LabelReadOptions {
  readonly onProblem: (problem: RowProblem) => void;
  /** Called as the file is read with the bytes read so far, for progress display. */
  readonly onBytes?: (bytes: number) => void;
}

/** `labelled_at` as epoch milliseconds or an ISO-8601 time with a zone; undefined when it is neither. */
export function parseLabelTime(text: string): number | undefined {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (!/^\d{4}-\d\d-\d\dT.*(Z|[+-]\d\d:?\d\d)$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Yields the valid rows of a label file in file order; reports the others through onProblem. */
export async function* readLabelCsv(path: string, options: LabelReadOptions): AsyncGenerator<LabelRow> {
  let columns: { id: number; label: number; at: number; count: number } | undefined;
  for await (const record of readCsvRecords(path, 4096, options.onBytes)) {
    if (columns === undefined) {
      if ('error' in record)
        throw new CsvFileError(`${path}:${record.line}: the header is not valid CSV: ${record.error}`);
      const names = record.fields.map((name) => name.trim());
      const find = (name: string) => names.indexOf(name);
      for (const required of ['sms_id', 'label'])
        if (find(required) < 0)
          throw new CsvFileError(`${path}: the header has no "${required}" column (found: ${names.join(', ')})`);
      columns = { id: find('sms_id'), label: find('label'), at: find('labelled_at'), count: names.length };
      continue;
    }
    if ('error' in record) {
      options.onProblem({ line: record.line, code: 'CSV_SYNTAX', reason: record.error });
      continue;
    }
    const row = checkRow(record.fields, record.line, columns);
    if ('code' in row) options.onProblem(row);
    else yield row;
  }
  if (columns === undefined) throw new CsvFileError(`${path}: the file is empty (no header)`);
}

function checkRow(
  fields: readonly string[],
  line: number,
  columns: { id: number; label: number; at: number; count: number },
): LabelRow | RowProblem {
  if (fields.length !== columns.count)
    return { line, code: 'CSV_SYNTAX', reason: `${fields.length} fields where the header has ${columns.count}` };
  const smsId = (fields[columns.id] ?? '').trim();
  if (smsId === '') return { line, code: 'MISSING_FIELD', reason: 'sms_id is empty' };
  const id = checkSmsId(smsId);
  if (!id.ok) return { line, code: id.code, reason: id.reason };
  const label = checkLabel(fields[columns.label]?.trim(), `label of ${smsId}`);
  if (!label.ok) return { line, code: label.code, reason: label.reason };
  const atText = columns.at < 0 ? '' : (fields[columns.at] ?? '').trim();
  if (atText === '') return { line, smsId, label: label.value };
  const labelledAt = parseLabelTime(atText);
  if (labelledAt === undefined)
    return {
      line,
      code: 'INVALID_FIELD',
      reason: `labelled_at of ${smsId} is ${JSON.stringify(atText)}: epoch milliseconds or an ISO-8601 time with its zone`,
    };
  return { line, smsId, label: label.value, labelledAt };
}
