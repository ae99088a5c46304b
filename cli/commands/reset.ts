// `spamstream reset <processor> --to earliest|latest|<ISO time>`: moves a stopped processor's
// consumer-group offsets, so it reprocesses (or skips) its input from there (runtime/reset.ts).
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { resetProcessor } from '../../runtime/reset.ts';

export function resetCommand(): Command {
  return new Command('reset')
    .description("move a processor's consumer-group offsets; refuses while any instance of it runs")
    .argument('<processor>', 'a processor of the topology (spamstream topology describe), e.g. features, scoring')
    .requiredOption('--to <where>', 'earliest, latest, or an ISO time (the first record at or after it)')
    .option('--dry-run', 'print the moves and change nothing')
    .action(async (processor: string, options: { to: string; dryRun?: boolean }) => {
      const outcome = await resetProcessor(loadConfig(), processor, options.to, { dryRun: options.dryRun });
      const topics = outcome.topics.map((t) => t.topic).join(', ');
      console.log(
        `${outcome.applied ? 'reset' : 'would reset (dry run)'} group ${outcome.groupId} on ${topics} to ${options.to}:`,
      );
      for (const { topic, moves } of outcome.topics)
        for (const move of moves) console.log(`  ${topic}/${move.partition}: ${move.from ?? '(none)'} → ${move.to}`);
    });
}
