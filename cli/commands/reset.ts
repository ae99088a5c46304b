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
      console.log(
        `${outcome.applied ? 'reset' : 'would reset (dry run)'} group ${outcome.groupId} on ${outcome.topic} to ${options.to}:`,
      );
      for (const move of outcome.moves)
        console.log(`  ${outcome.topic}/${move.partition}: ${move.from ?? '(none)'} → ${move.to}`);
    });
}
