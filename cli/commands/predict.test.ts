// predictCsv and exportFeatures on small files, with a fake model (the real ones are covered by
// models/parity.test.ts): order, skipped rows, output fields, isolation of a row the model rejects.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpamModel } from '../../connectors/model-runtime.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { computeViews, featureViews } from '../../features/index.ts';
import type { RowProblem } from '../../features/sms-csv.ts';
import { labelledSet } from '../../features/labelled-set.ts';
import { splitOf } from '../../features/split.ts';
import { exportFeatures } from './features-export.ts';
import { predictCsv } from './predict.ts';

const dir = mkdtempSync(join(tmpdir(), 'spamstream-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const csv = join(dir, 'in.csv');
writeFileSync(
  csv,
  [
    'sms_id,text,label',
    'a,FREE cash prize,spam',
    'b,"see you, later",ham',
    ',no id,ham',
    'c,poison,ham',
    'd,"broken "quote",ham',
    'e,last one,ham',
  ].join('\n'),
);

/** Spam probability = 0.9 when the text had "free", else 0.1; rejects any batch holding "poison". */
const fakeModel = (calls: number[]): SpamModel => ({
  card: { version: 'v9', threshold: 0.5, views: [{ id: 'v2', version: 1 }] } as never,
  async predict(batch) {
    calls.push(batch.length);
    const poison = computeViews('poison', ['v2']).v2![0];
    const free = computeViews('free', ['v2']).v2![0];
    if (batch.some((set) => set.v2![0] === poison)) throw new SpamstreamError('INFERENCE_FAILED', 'poisoned');
    return Float64Array.from(batch.map((set) => (set.v2![0] === free ? 0.9 : 0.1)));
  },
  async close() {},
});

describe('predictCsv', () => {
  it('writes one line per good row in input order, and reports the others with their lines', async () => {
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const problems: RowProblem[] = [];
    const calls: number[] = [];
    const summary = await predictCsv({
      input: csv,
      output,
      model: fakeModel(calls),
      computeViews,
      batchSize: 2,
      maxTextBytes: 100,
      onProblem: (p) => problems.push(p),
    });
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { sms_id: 'a', model_version: 'v9', label: 'spam', spam_probability: 0.9, threshold: 0.5 },
      { sms_id: 'b', model_version: 'v9', label: 'ham', spam_probability: 0.1, threshold: 0.5 },
      { sms_id: 'e', model_version: 'v9', label: 'ham', spam_probability: 0.1, threshold: 0.5 },
    ]);
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [4, 'MISSING_FIELD'],
      [6, 'CSV_SYNTAX'],
      [5, 'INFERENCE_FAILED'],
    ]);
    expect(summary).toMatchObject({ rows: 3, skipped: 3 });
    expect(calls[0]).toBe(2); // batched
  });
});

describe('exportFeatures', () => {
  it('writes a header describing the views, then one row per valid labelled row', async () => {
    const out = join(dir, 'features.jsonl');
    const problems: RowProblem[] = [];
    const result = await exportFeatures({
      input: csv,
      out,
      requireLabel: true,
      includeText: false,
      views: featureViews,
      maxTextBytes: 100,
      onProblem: (p) => problems.push(p),
    });
    const [header, ...rows] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(header).toMatchObject({ kind: 'header', format: 'spamstream.features/1', input: { file: 'in.csv' } });
    expect((header!.views as { id: string }[]).map((v) => v.id)).toEqual(['v1', 'v2']);
    expect(rows.map((r) => r.sms_id)).toEqual(['a', 'b', 'c', 'e']);
    expect(rows[0]).toMatchObject({
      label: 'spam',
      v1: computeViews('FREE cash prize').v1,
      v2: computeViews('FREE cash prize').v2,
    });
    expect(['train', 'validation']).toContain(rows[0]!.split);
    expect(rows[0]).not.toHaveProperty('text');
    expect(result).toEqual({ rows: 4, skipped: 2 });
    expect(problems.map((p) => p.line)).toEqual([4, 6]);
  });

  it('with labels: relabels the data-set row a user labelled, then appends the labelled messages it lacks', async () => {
    const out = join(dir, 'labelled.jsonl');
    const values = (text: string) => [computeViews(text).v1!, computeViews(text).v2!];
    const labels = new Map([
      ['b', { label: 'spam' as const, labelledAt: 2 }],
      ['live-1', { label: 'spam' as const, labelledAt: 1 }],
    ]);
    const features = new Map([
      ['b', { values: values('see you, later') }],
      ['live-1', { values: values('FREE cash prize') }], // the text of row a, under another id
    ]);
    const result = await exportFeatures({
      input: csv,
      out,
      requireLabel: true,
      includeText: false,
      views: featureViews,
      maxTextBytes: 100,
      onProblem: () => {},
      header: { labels: { topic: 'sms.labels' } },
      labelled: labelledSet(labels, features),
    });
    const [header, ...rows] = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(header).toMatchObject({ kind: 'header', labels: { topic: 'sms.labels' } });
    expect(rows.map((r) => [r.sms_id, r.label, r.origin])).toEqual([
      ['a', 'spam', 'data-set'],
      ['b', 'spam', 'data-set+label'],
      ['c', 'ham', 'data-set'],
      ['e', 'ham', 'data-set'],
      ['live-1', 'spam', 'labels'],
    ]);
    expect(rows[4]).toMatchObject({ split: splitOf('FREE cash prize'), v1: values('FREE cash prize')[0] });
    expect(result).toEqual({ rows: 5, skipped: 2 });
  });
});
