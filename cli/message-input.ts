// Messages for `spamstream produce`: texts from the command line, or rows of a CSV (header with a
// `text` column; `sms_id`, `sender`, `recipient` optional) or JSON-lines file. A bad row is
// reported with its line number and skipped.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type CsvError, parse } from 'csv-parse';

export interface InputMessage {
  readonly smsId?: string;
  readonly text: string;
  readonly sender?: string;
  readonly recipient?: string;
}

export type ReportProblem = (line: number, reason: string) => void;

export async function* readMessages(
  texts: readonly string[],
  file: string | undefined,
  onProblem: ReportProblem,
): AsyncGenerator<InputMessage> {
  for (const text of texts) yield { text };
  if (!file) return;
  yield* file.endsWith('.jsonl') || file.endsWith('.ndjson')
    ? readJsonLines(file, onProblem)
    : readCsv(file, onProblem);
}

function toMessage(row: Record<string, unknown>): InputMessage | string {
  const text = row.text;
  if (typeof text !== 'string' || text === '') return 'no text';
  const optional = (name: string) =>
    typeof row[name] === 'string' && row[name] !== '' ? (row[name] as string) : undefined;
  return { text, smsId: optional('sms_id'), sender: optional('sender'), recipient: optional('recipient') };
}

async function* readCsv(path: string, onProblem: ReportProblem): AsyncGenerator<InputMessage> {
  const parser = createReadStream(path).pipe(
    parse({
      columns: (header: string[]) => {
        const names = header.map((name) => name.trim().replace(/^\uFEFF/u, ''));
        if (!names.includes('text'))
          throw new Error(`${path}: the header has no "text" column (found: ${names.join(', ')})`);
        return names;
      },
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined): undefined => {
        onProblem(Number((error as { lines?: number } | undefined)?.lines ?? 0), error?.message ?? 'unreadable record');
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    const message = toMessage(record);
    if (typeof message === 'string') onProblem(info.lines, message);
    else yield message;
  }
}

async function* readJsonLines(path: string, onProblem: ReportProblem): AsyncGenerator<InputMessage> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (error) {
      onProblem(line, `not JSON: ${(error as Error).message}`);
      continue;
    }
    const message = row && typeof row === 'object' ? toMessage(row as Record<string, unknown>) : 'not a JSON object';
    if (typeof message === 'string') onProblem(line, message);
    else yield message;
  }
}
