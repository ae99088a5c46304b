import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRecord } from './csv-records.ts';
import { type RowProblem, type SmsRow, readSmsCsv } from './sms-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'spamstream-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function read(
  content: string,
  requireLabel = true,
  maxTextBytes = 100,
): Promise<{ rows: SmsRow[]; problems: RowProblem[] }> {
  const path = join(dir, `f${files++}.csv`);
  writeFileSync(path, content);
  const rows: SmsRow[] = [];
  const problems: RowProblem[] = [];
  for await (const row of readSmsCsv(path, { requireLabel, maxTextBytes, onProblem: (p) => problems.push(p) }))
    rows.push(row);
  return { rows, problems };
}

describe('parseRecord', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, and empty fields', () => {
    expect(parseRecord('a,"b, ""c""\nd",,e,')).toEqual(['a', 'b, "c"\nd', '', 'e', '']);
  });
  it('rejects stray quotes', () => {
    expect(parseRecord('a,"b"c,d')).toMatch(/after a closing quote/);
    expect(parseRecord('a,b"c,d')).toMatch(/unquoted field/);
  });
});

describe('readSmsCsv', () => {
  it('reads rows with their starting line, in any column order, ignoring extra columns', async () => {
    const { rows, problems } = await read(
      '\uFEFFlabel,extra,text,sms_id\r\nham,x,"hi, there",a1\r\nspam,y,"two\nlines",a2\r\n\r\nham,z,last,a3',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, smsId: 'a1', text: 'hi, there', label: 'ham' },
      { line: 3, smsId: 'a2', text: 'two\nlines', label: 'spam' },
      { line: 6, smsId: 'a3', text: 'last', label: 'ham' },
    ]);
  });

  it('reports each bad row with its line and code, and keeps every good row after it', async () => {
    const csv = [
      'sms_id,text,label',
      'b1,"broken "quote" here",ham',
      ',no id,ham',
      'b3,,ham',
      'b4,too,many,fields',
      `b5,${'x'.repeat(101)},ham`,
      'b6,no label,maybe',
      'g1,good one,ham',
      'b8,"opened and never closed,ham',
      'g2,good two,spam',
      'b 11,space in the id,ham',
    ].join('\n');
    const { rows, problems } = await read(csv, true, 100);
    expect(rows.map((r) => r.smsId)).toEqual(['g1', 'g2']);
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [2, 'CSV_SYNTAX'],
      [3, 'MISSING_FIELD'],
      [4, 'EMPTY_TEXT'],
      [5, 'CSV_SYNTAX'],
      [6, 'TEXT_TOO_LONG'],
      [7, 'INVALID_FIELD'],
      [9, 'CSV_SYNTAX'],
      [11, 'INVALID_FIELD'],
    ]);
  });

  it('gives up on an open quote after a bounded size and rereads the lines after it', async () => {
    const lines = ['sms_id,text', 'b1,"open', ...Array.from({ length: 100 }, (_, i) => `g${i},row ${i} is fine`)];
    const { rows, problems } = await read(lines.join('\n'), false, 100);
    expect(problems).toEqual([
      { line: 2, code: 'CSV_SYNTAX', reason: expect.stringMatching(/not closed within 1224 characters/) },
    ]);
    expect(rows).toHaveLength(100);
    expect(rows[0]).toEqual({ line: 3, smsId: 'g0', text: 'row 0 is fine' });
  });

  it('accepts rows without labels when labels are not required', async () => {
    const { rows } = await read('sms_id,text\nx,hello', false);
    expect(rows).toEqual([{ line: 2, smsId: 'x', text: 'hello' }]);
  });

  it('fails the whole file when the header lacks a required column', async () => {
    await expect(read('id,text\n1,hi', false)).rejects.toThrow(/no "sms_id" column/);
    await expect(read('sms_id,text\n1,hi', true)).rejects.toThrow(/no "label" column/);
    await expect(read('', false)).rejects.toThrow(/empty/);
  });
});
