// Integration tests need the real servers. In local mode this starts whichever of them is not running
// and, after the run, stops exactly those again, so a stack that was already up is left as it was.
// In external mode it only checks that the configured servers answer.
import { loadConfig } from '../../config/config.ts';
import { dropKafkajsTimerWarnings } from '../../runtime/warnings.ts';
import { type ServerName, type StackReport, stackDown, stackStatus, stackUp } from '../../stack/index.ts';

let startedHere: ServerName[] = [];

const log = (line: string) => console.log(`[stack] ${line}`);

function explain(report: StackReport): string {
  return report.servers
    .filter((s) => s.state === 'failed' || s.state === 'down')
    .map((s) => `${s.name} (${s.endpoint}): ${s.detail ?? 'not answering'}`)
    .join('\n\n');
}

export async function setup(): Promise<void> {
  // The stack's Kafka probe runs kafkajs here, in vitest's main process (see testkit/quiet-kafkajs-timer.ts).
  dropKafkajsTimerWarnings();
  const config = loadConfig();
  if (config.stack.mode === 'external') {
    const status = await stackStatus(config);
    if (!status.ok) throw new Error(`external mode: these servers do not answer:\n${explain(status)}`);
    return;
  }
  const status = await stackStatus(config);
  if (status.ok) return;
  log(`starting the local stack in ${config.stack.dataDir} (the first start also fetches the servers, a few minutes)`);
  const report = await stackUp(config, log);
  startedHere = report.servers.filter((s) => s.state === 'started' || s.state === 'failed').map((s) => s.name);
  if (!report.ok) {
    await stackDown(config, { only: startedHere });
    startedHere = [];
    throw new Error(
      `the local stack did not start; run \`npx spamstream stack up\` to see it on its own.\n${explain(report)}`,
    );
  }
  log(`ready in ${report.seconds}s: ${report.servers.map((s) => `${s.name} ${s.endpoint}`).join(', ')}`);
}

export async function teardown(): Promise<void> {
  if (startedHere.length === 0) return;
  const stopped = await stackDown(loadConfig(), { only: startedHere });
  log(`stopped what this run started: ${stopped.map((s) => `${s.name} ${s.outcome}`).join(', ')}`);
}
