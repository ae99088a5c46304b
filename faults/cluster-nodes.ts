// The local cluster's nodes as the cluster scenarios handle them: which broker leads the most
// partitions or coordinates the processors' groups and transactions, kill -9 or a clean stop of one
// node, `stack up` to start it again, and waits until every partition has all its replicas in sync.
import { Kafka, logLevel } from 'kafkajs';
import type { Config } from '../config/config.ts';
import { stackDown, stackStatus, stackUp } from '../stack/index.ts';
import { isAlive, ownedPid, ownerMarker } from '../stack/process.ts';
import { type ServerName, serverDir } from '../stack/server.ts';
import { sleep } from './parts.ts';

/** Java's String.hashCode, by which Kafka places a group or transactional id on a partition of its log. */
export function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The partition of `__consumer_offsets` (a group) or `__transaction_state` (a transactional id) that
 * holds `id`, as Kafka's coordinators place it: Utils.abs(hashCode) % partitions, where Utils.abs is
 * Math.abs but 0 for Integer.MIN_VALUE (not the partitioner's toPositive, which drops the sign bit).
 */
export function coordinatorPartition(id: string, partitions: number): number {
  const hash = javaHashCode(id);
  return (hash === -2147483648 ? 0 : Math.abs(hash)) % partitions;
}

/** The broker counted most often, the lowest id on a tie. */
export function busiest(counts: ReadonlyMap<number, number>): number {
  return [...counts].sort(([a, x], [b, y]) => y - x || a - b)[0]![0];
}

const brokerName = (id: number): ServerName => `kafka-${id}`;

export class ClusterNodes {
  private readonly config: Config;
  private readonly kafka: Kafka;

  constructor(config: Config) {
    this.config = config;
    this.kafka = new Kafka({
      clientId: 'spamstream-faults-cluster',
      brokers: [...config.kafka.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10 },
    });
  }

  /** Partitions each broker leads among `topics`. */
  async leaders(topics: readonly string[]): Promise<Map<number, number>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const counts = new Map<number, number>();
      for (const partition of described.flatMap((t) => t.partitions))
        counts.set(partition.leader, (counts.get(partition.leader) ?? 0) + 1);
      return counts;
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The broker coordinating each id: a group's coordinator leads its partition of
   * `__consumer_offsets`, a transactional id's leads its partition of `__transaction_state`.
   */
  async coordinators(groups: readonly string[], transactionalIds: readonly string[]): Promise<Map<string, number>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets', '__transaction_state'] });
      const leaderOf = (topic: string, id: string) => {
        const partitions = topics.find((t) => t.name === topic)!.partitions;
        const wanted = coordinatorPartition(id, partitions.length);
        return partitions.find((p) => p.partitionId === wanted)!.leader;
      };
      return new Map([
        ...groups.map((group) => [group, leaderOf('__consumer_offsets', group)] as const),
        ...transactionalIds.map((id) => [id, leaderOf('__transaction_state', id)] as const),
      ]);
    } finally {
      await admin.disconnect();
    }
  }

  /** Partitions of `topics` (all of them when none given) whose in-sync replicas are fewer than their replicas. */
  async underReplicated(topics?: readonly string[]): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const names = topics ?? (await admin.listTopics());
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...names] });
      return described.flatMap((t) => t.partitions).filter((p) => p.isr.length < p.replicas.length).length;
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until every partition of the cluster has all its replicas in sync; returns the seconds it took. */
  async waitInSync(timeoutMs = 300_000): Promise<number> {
    const began = Date.now();
    for (;;) {
      const behind = await this.underReplicated().catch(() => Number.NaN);
      if (behind === 0) return (Date.now() - began) / 1000;
      if (Date.now() - began > timeoutMs)
        throw new Error(`${behind} partitions still under-replicated after ${timeoutMs / 1000} s`);
      await sleep(1_000);
    }
  }

  pid(name: ServerName): Promise<number | undefined> {
    return ownedPid(serverDir(this.config, name), ownerMarker(this.config.stack.dataDir));
  }

  /** kill -9 of one node's server; resolves once the process is gone. */
  async kill(name: ServerName): Promise<void> {
    const pid = await this.pid(name);
    if (pid === undefined) throw new Error(`${name} is not running: nothing to kill`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }

  /** A clean stop (SIGTERM, as `stack down` does). */
  async stop(name: ServerName): Promise<void> {
    const [report] = await stackDown(this.config, { only: [name] });
    if (report?.outcome !== 'stopped') throw new Error(`${name}: ${report?.outcome ?? 'no report'} instead of stopped`);
  }

  /** `stack up`: starts whatever node is down and waits until it answers; returns the seconds it took. */
  async start(): Promise<number> {
    const began = Date.now();
    const report = await stackUp(this.config);
    if (!report.ok)
      throw new Error(
        `stack up failed: ${report.servers
          .filter((s) => s.state === 'failed')
          .map((s) => `${s.name}: ${s.detail ?? ''}`)
          .join('; ')}`,
      );
    return (Date.now() - began) / 1000;
  }

  /** Every node answers (before a scenario begins, and before the store is read at ALL). */
  async allUp(): Promise<boolean> {
    return (await stackStatus(this.config)).ok;
  }

  static brokerName = brokerName;
}
