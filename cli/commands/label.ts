// `spamstream label --file labels.csv`: users' labels (`sms_id,label[,labelled_at]`) to sms.labels,
// Avro-encoded, keyed by sms_id; exits once Kafka has acknowledged every record. Bad rows are
// reported on stderr with their line and skipped; a progress bar on a terminal; a summary at the end.
// Without a labelled_at column a label is given when it is sent, each a millisecond after the
// previous at least, so the later of two lines for one message is the one that wins.
import { statSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import type { RowProblem } from '../../features/sms-csv.ts';
import { readLabelCsv } from '../../features/label-csv.ts';
import type { SmsLabel } from '../../schemas/index.ts';
import { connectMessaging } from '../../runtime/wiring.ts';
import { valueSubject } from '../../topology/topics.ts';
import { positiveInt } from '../numbers.ts';
import { reportProblem } from './features-export.ts';
import { progressBar } from './predict.ts';

export interface LabelOptions {
  readonly input: string;
  /** Writes a batch; resolves once Kafka acknowledged it. */
  readonly send: (labels: readonly SmsLabel[]) => Promise<void>;
  readonly batchSize: number;
  readonly source: string;
  readonly onProblem: (problem: RowProblem) => void;
  readonly onProgress?: (progress: { rows: number; bytes: number }) => void;
  readonly now?: () => number;
}

export interface LabelSummary {
  readonly labelled: number;
  readonly spam: number;
  readonly skipped: number;
  readonly seconds: number;
}

export async function labelCsv(options: LabelOptions): Promise<LabelSummary> {
  const now = options.now ?? Date.now;
  const started = performance.now();
  let labelled = 0;
  let spam = 0;
  let skipped = 0;
  let bytes = 0;
  /** The last time this run gave a label without one in the file. */
  let stamped = 0;
  let batch: SmsLabel[] = [];
  const flush = async () => {
    await options.send(batch);
    labelled += batch.length;
    spam += batch.filter((label) => label.label === 'spam').length;
    batch = [];
    options.onProgress?.({ rows: labelled, bytes });
  };
  const rows = readLabelCsv(options.input, {
    onProblem: (problem) => {
      skipped += 1;
      options.onProblem(problem);
    },
    onBytes: (b) => {
      bytes = b;
    },
  });
  for await (const row of rows) {
    if (row.labelledAt === undefined) stamped = Math.max(now(), stamped + 1);
    const labelledAt = row.labelledAt ?? stamped;
    batch.push({ sms_id: row.smsId, label: row.label, labelled_at: labelledAt, source: options.source });
    if (batch.length >= options.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return { labelled, spam, skipped, seconds: (performance.now() - started) / 1000 };
}

export function labelCommand(): Command {
  return new Command('label')
    .description("send users' labels (CSV: sms_id,label[,labelled_at]; label spam or ham) to sms.labels")
    .requiredOption(
      '-f, --file <csv>',
      'CSV with a header and columns sms_id,label (optional labelled_at: epoch ms or ISO-8601)',
    )
    .option('--source <name>', 'the source field of every record', 'cli')
    .option('--batch-size <n>', 'labels per write', positiveInt, 1000)
    .action(async (options: { file: string; source: string; batchSize: number }) => {
      const config = loadConfig();
      const messaging = connectMessaging(config);
      const subject = valueSubject(config.topics.labels);
      const bar = process.stderr.isTTY ? progressBar(statSync(options.file).size) : undefined;
      try {
        const summary = await labelCsv({
          input: options.file,
          batchSize: options.batchSize,
          source: options.source,
          // The record's time is when it is sent, not the file's labelled_at: the broker refuses a
          // record more than an hour ahead of its clock, which would take the rest of its batch down.
          send: async (labels) =>
            messaging.writer.send(
              await Promise.all(
                labels.map(async (label) => ({
                  topic: config.topics.labels,
                  key: label.sms_id,
                  value: await messaging.codec.encode(subject, label),
                })),
              ),
            ),
          onProblem: (problem) => {
            if (bar) process.stderr.write('\n');
            reportProblem(options.file)(problem);
          },
          onProgress: bar?.update,
        });
        bar?.done();
        console.log(
          `labelled ${summary.labelled} messages (${summary.spam} spam, ${summary.labelled - summary.spam} ham) ` +
            `to ${config.topics.labels} in ${summary.seconds.toFixed(1)} s${summary.skipped ? `; skipped ${summary.skipped}` : ''}`,
        );
      } finally {
        await messaging.close();
      }
    });
}
