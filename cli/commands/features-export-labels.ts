// `spamstream features export-labels --data <csv> --out <jsonl>`: the training set of a model trained
// from what users labelled (`npm run train -- --labels`). It reads sms.labels from its oldest record
// to its end now (the latest label per message wins), then sms.features likewise (per labelled
// message, the newest event holding every view at the version this program computes: the values the
// models saw), and writes the data set's rows and then the labelled messages in the format of
// `features export`, by the rules of features/labelled-set.ts. The header's "labels" names what was
// read: topics, partitions and offsets, counts and the time range of the labels.
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { LABELLED_SPLIT_RULE, labelledSet, latestFeatures, latestLabels } from '../../features/labelled-set.ts';
import { readHistory } from '../../runtime/topic-history.ts';
import { connectMessaging } from '../../runtime/wiring.ts';
import { type SmsFeatures, type SmsLabel, loadSchema } from '../../schemas/index.ts';
import { exportFeatures, reportProblem } from './features-export.ts';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function featuresExportLabelsCommand(): Command {
  return new Command('export-labels')
    .description(
      'the training set of a model trained from labels: a labelled CSV (sms_id,text,label) and every message of sms.labels with the features sms.features holds for it, as JSON lines',
    )
    .requiredOption('--data <csv>', 'the labelled data set the project trains on')
    .requiredOption('--out <jsonl>', 'output file (the format of `features export`, each row with its origin)')
    .action(async (options: { data: string; out: string }) => {
      const config = loadConfig();
      const { featureViews } = await import('../../features/index.ts');
      const messaging = connectMessaging(config);
      try {
        const labels = latestLabels();
        const labelSchema = loadSchema('sms-labels');
        let unreadable = 0;
        let first: number | undefined;
        let last: number | undefined;
        const labelsRead = await readHistory(config, messaging, config.topics.labels, async (record) => {
          if (record.value === null) return;
          try {
            const label = await messaging.codec.decode<SmsLabel>(record.value, labelSchema);
            labels.add({ smsId: label.sms_id, label: label.label, labelledAt: label.labelled_at });
            first = Math.min(first ?? label.labelled_at, label.labelled_at);
            last = Math.max(last ?? label.labelled_at, label.labelled_at);
          } catch {
            unreadable++;
          }
        });
        console.error(
          `${config.topics.labels}: ${labelsRead.records} records, ${labels.labels.size} messages labelled (${unreadable + labels.invalid} left out)`,
        );

        const wanted = featureViews.map((view) => ({ id: view.id, version: view.version }));
        const features = latestFeatures(labels.labels, wanted);
        const featureSchema = loadSchema('sms-features');
        const featuresRead = await readHistory(config, messaging, config.topics.features, async (record) => {
          if (record.value === null) return;
          const decoded = await messaging.codec.decode<SmsFeatures>(record.value, featureSchema).catch(() => undefined);
          if (decoded) features.add({ smsId: decoded.sms_id, eventTime: decoded.event_time, views: decoded.views });
        });
        const found = features.features.size;
        console.error(
          `${config.topics.features}: ${featuresRead.records} records, features of ${found} of the ${labels.labels.size} labelled messages`,
        );

        const header = {
          labels: {
            topic: labelsRead.topic,
            read: labelsRead.partitions,
            records: labelsRead.records,
            messages: labels.labels.size,
            leftOut: unreadable + labels.invalid,
            labelledAt: { first: iso(first), last: iso(last) },
            features: {
              topic: featuresRead.topic,
              read: featuresRead.partitions,
              records: featuresRead.records,
              views: wanted,
            },
            withFeatures: found,
            withoutFeatures: labels.labels.size - found,
            split: LABELLED_SPLIT_RULE,
          },
        };
        const { rows, skipped } = await exportFeatures({
          input: options.data,
          out: options.out,
          requireLabel: true,
          includeText: false,
          views: featureViews,
          maxTextBytes: config.pipeline.maxTextBytes,
          onProblem: reportProblem(options.data),
          header,
          labelled: labelledSet(labels.labels, features.features),
        });
        console.error(`exported ${rows} rows (${skipped} rows of ${options.data} skipped) to ${options.out}`);
      } finally {
        await messaging.close();
      }
    });
}
