// Benchmark of offline batch scoring: builds a CSV of --rows rows (default 100,000) in a temporary
// directory by resampling texts of the labelled data set under new ids, then runs
// `spamstream predict` on it once per model in a fresh process and reports rows/s and peak RSS
// (read from the summary line predict prints). Run:
//   node_modules/.bin/node bench/predict.ts --data ../shared/data/sms_labeled.csv [--rows 100000] [--models v1,v2,v3]
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSmsCsv } from '../features/sms-csv.ts';
import { DATA_CSV } from '../testkit/data-set.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DATA_CSV },
    rows: { type: 'string', default: '100000' },
    models: { type: 'string', default: 'v1,v2,v3' },
    'batch-size': { type: 'string', default: '512' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
  },
});

/** A small seeded generator (mulberry32), so every run scores the same file. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function buildCsv(path: string, rows: number): Promise<void> {
  const texts: string[] = [];
  for await (const row of readSmsCsv(resolve(values.data), {
    requireLabel: false,
    maxTextBytes: 4096,
    onProblem: () => {},
  }))
    texts.push(row.text);
  const next = random(Number(values.seed));
  const out = createWriteStream(path);
  out.write('sms_id,text\n');
  for (let i = 0; i < rows; i++) {
    const text = texts[Math.floor(next() * texts.length)]!;
    if (!out.write(`bench${i},"${text.replaceAll('"', '""')}"\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const dir = mkdtempSync(join(tmpdir(), 'spamstream-bench-'));
try {
  const rows = Number(values.rows);
  const csv = join(dir, 'messages.csv');
  await buildCsv(csv, rows);
  console.log(
    `input: ${rows.toLocaleString('en')} rows resampled from ${values.data} (${(statSync(csv).size / 2 ** 20).toFixed(1)} MiB), batch ${values['batch-size']}, ${values.threads} thread(s)`,
  );
  console.log('| model | rows | skipped | seconds | rows/s | peak RSS (MiB) |\n| --- | --- | --- | --- | --- | --- |');
  for (const model of values.models.split(',')) {
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      [
        join(root, 'bin', 'spamstream.js'),
        'predict',
        '--model',
        model,
        '--input',
        csv,
        '--out',
        join(dir, `${model}.jsonl`),
        '--batch-size',
        values['batch-size'],
        '--threads',
        values.threads,
      ],
      { encoding: 'utf8' },
    );
    const wall = (performance.now() - started) / 1000;
    const summary = result.stderr.match(
      /scored (\d+) rows with model \S+, skipped (\d+), in ([\d.]+) s: (\d+) rows\/s, peak RSS (\d+) MiB/u,
    );
    if (result.status !== 0 || !summary) {
      console.log(`| ${model} | failed (exit ${result.status}) | | | | |\n${result.stderr.slice(-2000)}`);
      process.exitCode = 1;
      continue;
    }
    const [, scored, skipped, seconds, rate, rss] = summary;
    console.log(`| ${model} | ${scored} | ${skipped} | ${seconds} (process ${wall.toFixed(1)}) | ${rate} | ${rss} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
