// Scaling out, measured: 1, 2 and 3 instances of each processor (`spamstream run features` and `run
// scoring`, as processes) against the local cluster, each count working through a backlog of its own
// topics (six partitions, the default). Figures per count: messages a second over the whole backlog,
// and from the moment every instance runs; CPU a message of the processors and of the servers.
//   node bench/scale-out.ts [--counts 1,2,3] [--messages 20000] [--json <file>] [--data <csv>]
// The run in docs/benchmarks.md: --json docs/benchmarks/scale-out-run.json, then npm run gen:docs.
// Needs the local cluster up (`npx spamstream stack up --nodes 3`); SPAMSTREAM_STACK_NODES is 3 here
// unless the environment says otherwise (then it measures that stack).
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { applyPorts, connectMessaging } from '../runtime/wiring.ts';
import { dropKafkajsTimerWarnings } from '../runtime/warnings.ts';
import type { SmsFeatures, SmsPrediction } from '../schemas/index.ts';
import { stackStatus } from '../stack/index.ts';
import type { ServerName } from '../stack/server.ts';
import { dropRun } from '../testkit/drop-run.ts';
import { isolatedEnv } from '../testkit/pipeline-fixture.ts';
import { readTopic } from '../testkit/read-topic.ts';
import { applyTopology } from '../topology/apply.ts';
import { type ScaleFigures, type ScaleRun, scaleOutTable } from './scale-out-table.ts';
import { untilProcessed } from './pipeline.ts';
import { type Child, DEFAULT_DATA, cpuMs, localServerPid, rawProducer, readTexts, startCli } from './support.ts';

const { values: args } = parseArgs({
  options: {
    counts: { type: 'string', default: '1,2,3' },
    messages: { type: 'string', default: '20000' },
    json: { type: 'string' },
    data: { type: 'string', default: DEFAULT_DATA },
  },
});
process.env.SPAMSTREAM_STACK_NODES ??= '3';
dropKafkajsTimerWarnings();
const MESSAGES = Number(args.messages);
const texts = await readTexts(args.data);
const stack = loadConfig();
const status = await stackStatus(stack);
if (!status.ok)
  throw new Error(`the stack does not answer: ${status.servers.filter((s) => s.state === 'down').map((s) => s.name)}`);
const SERVERS: readonly ServerName[] =
  stack.stack.nodes === 3
    ? ['kafka-1', 'kafka-2', 'kafka-3', 'cassandra-1', 'cassandra-2', 'cassandra-3']
    : ['kafka', 'cassandra'];

async function measure(instances: number): Promise<ScaleFigures> {
  const run = `scale${instances}x${Date.now().toString(36)}`;
  const env = isolatedEnv(run);
  const config = loadConfig(env);
  const messaging = connectMessaging(config);
  const models = availableModels(config.pipeline.modelsDir).length;
  const children: Child[] = [];
  try {
    await applyTopology(applyPorts(config, messaging), config);
    await rawProducer(messaging, config, run, texts).send(MESSAGES);
    const loadBefore = Math.round(loadavg()[0]! * 10) / 10;
    const servers = SERVERS.map((name) => ({ name, pid: localServerPid(config, name)! }));
    const serverCpu = () => servers.map(({ pid }) => cpuMs(pid));
    const serversBefore = serverCpu();
    for (let i = 0; i < instances; i += 1)
      children.push(startCli(['run', 'features'], env), startCli(['run', 'scoring'], env));
    await Promise.all(
      children.map((child, i) =>
        child.waitFor(i % 2 === 0 ? /processor features running/ : /processor scoring running/, 180_000),
      ),
    );
    const allRunning = Date.now();
    await untilProcessed(messaging, config, Math.max(300_000, MESSAGES * 30));
    const processorsCpu = children.reduce((sum, child) => sum + cpuMs(child.process.pid!), 0);
    const serversAfter = serverCpu();
    const spent = (kind: string) =>
      servers.reduce((sum, s, i) => sum + (s.name.startsWith(kind) ? serversAfter[i]! - serversBefore[i]! : 0), 0);
    const predicted = await readTopic<SmsPrediction>(messaging, config.topics.predictions, {
      until: (r) => r.length >= MESSAGES * models,
      timeoutMs: 300_000,
    });
    const computed = await readTopic<SmsFeatures>(messaging, config.topics.features, { timeoutMs: 300_000 });
    const first = Math.min(...computed.map((r) => r.value.computed_at));
    const scored = predicted.map((r) => r.value.scored_at);
    const last = Math.max(...scored);
    const afterAllRunning = scored.filter((t) => t >= allRunning).length / models;
    const perMessage = (ms: number) => Math.round((ms * 1000) / MESSAGES);
    return {
      instances,
      messages: MESSAGES,
      msgsPerSecond: Math.round(MESSAGES / ((last - first) / 1000)),
      msgsPerSecondAllRunning: Math.round(afterAllRunning / ((last - allRunning) / 1000)),
      processorsCpuUs: perMessage(processorsCpu),
      kafkaCpuUs: perMessage(spent('kafka')),
      cassandraCpuUs: perMessage(spent('cassandra')),
      loadBefore,
    };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await messaging.close();
    await dropRun(config.kafka, run);
  }
}

const results: ScaleFigures[] = [];
for (const count of args.counts.split(',').map(Number)) {
  console.log(`${count} instance(s) of each processor, a backlog of ${MESSAGES}…`);
  const figures = await measure(count);
  console.log(`  ${JSON.stringify(figures)}`);
  results.push(figures);
}
const run: ScaleRun = {
  stack: stack.stack.nodes === 3 ? 'local cluster' : 'single node',
  partitions: stack.topics.partitions,
  cores: availableParallelism(),
  results,
};
console.log(`\n${scaleOutTable(run)}`);
if (args.json) writeFileSync(args.json, `${JSON.stringify(run, null, 2)}\n`);
