// `spamstream features …`: describe the views, fit the v2 vocabulary, export a training set, or
// one with the labels users gave.
import { existsSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { readSmsCsv } from '../../features/sms-csv.ts';
import { splitOf } from '../../features/split.ts';
import { fitVocabulary, readVocabulary, serializeVocabulary } from '../../features/vocabulary.ts';
import { positiveInt } from '../numbers.ts';
import { describeView, featuresExportCommand, reportProblem } from './features-export.ts';
import { featuresExportLabelsCommand } from './features-export-labels.ts';

function fitVocabCommand(): Command {
  return new Command('fit-vocab')
    .description(
      'fit the v2 vocabulary on the training split of a labelled CSV (validation rows are never read into it)',
    )
    .requiredOption('--input <csv>', 'labelled CSV file (sms_id,text,label)')
    .requiredOption(
      '--out <file>',
      'vocabulary file to write, e.g. models/vocab/v2.json; its version is kept when nothing changed, else raised',
    )
    .option('--sequence-length <n>', 'ids per message', positiveInt, 96)
    .option('--max-size <n>', 'ids in the vocabulary, padding and OOV included', positiveInt, 8000)
    .option('--min-df <n>', 'a token must occur in at least this many training texts', positiveInt, 2)
    .action(async (options: { input: string; out: string; sequenceLength: number; maxSize: number; minDf: number }) => {
      const texts: string[] = [];
      let skipped = 0;
      const rows = readSmsCsv(options.input, {
        requireLabel: true,
        maxTextBytes: loadConfig().pipeline.maxTextBytes,
        onProblem: (problem) => {
          skipped++;
          reportProblem(options.input)(problem);
        },
      });
      for await (const row of rows) if (splitOf(row.text) === 'train') texts.push(row.text);
      const previous = existsSync(options.out) ? readVocabulary(options.out) : undefined;
      const vocabulary = fitVocabulary(texts, {
        sequenceLength: options.sequenceLength,
        maxSize: options.maxSize,
        minDocumentFrequency: options.minDf,
        previous,
      });
      writeFileSync(options.out, serializeVocabulary(vocabulary));
      const change =
        previous === undefined
          ? 'new'
          : previous.version === vocabulary.version
            ? 'unchanged'
            : `was version ${previous.version}`;
      console.error(
        `vocabulary version ${vocabulary.version} (${change}): ${vocabulary.size} ids from ${texts.length} training texts (${skipped} rows skipped) → ${options.out}`,
      );
    });
}

function describeCommand(): Command {
  return new Command('describe')
    .description('print every feature view with its fields or sequence contract, as JSON')
    .action(async () => {
      const { featureViews } = await import('../../features/index.ts');
      console.log(JSON.stringify(featureViews.map(describeView), null, 2));
    });
}

export function featuresCommand(): Command {
  return new Command('features')
    .description(
      'feature views: describe them, fit the v2 vocabulary, export a training set (with the labels users gave)',
    )
    .addCommand(describeCommand())
    .addCommand(fitVocabCommand())
    .addCommand(featuresExportCommand())
    .addCommand(featuresExportLabelsCommand());
}
