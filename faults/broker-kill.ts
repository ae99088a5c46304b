// Cluster scenarios: kill -9 of one of the three brokers while the pipeline works, started again
// 30 s later. Either the broker leading the most of the run's partitions, or the one coordinating
// most of the processors' consumer groups and transactional ids (a group's coordinator counts
// first). Replicas and a quorum of controllers remain, so the pipeline must carry on through it.
import { ClusterNodes, busiest } from './cluster-nodes.ts';
import { type ClusterFault, type FaultContext, runTopics } from './cluster-scenario.ts';
import { sleep } from './parts.ts';

const DOWN_MS = 30_000;

async function killFor30s(context: FaultContext, id: number, why: string): Promise<undefined> {
  const { h, nodes, log } = context;
  const name = ClusterNodes.brokerName(id);
  const killed = Date.now();
  await nodes.kill(name);
  log(`  kill -9 ${name} (${why}) at ${h.elapsed()}`);
  await sleep(DOWN_MS);
  const startSeconds = await nodes.start();
  const inSync = await nodes.waitInSync();
  h.note(
    `${name} ${why}; killed, started again after ${DOWN_MS / 1000} s, answering ${startSeconds.toFixed(1)} s later, ` +
      `every partition in sync ${inSync.toFixed(1)} s after that (${((Date.now() - killed) / 1000).toFixed(0)} s in all)`,
  );
  return undefined;
}

export const leaderKill: ClusterFault = {
  name: 'kill -9 the broker leading most partitions, 30 s',
  async inject(context) {
    const topics = runTopics(context.h.config);
    const leaders = await context.nodes.leaders(topics);
    const id = busiest(leaders);
    const total = [...leaders.values()].reduce((a, b) => a + b, 0);
    return killFor30s(context, id, `led ${leaders.get(id)} of the run's ${total} partitions`);
  },
};

export const coordinatorKill: ClusterFault = {
  name: "kill -9 the processors' group and transaction coordinator, 30 s",
  async inject(context) {
    const { h, nodes } = context;
    const { consumerGroupPrefix: prefix } = h.config.pipeline;
    const { raw, features, partitions } = h.config.topics;
    const groups = [`${prefix}.features`, `${prefix}.scoring`];
    // One transactional id per input partition and processor (connectors/kafka/transactional-writer.ts).
    const transactional = Array.from({ length: partitions }, (_, p) => [
      `${prefix}.features.${raw}.${p}`,
      `${prefix}.scoring.${features}.${p}`,
    ]).flat();
    const coordinators = await nodes.coordinators(groups, transactional);
    const weight = new Map<number, number>();
    for (const [id, broker] of coordinators)
      weight.set(broker, (weight.get(broker) ?? 0) + (groups.includes(id) ? 100 : 1));
    const broker = busiest(weight);
    const mine = (ids: readonly string[]) => ids.filter((id) => coordinators.get(id) === broker);
    const why =
      `coordinated the groups ${
        mine(groups)
          .map((g) => g.slice(prefix.length + 1))
          .join(' and ') || 'none'
      } ` + `and ${mine(transactional).length} of ${transactional.length} transactional ids`;
    return killFor30s(context, broker, why);
  },
};
