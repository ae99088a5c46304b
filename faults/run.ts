// `npm run test:faults [-- --quick] [-- --json <file>] [-- --only <name,…>] [-- --cluster]`: the fault
// scenarios against the real stack, one after another, each measured from the outside. Prints a table;
// exits 1 when a scenario lost or duplicated anything or broke a promise it checks. `--cluster` runs
// the node failures of faults/cluster-scenarios.ts on the local cluster (SPAMSTREAM_STACK_NODES=3).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { dropKafkajsTimerWarnings } from '../runtime/warnings.ts';
import { type ServerName, stackDown, stackStatus, stackUp } from '../stack/index.ts';
import { type ScenarioResult, failedResult } from './harness.ts';
import { CLUSTER_SCENARIOS } from './cluster-scenarios.ts';
import { SCENARIOS } from './scenarios.ts';
import { faultTable } from './table.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    only: { type: 'string' },
    cluster: { type: 'boolean', default: false },
  },
});
if (args.cluster) {
  // Every loadConfig below, and each part the scenarios start, reads the cluster's defaults.
  if (process.env.SPAMSTREAM_STACK_NODES && process.env.SPAMSTREAM_STACK_NODES !== '3')
    throw new Error(
      `--cluster runs on the local cluster: SPAMSTREAM_STACK_NODES is ${process.env.SPAMSTREAM_STACK_NODES}`,
    );
  process.env.SPAMSTREAM_STACK_NODES = '3';
}
const log = (line: string) => console.log(line);
dropKafkajsTimerWarnings();

/** Like the integration tests' global setup: start what is not running, stop only that afterwards. */
async function ensureStack(): Promise<ServerName[]> {
  const config = loadConfig();
  const status = await stackStatus(config);
  if (status.ok) return [];
  if (config.stack.mode === 'external') throw new Error('external mode: the configured servers do not answer');
  log('[faults] starting the local stack');
  const report = await stackUp(config, (line) => log(`[stack] ${line}`));
  const started = report.servers.filter((s) => s.state === 'started').map((s) => s.name);
  if (!report.ok) {
    await stackDown(config, { only: started });
    throw new Error('the local stack did not start: run `npx spamstream stack up` to see why');
  }
  return started;
}

const only = args.only?.split(',').map((s) => s.trim());
const chosen = (args.cluster ? CLUSTER_SCENARIOS : SCENARIOS).filter(
  (s) => !only || only.some((o) => s.name.includes(o)),
);
const startedStack = await ensureStack();
const results: ScenarioResult[] = [];
try {
  for (const scenario of chosen) {
    log(`[faults] ${scenario.name}${args.quick ? ' (quick)' : ''}`);
    const started = Date.now();
    const outcome = await scenario
      .run({ quick: args.quick!, log })
      .catch((error: unknown) => failedResult(scenario.name, error, undefined, started));
    const result = { ...outcome, name: scenario.name };
    results.push(result);
    for (const note of result.notes) log(`  · ${note}`);
    for (const problem of result.problems) log(`  ✗ ${problem}`);
    log(
      `  ${result.ok ? 'ok' : 'FAILED'}: sent ${result.sent}, delivered ${result.delivered}, lost ${result.lost}, ` +
        `duplicates ${result.duplicates}, dead-lettered ${result.dead_lettered}, ${result.seconds} s`,
    );
  }
} finally {
  if (startedStack.length > 0) await stackDown(loadConfig(), { only: startedStack });
}
console.log(`\n${faultTable(results)}`);
if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
