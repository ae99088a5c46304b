// labelCsv on small files with a fake writer: what is sent, in which batches, which lines are
// reported, and the times given (the later of two lines for one message wins).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RowProblem } from '../../features/sms-csv.ts';
import type { SmsLabel } from '../../schemas/index.ts';
import { labelCsv } from './label.ts';

const dir = mkdtempSync(join(tmpdir(), 'spamstream-label-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

async function run(path: string, batchSize = 2) {
  const batches: SmsLabel[][] = [];
  const problems: RowProblem[] = [];
  const summary = await labelCsv({
    input: path,
    batchSize,
    source: 'cli',
    send: async (labels) => {
      batches.push([...labels]);
    },
    onProblem: (problem) => problems.push(problem),
    now: () => 1_000,
  });
  return { batches, problems, summary };
}

describe('labelCsv', () => {
  it('sends every good line in batches, and reports each bad line with its number and code', async () => {
    const path = file('mixed.csv', [
      'sms_id,label',
      'sms-1,spam',
      'sms-2, ham ',
      ',spam',
      'sms 3,spam',
      'sms-4,spma',
      'sms-5,"broken "quote"',
      'sms-6,ham,extra',
      'sms-7,SPAM',
      'sms-8,spam',
    ]);
    const { batches, problems, summary } = await run(path);
    expect(batches.map((batch) => batch.map((l) => `${l.sms_id}=${l.label}`))).toEqual([
      ['sms-1=spam', 'sms-2=ham'],
      ['sms-8=spam'],
    ]);
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [4, 'MISSING_FIELD'],
      [5, 'INVALID_FIELD'],
      [6, 'INVALID_FIELD'],
      [7, 'CSV_SYNTAX'],
      [8, 'CSV_SYNTAX'],
      [9, 'INVALID_FIELD'],
    ]);
    expect(problems[2]!.reason).toMatch(/label of sms-4 "spma" is not spam or ham/);
    expect(summary).toMatchObject({ labelled: 3, spam: 2, skipped: 6 });
  });

  it('gives each label a time a millisecond after the previous at least, so a later line for a message wins', async () => {
    const { batches } = await run(file('twice.csv', ['label,sms_id', 'spam,sms-1', 'ham,sms-1', 'spam,sms-2']), 10);
    expect(batches[0]!.map((l) => [l.sms_id, l.label, l.labelled_at, l.source])).toEqual([
      ['sms-1', 'spam', 1_000, 'cli'],
      ['sms-1', 'ham', 1_001, 'cli'],
      ['sms-2', 'spam', 1_002, 'cli'],
    ]);
  });

  it('takes the time a label was given from a labelled_at column (epoch ms or ISO-8601), and refuses other times', async () => {
    const path = file('times.csv', [
      'sms_id,label,labelled_at',
      'a,spam,1700000000000',
      'b,ham,2023-11-14T22:13:20.5Z',
      'c,ham,',
      'd,ham,yesterday',
      'e,ham,2023-11-14T22:13:20',
    ]);
    const { batches, problems } = await run(path, 10);
    expect(batches[0]!.map((l) => [l.sms_id, l.labelled_at])).toEqual([
      ['a', 1_700_000_000_000],
      ['b', 1_700_000_000_500],
      ['c', 1_000],
    ]);
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [5, 'INVALID_FIELD'],
      [6, 'INVALID_FIELD'],
    ]);
  });

  it('refuses a file without an sms_id or label column before sending anything', async () => {
    await expect(run(file('nolabel.csv', ['sms_id,text', 'a,hi']))).rejects.toThrow(/no "label" column/);
  });
});
