// RFC 4180 records from a stream of lines, with recovery. A generic CSV parser that meets a broken
// quote keeps reading in the wrong state and swallows the good rows after it; here each record is
// cut out first (lines are joined only while a quoted field is open) and parsed on its own, so a
// bad record costs only itself. A quote left open for more than `maxRecordChars` is reported at
// the line where its record started, and the lines after that line are read again as fresh rows.
import { createReadStream } from 'node:fs';

export type CsvRecord =
  | { readonly line: number; readonly fields: string[] }
  | { readonly line: number; readonly error: string };

/** Fields of one complete record, or the reason it is not valid RFC 4180. */
export function parseRecord(raw: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (raw[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = raw.indexOf('"', i);
        if (close < 0) return 'a quoted field is not closed';
        value += raw.slice(i, close);
        if (raw[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < raw.length && raw[i] !== ',')
        return `unexpected ${JSON.stringify(raw[i])} after a closing quote (a quote inside a quoted field must be doubled)`;
      fields.push(value);
    } else {
      const comma = raw.indexOf(',', i);
      const value = raw.slice(i, comma < 0 ? raw.length : comma);
      if (value.includes('"')) return 'a quote inside an unquoted field';
      fields.push(value);
      i += value.length;
    }
    if (i >= raw.length) return fields;
    i++; // the comma
    if (i === raw.length) {
      fields.push('');
      return fields;
    }
  }
}

const countQuotes = (line: string): number => {
  let n = 0;
  for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) n++;
  return n;
};

interface Line {
  readonly number: number;
  readonly text: string;
}

/**
 * Physical lines, split on LF only. A CR stays in the text (node:readline would also split on a
 * lone CR and drop the CR of CRLF, changing texts whose quoted fields hold CRLF); records drop the
 * CR of their own CRLF terminator.
 */
async function* physicalLines(path: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      yield text.slice(start, end);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') yield rest;
}

/** Records of a CSV file in order (the header included), each with the line it starts on. */
export async function* readCsvRecords(
  path: string,
  maxRecordChars: number,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<CsvRecord> {
  const replay: Line[] = [];
  let pending: Line[] = [];
  let quotes = 0;
  let size = 0;
  let bytes = 0;
  let number = 0;

  const take = (line: Line): CsvRecord | undefined => {
    if (pending.length === 0 && line.text.trim() === '') return undefined; // blank lines between records
    pending.push(line);
    quotes += countQuotes(line.text);
    size += line.text.length;
    if (quotes % 2 === 0) {
      const raw = pending
        .map((l) => l.text)
        .join('\n')
        .replace(/\r$/u, '');
      const start = pending[0]!.number;
      pending = [];
      quotes = 0;
      size = 0;
      const fields = parseRecord(raw);
      return typeof fields === 'string' ? { line: start, error: fields } : { line: start, fields };
    }
    return size > maxRecordChars
      ? giveUp(`a quote opened here is not closed within ${maxRecordChars} characters`)
      : undefined;
  };
  // The open quote was a mistake: report its record's first line, read the others again.
  const giveUp = (reason: string): CsvRecord => {
    const [first, ...rest] = pending;
    pending = [];
    quotes = 0;
    size = 0;
    replay.unshift(...rest);
    return { line: first!.number, error: reason };
  };
  const drain = function* (): Generator<CsvRecord> {
    while (replay.length > 0) {
      const record = take(replay.shift()!);
      if (record) yield record;
    }
  };

  for await (const text of physicalLines(path)) {
    number++;
    bytes += Buffer.byteLength(text, 'utf8') + 1;
    const record = take({ number, text: number === 1 ? text.replace(/^\uFEFF/u, '') : text });
    if (record) yield record;
    yield* drain();
    onBytes?.(bytes);
  }
  while (pending.length > 0) {
    yield giveUp('a quote opened here is not closed before the end of the file');
    yield* drain();
  }
}
