// `spamstream predict`: offline batch scoring of a CSV (`sms_id,text`, other columns ignored) with
// one model, to JSON lines {sms_id, model_version, label, spam_probability, threshold}, in input
// order. Streams: memory stays flat whatever the file size. Features are computed for batch k+1
// while onnxruntime scores batch k on its own thread. Bad rows are reported on stderr with their
// line number and skipped; a summary (rows, skipped, rows/s, peak RSS) ends the run.
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import type { SpamModel } from '../../connectors/model-runtime.ts';
import type { FeatureSet } from '../../features/view.ts';
import { type RowProblem, type SmsRow, readSmsCsv } from '../../features/sms-csv.ts';
import { labelFor, scoreRows, scoringModelOf } from '../../models/scoring.ts';
import { positiveInt } from '../numbers.ts';
import { reportProblem } from './features-export.ts';

export interface PredictOptions {
  readonly input: string;
  readonly output: Writable;
  readonly model: SpamModel;
  readonly computeViews: (text: string, ids: readonly string[]) => FeatureSet;
  readonly batchSize: number;
  readonly maxTextBytes: number;
  readonly onProblem: (problem: RowProblem) => void;
  readonly onProgress?: (progress: { rows: number; bytes: number }) => void;
}

export interface PredictSummary {
  readonly rows: number;
  readonly skipped: number;
  readonly seconds: number;
}

export async function predictCsv(options: PredictOptions): Promise<PredictSummary> {
  const { model, output } = options;
  const { card } = model;
  const viewIds = card.views.map((view) => view.id);
  const started = performance.now();
  let rows = 0;
  let skipped = 0;
  let bytes = 0;
  const problem = (p: RowProblem): void => {
    skipped++;
    options.onProblem(p);
  };

  const write = async (batch: readonly SmsRow[], probabilities: readonly (number | undefined)[]): Promise<void> => {
    let text = '';
    batch.forEach((row, i) => {
      const p = probabilities[i];
      if (p === undefined) return;
      const line = {
        sms_id: row.smsId,
        model_version: card.version,
        label: labelFor(card.threshold, p),
        spam_probability: p,
        threshold: card.threshold,
      };
      text += `${JSON.stringify(line)}\n`;
    });
    rows += probabilities.filter((p) => p !== undefined).length;
    if (text !== '' && !output.write(text)) await once(output, 'drain');
    options.onProgress?.({ rows, bytes });
  };

  // A batch the model rejects is retried row by row (models/scoring.ts), so one bad row costs only itself.
  const scoring = scoringModelOf(model);
  const score = async (batch: readonly SmsRow[], sets: readonly FeatureSet[]): Promise<(number | undefined)[]> => {
    const scored = await scoreRows(scoring, sets);
    return scored.map((p, i) => {
      if (typeof p === 'number') return p;
      problem({ line: batch[i]!.line, code: p.code, reason: p.reason });
      return undefined;
    });
  };

  let inFlight: Promise<void> = Promise.resolve();
  const submit = async (batch: SmsRow[]): Promise<void> => {
    const sets = batch.map((row) => options.computeViews(row.text, viewIds));
    const previous = inFlight;
    const scored = score(batch, sets);
    inFlight = (async () => {
      await previous; // keeps output in input order
      await write(batch, await scored);
    })();
    await previous; // at most two batches in flight: bounded memory
  };

  let batch: SmsRow[] = [];
  const source = readSmsCsv(options.input, {
    requireLabel: false,
    maxTextBytes: options.maxTextBytes,
    onProblem: problem,
    onBytes: (b) => {
      bytes = b;
    },
  });
  for await (const row of source) {
    batch.push(row);
    if (batch.length >= options.batchSize) {
      await submit(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await submit(batch);
  await inFlight;
  return { rows, skipped, seconds: (performance.now() - started) / 1000 };
}

/** A one-line progress bar on stderr, redrawn at most ten times a second; only used on a TTY. */
export function progressBar(totalBytes: number): {
  update: (p: { rows: number; bytes: number }) => void;
  done: () => void;
} {
  const started = performance.now();
  let last = 0;
  const draw = ({ rows, bytes }: { rows: number; bytes: number }): void => {
    const fraction = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    const rate = rows / Math.max(1e-3, (performance.now() - started) / 1000);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${rows.toLocaleString('en')} rows ${Math.round(rate).toLocaleString('en')} rows/s`,
    );
  };
  let latest = { rows: 0, bytes: 0 };
  return {
    update: (p) => {
      latest = p;
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      draw(p);
    },
    done: () => {
      draw({ rows: latest.rows, bytes: totalBytes });
      process.stderr.write('\n');
    },
  };
}

export function predictCommand(): Command {
  return new Command('predict')
    .description('score a CSV (sms_id,text; other columns ignored) with one model, writing JSON lines')
    .requiredOption('--model <version>', 'model version, e.g. v3')
    .requiredOption('--input <csv>', 'CSV file with a header and columns sms_id,text')
    .requiredOption('--out <jsonl>', 'output file, or - for standard output')
    .option('--models-dir <dir>', 'where model versions live (default: config pipeline.modelsDir)')
    .option('--batch-size <n>', 'rows per inference call', positiveInt, 512)
    .option('--threads <n>', 'onnxruntime threads per inference', positiveInt, 1)
    .action(
      async (options: {
        model: string;
        input: string;
        out: string;
        modelsDir?: string;
        batchSize: number;
        threads: number;
      }) => {
        const config = loadConfig();
        // Imported when the command runs, so the rest of the CLI never loads the native runtime.
        const { loadModels } = await import('../../connectors/onnx/load.ts');
        const { computeViews } = await import('../../features/index.ts');
        const [model] = await loadModels(options.modelsDir ?? config.pipeline.modelsDir, [options.model], {
          threads: options.threads,
          extraDirs: [config.pipeline.localModelsDir],
        });
        const output = options.out === '-' ? process.stdout : createWriteStream(options.out);
        const bar = process.stderr.isTTY ? progressBar(statSync(options.input).size) : undefined;
        try {
          const summary = await predictCsv({
            input: options.input,
            output,
            model: model!,
            computeViews,
            batchSize: options.batchSize,
            maxTextBytes: config.pipeline.maxTextBytes,
            onProblem: (problem) => {
              if (bar) process.stderr.write('\n');
              reportProblem(options.input)(problem);
            },
            onProgress: bar?.update,
          });
          bar?.done();
          if (output !== process.stdout) {
            output.end();
            await once(output, 'finish');
          }
          const peakMiB = process.resourceUsage().maxRSS / 1024;
          console.error(
            `scored ${summary.rows} rows with model ${options.model}, skipped ${summary.skipped}, in ${summary.seconds.toFixed(2)} s: ` +
              `${Math.round(summary.rows / Math.max(summary.seconds, 1e-9))} rows/s, peak RSS ${peakMiB.toFixed(0)} MiB`,
          );
        } finally {
          await model!.close();
        }
      },
    );
}
