// `spamstream features export`: the offline store. Computes every feature view of a labelled CSV
// with the very code the stream uses, and writes the training set as JSON lines:
//   line 1  {"kind":"header","format":"spamstream.features/1","input":{file,sha256},
//            "split":{rule,validationPercent},"views":[{id,name,version,dtype,length,fields|sequence}]}
//   then    {"sms_id":…,"label":"ham"|"spam"|null,"split":"train"|"validation","v1":[…],"v2":[…]}
//           one per valid row, in file order (plus "text" with --include-text, for golden files).
// Malformed rows are reported on stderr with their line number and skipped. `features export-labels`
// (features-export-labels.ts) writes the same format with the labels users gave: its header names
// them, and each row says where it came from ("origin").
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { once } from 'node:events';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { type RowProblem, readSmsCsv } from '../../features/sms-csv.ts';
import { VALIDATION_PERCENT, splitOf } from '../../features/split.ts';
import { tokenIdsView } from '../../features/v2-token-ids.ts';
import type { FeatureView } from '../../features/view.ts';
import type { labelledSet } from '../../features/labelled-set.ts';
import { readVocabulary } from '../../features/vocabulary.ts';

export const EXPORT_FORMAT = 'spamstream.features/1';

export interface ExportOptions {
  readonly input: string;
  readonly out: string;
  readonly requireLabel: boolean;
  readonly includeText: boolean;
  readonly views: readonly FeatureView[];
  readonly maxTextBytes: number;
  readonly onProblem: (problem: RowProblem) => void;
  /** More of the header: what else the set was made of (the labels' topics and offsets). */
  readonly header?: Readonly<Record<string, unknown>>;
  /** The labelled messages: they relabel the data-set rows they are, and the others follow those. */
  readonly labelled?: ReturnType<typeof labelledSet>;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The self-description of a view written in export headers (and read by the Python trainer). */
export function describeView(view: FeatureView): Record<string, unknown> {
  const { id, name, version, description, dtype, length, layout } = view;
  return layout.kind === 'fields'
    ? { id, name, version, description, dtype, length, fields: layout.fields }
    : { id, name, version, description, dtype, length, sequence: layout };
}

export async function exportFeatures(options: ExportOptions): Promise<{ rows: number; skipped: number }> {
  const out = createWriteStream(options.out);
  const write = async (value: unknown): Promise<void> => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  await write({
    kind: 'header',
    format: EXPORT_FORMAT,
    input: { file: basename(options.input), sha256: await sha256File(options.input) },
    split: {
      rule: 'sha256(NFKC lower-cased text, white space collapsed)[0..4] big-endian % 100 < validationPercent → validation',
      validationPercent: VALIDATION_PERCENT,
    },
    views: options.views.map(describeView),
    ...options.header,
  });
  let rows = 0;
  let skipped = 0;
  const source = readSmsCsv(options.input, {
    requireLabel: options.requireLabel,
    maxTextBytes: options.maxTextBytes,
    onProblem: (problem) => {
      skipped++;
      options.onProblem(problem);
    },
  });
  for await (const row of source) {
    const split = splitOf(row.text);
    const record: Record<string, unknown> = { sms_id: row.smsId, label: row.label ?? null, split };
    if (options.includeText) record.text = row.text;
    const values = options.views.map((view) => view.compute(row.text));
    if (options.labelled) Object.assign(record, options.labelled.dataSetRow(row.smsId, values, split, row.label));
    options.views.forEach((view, i) => {
      record[view.id] = values[i];
    });
    await write(record);
    rows++;
  }
  for (const row of options.labelled?.labelledRows() ?? []) {
    const record: Record<string, unknown> = { sms_id: row.smsId, label: row.label, split: row.split, origin: 'labels' };
    options.views.forEach((view, i) => {
      record[view.id] = row.values[i];
    });
    await write(record);
    rows++;
  }
  out.end();
  await once(out, 'finish');
  return { rows, skipped };
}

export const reportProblem =
  (input: string) =>
  (problem: RowProblem): void => {
    console.error(`${input}:${problem.line}: skipped (${problem.code}): ${problem.reason}`);
  };

export function featuresExportCommand(): Command {
  return new Command('export')
    .description('compute every feature view of a labelled CSV (sms_id,text,label) into a JSON-lines training set')
    .requiredOption('--input <csv>', 'labelled CSV file')
    .requiredOption('--out <jsonl>', 'output file (JSON lines: a header line, then one line per row)')
    .option('--vocab <file>', 'use this v2 vocabulary instead of the committed models/vocab/v2.json')
    .option('--include-text', 'also write each text (only for small files of made-up texts, e.g. golden sets)')
    .addOption(new Option('--unlabelled', 'accept rows without a label (label written as null)'))
    .action(
      async (options: { input: string; out: string; vocab?: string; includeText?: boolean; unlabelled?: boolean }) => {
        // Imported here, not at the top: the registry reads the committed vocabulary, and the CLI
        // must still start (e.g. to fit a first vocabulary) when that file is missing or stale.
        const { featureViews } = await import('../../features/index.ts');
        const views =
          options.vocab === undefined
            ? featureViews
            : featureViews.map((view) =>
                view.layout.kind === 'sequence' ? tokenIdsView(readVocabulary(options.vocab as string)) : view,
              );
        const started = performance.now();
        const { rows, skipped } = await exportFeatures({
          input: options.input,
          out: options.out,
          requireLabel: !options.unlabelled,
          includeText: options.includeText ?? false,
          views,
          maxTextBytes: loadConfig().pipeline.maxTextBytes,
          onProblem: reportProblem(options.input),
        });
        const seconds = (performance.now() - started) / 1000;
        console.error(
          `exported ${rows} rows (${skipped} skipped) with views ${views.map((v) => `${v.id}@${v.version}`).join(', ')} to ${options.out} in ${seconds.toFixed(1)} s`,
        );
      },
    );
}
