// `spamstream start` (= `npm start`): the whole pipeline in one process.
import { Command } from 'commander';
import { type Config, loadConfig } from '../../config/config.ts';
import { type Log, createProcessLog } from '../../core/log.ts';
import { stackUp } from '../../stack/index.ts';
import { applyTopology, formatApplyReport } from '../../topology/apply.ts';
import { applyPorts, connectMessaging } from '../../runtime/wiring.ts';
import { type PartName, type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import { runUntilStopped } from './lifecycle.ts';

/** The local stack (unless external servers are configured), the topology, then every part. */
async function startEverything(config: Config, log: Log): Promise<RunningPipeline> {
  if (config.stack.mode === 'local') {
    const report = await stackUp(config, log.info);
    if (!report.ok)
      throw new Error(
        `the local stack did not come up: ${report.servers
          .filter((s) => s.state === 'failed')
          .map((s) => `${s.name}: ${s.detail ?? ''}`)
          .join('; ')}`,
      );
  }
  const messaging = connectMessaging(config);
  try {
    const report = formatApplyReport(await applyTopology(applyPorts(config, messaging), config));
    for (const line of report.split('\n')) log.info(line);
  } finally {
    await messaging.close();
  }
  const parts: PartName[] = [
    ...(config.cdc.enabled ? (['cdc'] as const) : []),
    'features',
    'scoring',
    'verdicts',
    'quality',
    ...(config.edge.enabled ? (['edge'] as const) : []),
  ];
  return startParts(config, parts, log.info);
}

export function startCommand(): Command {
  return new Command('start')
    .description(
      'bring the local stack up (unless external servers are configured), apply the topology, run every processor and the HTTP edge',
    )
    .action(async () => {
      const config = loadConfig();
      const log = createProcessLog(config.pipeline);
      await runUntilStopped(() => startEverything(config, log), {
        shutdownTimeoutMs: config.pipeline.shutdownTimeoutMs,
        log: log.info,
        error: log.error,
      });
    });
}
