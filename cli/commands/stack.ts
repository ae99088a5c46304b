// `spamstream stack up | down | status`: the local Kafka, schema registry and Cassandra (see stack/).
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { type StackReport, stackDown, stackStatus, stackUp } from '../../stack/index.ts';

const STATE_TEXT = { started: 'started', running: 'running', external: 'up', failed: 'FAILED', down: 'DOWN' } as const;

function printServers(report: StackReport): void {
  for (const server of report.servers) {
    const pid = server.pid ? ` (pid ${server.pid})` : '';
    const time = server.seconds !== undefined && server.state === 'started' ? `  after ${server.seconds}s` : '';
    console.log(`  ${server.name.padEnd(10)} ${STATE_TEXT[server.state].padEnd(8)} ${server.endpoint}${pid}${time}`);
    if (server.detail) console.log(server.detail.replace(/^/gm, '      '));
  }
}

const down = (report: StackReport) =>
  report.servers.filter((s) => s.state === 'failed' || s.state === 'down').map((s) => s.name);

export function stackCommand(): Command {
  const stack = new Command('stack').description('the local Kafka, schema registry and Cassandra, run without Docker');

  stack
    .command('up')
    .description('start whatever is not running (first start fetches the servers once) and wait until each answers')
    .action(async () => {
      const config = loadConfig();
      console.log(
        config.stack.mode === 'external'
          ? 'external mode: checking the configured servers, starting nothing'
          : `starting the local stack in ${config.stack.dataDir}`,
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
    .option('--purge', 'also delete their data and logs')
    .action(async (options: { purge?: boolean }) => {
      const config = loadConfig();
      if (config.stack.mode === 'external') {
        console.log('external mode: nothing was started here, nothing to stop');
        return;
      }
      for (const result of await stackDown(config, { purge: options.purge === true })) {
        const pid = result.pid ? ` (pid ${result.pid})` : '';
        const note = result.outcome === 'left alone' ? ': that pid now belongs to another program' : '';
        console.log(`  ${result.name.padEnd(10)} ${result.outcome}${pid}${note}`);
      }
      if (options.purge) console.log(`deleted the data in ${config.stack.dataDir}`);
    });

  stack
    .command('status')
    .description('say whether each server answers; exits 1 when any does not')
    .action(async () => {
      const config = loadConfig();
      const report = await stackStatus(config);
      console.log(`stack (${config.stack.mode}):`);
      printServers(report);
      if (!report.ok) {
        console.error(`down: ${down(report).join(', ')}`);
        process.exitCode = 1;
      }
    });

  return stack;
}
