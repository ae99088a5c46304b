// `spamstream stack up | down | status [--nodes 3]`: the local servers, one of each or a cluster (see stack/).
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { type StackReport, stackDown, stackStatus, stackUp } from '../../stack/index.ts';

const STATE_TEXT = { started: 'started', running: 'running', external: 'up', failed: 'FAILED', down: 'DOWN' } as const;

function printServers(report: StackReport): void {
  for (const server of report.servers) {
    const pid = server.pid ? ` (pid ${server.pid})` : '';
    const time = server.seconds !== undefined && server.state === 'started' ? `  after ${server.seconds}s` : '';
    console.log(`  ${server.name.padEnd(12)} ${STATE_TEXT[server.state].padEnd(8)} ${server.endpoint}${pid}${time}`);
    if (server.detail) console.log(server.detail.replace(/^/gm, '      '));
  }
}

const down = (report: StackReport) =>
  report.servers.filter((s) => s.state === 'failed' || s.state === 'down').map((s) => s.name);

/** `--nodes 3` is SPAMSTREAM_STACK_NODES=3 for this command. */
const nodesOption = () =>
  new Option('--nodes <n>', 'one of each server (1) or the local cluster (3); default SPAMSTREAM_STACK_NODES').choices([
    '1',
    '3',
  ]);
const configFor = (options: { nodes?: string }) =>
  loadConfig(options.nodes ? { ...process.env, SPAMSTREAM_STACK_NODES: options.nodes } : process.env);

export function stackCommand(): Command {
  const stack = new Command('stack').description(
    'the local Kafka, schema registry, Cassandra, PostgreSQL and Kafka Connect, run without Docker; --nodes 3 for a cluster',
  );

  stack
    .command('up')
    .description('start whatever is not running (first start fetches the servers once) and wait until each answers')
    .addOption(nodesOption())
    .action(async (options: { nodes?: string }) => {
      const config = configFor(options);
      const what = config.stack.nodes > 1 ? `the local cluster (${config.stack.nodes} nodes)` : 'the local stack';
      console.log(
        config.stack.mode === 'external'
          ? 'external mode: checking the configured servers, starting nothing'
          : `starting ${what} in ${config.stack.dataDir}`,
      );
      const report = await stackUp(config, (line) => console.log(`  ${line}`));
      printServers(report);
      if (!report.ok) {
        console.error(`stack up failed: ${down(report).join(', ')} not answering`);
        process.exitCode = 1;
        return;
      }
      console.log(`ready in ${report.seconds}s`);
    });

  stack
    .command('down')
    .description('stop the servers this stack started; data is kept unless --purge')
    .option('--purge', "also delete their data and logs, and the replays' state")
    .addOption(nodesOption())
    .action(async (options: { purge?: boolean; nodes?: string }) => {
      const config = configFor(options);
      if (config.stack.mode === 'external') {
        console.log('external mode: nothing was started here, nothing to stop');
        return;
      }
      for (const result of await stackDown(config, { purge: options.purge === true })) {
        const pid = result.pid ? ` (pid ${result.pid})` : '';
        const note = result.outcome === 'left alone' ? ': that pid now belongs to another program' : '';
        console.log(`  ${result.name.padEnd(12)} ${result.outcome}${pid}${note}`);
      }
      if (options.purge) console.log(`deleted the data in ${config.stack.dataDir}`);
    });

  stack
    .command('status')
    .description('say whether each server (each node of a cluster) answers; exits 1 when any does not')
    .addOption(nodesOption())
    .action(async (options: { nodes?: string }) => {
      const config = configFor(options);
      const report = await stackStatus(config);
      console.log(`stack (${config.stack.mode}${config.stack.nodes > 1 ? `, ${config.stack.nodes} nodes` : ''}):`);
      printServers(report);
      if (!report.ok) {
        console.error(`down: ${down(report).join(', ')}`);
        process.exitCode = 1;
      }
    });

  return stack;
}
