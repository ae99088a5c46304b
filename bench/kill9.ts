// Duplicates after crashes: runs `spamstream run features` and `spamstream run scoring` as real
// processes on isolated topics, produces N labelled messages over ~10 s, kill -9s both processors
// `--kills` times while messages flow (restarting them each time), and counts what reached
// sms.features and sms.predictions more than once. SPAMSTREAM_DELIVERY picks the mode.
// `--rebalances N` instead starts a second instance of both processors mid-stream and stops it
// (SIGTERM) a few seconds later, N times: partitions move back and forth under load.
//   node bench/kill9.ts [--messages 5000] [--kills 3 | --rebalances 3] [--data ../shared/data/sms_labeled.csv]
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { applyPorts, connectMessaging } from '../runtime/wiring.ts';
import type { SmsFeatures, SmsPrediction } from '../schemas/index.ts';
import { applyTopology } from '../topology/apply.ts';
import { isolatedEnv } from '../testkit/pipeline-fixture.ts';
import { countRecords, sleep } from './support.ts';
import { dropRunAfterResult } from '../testkit/drop-run.ts';
import { dropKafkajsTimerWarnings } from '../runtime/warnings.ts';
import { DATA_CSV } from '../testkit/data-set.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    kills: { type: 'string', default: '3' },
    rebalances: { type: 'string', default: '0' },
    data: { type: 'string', default: DATA_CSV },
  },
});
const MESSAGES = Number(args.messages);
dropKafkajsTimerWarnings(); // as every other command does: kafkajs' harmless negative-timer warning
const root = join(import.meta.dirname, '..');
const run = `kill9${Date.now().toString(36)}`;
// A process killed with -9 holds its partitions until its session expires: short sessions, so the
// restarted processors get back to work between kills (override them from the environment).
const env = { SPAMSTREAM_SESSION_TIMEOUT_MS: '6000', SPAMSTREAM_DRAIN_TIMEOUT_MS: '3000', ...isolatedEnv(run) };
const config = loadConfig(env);
const models = availableModels(config.pipeline.modelsDir).length;

const messaging = connectMessaging(config);
await applyTopology(applyPorts(config, messaging), config);

const cli = (...cliArgs: string[]): ChildProcess =>
  spawn(process.execPath, [join(root, 'bin', 'spamstream.js'), ...cliArgs], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
// A child that exited already (the producer, long before the last kill) has no exit event to come.
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));

let features = cli('run', 'features');
let scoring = cli('run', 'scoring');
// Messages keep arriving for the whole run: every kill or rebalance lands while they flow.
const rounds = Math.max(Number(args.kills), Number(args.rebalances), 1);
const producer = cli(
  'produce',
  '--file',
  args.data,
  '--count',
  String(MESSAGES),
  '--rate',
  String(Math.max(20, Math.round(MESSAGES / (rounds * 8)))),
);
const started = Date.now();

const rebalances = Number(args.rebalances);
if (rebalances > 0) {
  // A second instance of each joins while messages flow, takes half the partitions, and leaves.
  for (let round = 1; round <= rebalances; round += 1) {
    await sleep(1_500 + Math.random() * 1_000);
    const extra = [cli('run', 'features'), cli('run', 'scoring')];
    await sleep(3_000 + Math.random() * 1_000);
    const before = await countRecords(messaging, config.topics.predictions);
    for (const child of extra) child.kill('SIGTERM');
    await Promise.all(extra.map(exited));
    console.log(
      `delivery ${config.pipeline.delivery}: rebalance #${round} (a second instance joined and left) after ${((Date.now() - started) / 1000).toFixed(1)} s, with ${before.total} of ${MESSAGES * models} predictions written`,
    );
  }
} else {
  // Crash both processors while messages are still arriving, then start them again; repeat.
  for (let kill = 1; kill <= Number(args.kills); kill += 1) {
    await sleep(7_000 + Math.random() * 2_000); // past the 6 s session: the restarted processors get some work done
    const before = await countRecords(messaging, config.topics.predictions);
    features.kill('SIGKILL');
    scoring.kill('SIGKILL');
    await Promise.all([exited(features), exited(scoring)]);
    console.log(
      `delivery ${config.pipeline.delivery}: kill -9 #${kill} of both processors after ${((Date.now() - started) / 1000).toFixed(1)} s, with ${before.total} of ${MESSAGES * models} predictions written`,
    );
    features = cli('run', 'features');
    scoring = cli('run', 'scoring');
  }
}
await exited(producer);

const expected = MESSAGES * models;
for (
  let waited = 0;
  (await countRecords(messaging, config.topics.predictions)).total < expected && waited < 180;
  waited += 2
)
  await sleep(2_000);
await sleep(3_000);
const predictions = await countRecords<SmsPrediction>(
  messaging,
  config.topics.predictions,
  (p) => `${p.sms_id}|${p.model_version}`,
);
const featureRecords = await countRecords<SmsFeatures>(messaging, config.topics.features, (f) => f.sms_id);
for (const child of [features, scoring]) child.kill('SIGTERM');
await Promise.all([exited(features), exited(scoring)]);
await messaging.close();

const report = (name: string, counts: { total: number; distinct: number }, wanted: number) =>
  `${name}: ${counts.distinct}/${wanted} distinct (${wanted - counts.distinct} missing), ${counts.total} records, ${counts.total - counts.distinct} duplicates (${(((counts.total - counts.distinct) / wanted) * 100).toFixed(2)} %)`;
console.log(report('sms.features', featureRecords, MESSAGES));
console.log(report('sms.predictions', predictions, expected));
// A member killed last may hold its group until its session times out: the groups get that long
// (10 tries, about 13 s).
await dropRunAfterResult(config.kafka, run, { groupAttempts: 10 });
process.exit(predictions.distinct === expected && featureRecords.distinct === MESSAGES ? 0 : 1);
