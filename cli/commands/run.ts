// `spamstream run <part>`: one processor (or the edge) alone. Start more of the same to scale
// out: processor instances share their work as one consumer group.
import { Argument, Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { createProcessLog } from '../../core/log.ts';
import { type PartName, startParts } from '../../runtime/pipeline.ts';
import { runUntilStopped } from './lifecycle.ts';

export function runCommand(): Command {
  return new Command('run')
    .description('run one part of the pipeline alone (the topology must already be applied)')
    .addArgument(
      new Argument('<part>', 'what to run').choices(['cdc', 'features', 'scoring', 'verdicts', 'quality', 'edge']),
    )
    .action(async (part: PartName) => {
      const config = loadConfig();
      const log = createProcessLog(config.pipeline);
      await runUntilStopped(() => startParts(config, [part], log.info), {
        shutdownTimeoutMs: config.pipeline.shutdownTimeoutMs,
        log: log.info,
        error: log.error,
      });
    });
}
