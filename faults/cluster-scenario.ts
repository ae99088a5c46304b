// What every cluster scenario shares (`npm run test:faults -- --cluster`): the pipeline's parts as
// processes on the local cluster, the load at a steady rate or as a backlog worked through, the fault
// injected while messages flow, then the outside count (harness.ts), no part exited on its own, the
// store read at ALL, and how long the flow of predictions paused after the fault.
import type { Config } from '../config/config.ts';
import { ClusterNodes } from './cluster-nodes.ts';
import { type Harness, type Scenario, type ScenarioResult, withHarness } from './harness.ts';
import { type PartProcess, sleep } from './parts.ts';
import { longestPause } from './pause.ts';
import { checkStoreAtAll } from './store-at-all.ts';

export type Mode = 'steady' | 'backlog';

export interface FaultContext {
  readonly h: Harness;
  readonly nodes: ClusterNodes;
  readonly mode: Mode;
  readonly quick: boolean;
  readonly log: (line: string) => void;
  /** The edge's base URL, when the scenario asked for one. */
  readonly edgeUrl?: string;
}

export interface ClusterFault {
  readonly name: string;
  /** The edge as a process too (for the store outage, which it must ride out). */
  readonly edge?: boolean;
  /**
   * When to inject: `busy` once the processors are working (the default), `caughtUp` once every
   * message sent so far has all its predictions (what the cluster acknowledged is then all there is).
   */
  readonly when?: 'busy' | 'caughtUp';
  /** Injects the fault and brings the cluster back; may add figures to the result. */
  inject(context: FaultContext): Promise<Pick<ScenarioResult, 'edge_p99_ms'> | undefined>;
}

/** Sizes: the steady rate and how many messages, or the backlog. The quick form for a first look. */
function sizes(mode: Mode, quick: boolean) {
  if (mode === 'steady') return quick ? { messages: 6_000, rate: 100 } : { messages: 15_000, rate: 150 };
  return { messages: quick ? 8_000 : 20_000, rate: 5_000 };
}

/** Messages the features processor has committed on its input: how far through the backlog it is. */
async function worked(h: Harness): Promise<number> {
  const offsets = await h.messaging.committedOffsets(
    `${h.config.pipeline.consumerGroupPrefix}.features`,
    h.config.topics.raw,
  );
  return Number([...offsets.values()].reduce((sum, offset) => sum + offset, 0n));
}

async function edgeUrlOf(h: Harness, edge: PartProcess): Promise<string> {
  const line = await h.parts.waitForLog(edge, /edge listening on (\S+)/);
  return line.replace('edge listening on ', '');
}

export function clusterScenario(fault: ClusterFault, mode: Mode): Scenario {
  const name = `${fault.name} (${mode === 'steady' ? 'steady rate' : 'backlog'})`;
  return {
    name,
    run: ({ quick, log }) =>
      withHarness(`cluster-${mode}`, {}, async (h) => {
        const nodes = new ClusterNodes(h.config);
        if (!(await nodes.allUp())) await nodes.start();
        const { messages, rate } = sizes(mode, quick);
        if (mode === 'backlog') {
          await h.load.produce(messages, rate);
          log(`  backlog of ${messages} produced at ${h.elapsed()}`);
        }
        const started = await Promise.all([
          h.parts.startRunning('features'),
          h.parts.startRunning('scoring'),
          ...(fault.edge ? [h.parts.startRunning('edge')] : []),
        ]);
        const working = Date.now();
        const edgeUrl = fault.edge ? await edgeUrlOf(h, started[2]!) : undefined;
        const flow = mode === 'steady' ? h.load.flow(rate) : undefined;
        if (flow) await h.load.waitForSent(messages * 0.2);
        if (fault.when === 'caughtUp') await h.waitForPredictions(600_000);
        else await untilBusy(h, mode, messages);
        const faultAt = Date.now();
        log(`  fault at ${h.elapsed()}: ${h.load.sentIds.length} sent, ${await worked(h)} through features`);
        const extra = await fault.inject({ h, nodes, mode, quick, log, edgeUrl });
        log(`  cluster back at ${h.elapsed()}`);
        await flow?.stopAt(messages);
        if (flow) {
          // A pause of the predictions means something only if messages kept coming meanwhile.
          const sending = longestPause(h.load.sentAt, faultAt, Date.now());
          h.note(`longest stretch without a message produced after the fault: ${sending.seconds} s`);
        }
        h.note(
          mode === 'steady'
            ? `${h.load.sentIds.length} messages at ${rate}/s`
            : `a backlog of ${messages} messages, the fault ${((faultAt - working) / 1000).toFixed(0)} s into it`,
        );
        await h.waitForPredictions(600_000);
        log(`  every prediction present at ${h.elapsed()}`);
        const exited = started.filter((part) => part.child.exitCode !== null || part.child.signalCode !== null);
        h.check(
          exited.length === 0,
          `parts exited on their own and would have needed a restart: ${exited
            .map((p) => `${p.part} (${p.child.exitCode ?? p.child.signalCode}, log ${p.logPath})`)
            .join(', ')}`,
        );
        if (!(await nodes.allUp())) await nodes.start();
        await checkStoreAtAll(h);
        await h.parts.stopAll();
        // After a backlog was all scored there is no flow left to pause.
        const flowed = mode === 'steady' || fault.when !== 'caughtUp';
        return h.result(name, new Map(), { pausedAfter: flowed ? faultAt : undefined, extra });
      }),
  };
}

/** Until the processors are well into their work: a fifth of the backlog, or a few seconds of the flow. */
async function untilBusy(h: Harness, mode: Mode, messages: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  const enough = mode === 'backlog' ? messages * 0.2 : Math.min(messages * 0.15, h.load.sentIds.length * 0.5);
  while ((await worked(h)) < enough) {
    if (Date.now() > deadline) throw new Error(`the processors had not worked through ${enough} messages in 300 s`);
    await sleep(250);
  }
}

/** Partitions of the run's own topics, which the pipeline reads and writes. */
export const runTopics = (config: Config): string[] => {
  const { raw, features, predictions, dlq } = config.topics;
  return [raw, features, predictions, dlq];
};
