// `spamstream start` (= `npm start`): the whole pipeline in one process.
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { stackUp } from '../../stack/index.ts';
import { applyTopology, formatApplyReport } from '../../topology/apply.ts';
import { applyPorts, connectMessaging } from '../../runtime/wiring.ts';
import { type PartName, startParts } from '../../runtime/pipeline.ts';
import { runUntilStopped } from './lifecycle.ts';

export function startCommand(): Command {
  return new Command('start')
    .description(
      'bring the local stack up (unless external servers are configured), apply the topology, run every processor and the HTTP edge',
    )
    .action(async () => {
      const config = loadConfig();
      if (config.stack.mode === 'local') {
        const report = await stackUp(config, (line) => console.log(line));
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
        console.log(formatApplyReport(await applyTopology(applyPorts(config, messaging), config)));
      } finally {
        await messaging.close();
      }
      const parts: PartName[] = [
        ...(config.cdc.enabled ? (['cdc'] as const) : []),
        'features',
        'scoring',
        ...(config.edge.enabled ? (['edge'] as const) : []),
      ];
      const pipeline = await startParts(config, parts);
      await runUntilStopped(pipeline, { shutdownTimeoutMs: config.pipeline.shutdownTimeoutMs });
    });
}
