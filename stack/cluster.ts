// The local cluster (SPAMSTREAM_STACK_NODES=3): three KRaft Kafka nodes, three Cassandra nodes, two
// registry instances sharing their state in Kafka, and PostgreSQL with Kafka Connect for CDC, each on
// the address of its node (SPAMSTREAM_STACK_CLUSTER_ADDRESSES) at the usual ports, so that it runs
// beside a single-node stack on 127.0.0.1. Why it is laid out so: docs/adr/0017-local-cluster.md.
import { join } from 'node:path';
import { type CassandraNode, cassandraServer } from './cassandra.ts';
import { connectServer, waitForKafka } from './kafka-connect.ts';
import { type KafkaNode, kafkaServer, probeKafkaCluster } from './kafka.ts';
import { postgresServer } from './postgres.ts';
import { ownedPid, ownerMarker } from './process.ts';
import { registryServer, registryUrl } from './registry.ts';
import {
  CLUSTER_NODES,
  type Server,
  type ServerKind,
  type ServerName,
  type StackSettings,
  serverDir,
} from './server.ts';

/** Instance `n` of a kind, which runs on the cluster's address `n`. */
export const instanceName = (kind: ServerKind, n: number): ServerName => `${kind}-${n}`;

/** How many of each kind the cluster runs: a registry is stateless beside Kafka, so two are enough. */
const INSTANCES: Readonly<Record<ServerKind, number>> = {
  kafka: CLUSTER_NODES,
  registry: 2,
  cassandra: CLUSTER_NODES,
  postgres: 1,
  connect: 1,
};

/** The endpoints of the cluster's servers, which its settings' defaults name (config/settings.ts). */
export interface ClusterEndpoints {
  readonly brokers: string[];
  readonly contactPoints: string[];
  readonly registryUrls: string[];
  readonly postgresUrl: string;
  readonly connectUrl: string;
}

export function clusterEndpoints(settings: StackSettings): ClusterEndpoints {
  const { stack } = settings;
  const hosts = stack.clusterAddresses;
  return {
    brokers: hosts.map((host) => `${host}:${stack.kafkaPort}`),
    contactPoints: hosts.map((host) => `${host}:${stack.cassandraPort}`),
    registryUrls: hosts.slice(0, INSTANCES.registry).map((host) => registryUrl(settings, host)),
    postgresUrl: `postgres://postgres@${hosts[0]}:${stack.postgresPort}/spamstream`,
    connectUrl: `http://${hosts[0]}:${stack.connectPort}`,
  };
}

/**
 * The ring split evenly among the nodes (Murmur3's tokens run from -2^63 to 2^63 - 1), so each owns a
 * third as primary instead of what random tokens would give it.
 */
export function evenTokens(nodes: number): string[] {
  const span = 2n ** 64n / BigInt(nodes);
  return Array.from({ length: nodes }, (_, i) => String(-(2n ** 63n) + span * BigInt(i)));
}

/** The cluster's servers, in the order `stack status` lists them. */
export function clusterServers(
  settings: StackSettings,
  java: () => Promise<string>,
  registryJava: () => Promise<string>,
): Server[] {
  const hosts = settings.stack.clusterAddresses;
  const { brokers } = clusterEndpoints(settings);
  const numbers = (kind: ServerKind) => Array.from({ length: INSTANCES[kind] }, (_, i) => i + 1);
  const voters = hosts.map((host, i) => `${i + 1}@${host}:${settings.stack.kafkaControllerPort}`).join(',');
  // Connect and the registries make their topics with three replicas: they wait for every broker.
  const wholeKafka = (who: string) => () =>
    waitForKafka(settings, who, () => probeKafkaCluster(brokers, CLUSTER_NODES));
  const tokens = evenTokens(CLUSTER_NODES);

  const kafka = numbers('kafka').map((n) => {
    const node: KafkaNode = {
      name: instanceName('kafka', n),
      id: n,
      host: hosts[n - 1]!,
      voters,
      clusterIdFile: join(settings.stack.dataDir, instanceName('kafka', 1), 'cluster-id'),
    };
    // The nodes start together: one alone has no quorum and would never answer.
    return kafkaServer(settings, java, { node });
  });
  const registries = numbers('registry').map((n) =>
    registryServer(settings, registryJava, {
      name: instanceName('registry', n),
      host: hosts[n - 1]!,
      bootstrapServers: brokers,
      kafka: wholeKafka(instanceName('registry', n)),
    }),
  );
  // Nodes whose own turn has not come yet: the node after one of them waits on, whatever its process.
  const waiting = new Set<ServerName>();
  const cassandra: Server[] = numbers('cassandra').map((n): Server => {
    const node: CassandraNode = {
      name: instanceName('cassandra', n),
      host: hosts[n - 1]!,
      seeds: hosts,
      initialToken: tokens[n - 1]!,
      rack: `rack${n}`,
    };
    const server = cassandraServer(settings, java, { node });
    if (n === 1) return server;
    // Joined one at a time: nodes that start together fail with "Other bootstrapping/leaving/moving
    // nodes detected". A node starts once the one before it answers CQL, which it does once joined.
    const dependencies = async (): Promise<void> => {
      waiting.add(node.name);
      try {
        await waitForNode(settings, cassandra[n - 2]!, () => waiting.has(cassandra[n - 2]!.name));
      } finally {
        waiting.delete(node.name);
      }
    };
    return { ...server, dependencies };
  });
  const cdc = settings.cdc.enabled
    ? [
        postgresServer(settings, { name: instanceName('postgres', 1), host: hosts[0]! }),
        connectServer(settings, java, {
          name: instanceName('connect', 1),
          host: hosts[0]!,
          bootstrapServers: brokers,
          kafka: wholeKafka(instanceName('connect', 1)),
        }),
      ]
    : [];
  return [...kafka, ...registries, ...cassandra, ...cdc];
}

/** Every server name of the cluster, CDC on or off: what `stack down` must stop. */
export function clusterServerNames(): ServerName[] {
  return (Object.keys(INSTANCES) as ServerKind[]).flatMap((kind) =>
    Array.from({ length: INSTANCES[kind] }, (_, i) => instanceName(kind, i + 1)),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Checks a second apart that the node before has no process, before giving up on it. */
const GONE_CHECKS = 5;

/**
 * Resolves once the node before answers. Fails at once when it has no process of this stack and is
 * not waiting for its own turn (it failed to start: its own report says why), so the nodes after it
 * do not wait out the timeout.
 */
async function waitForNode(settings: StackSettings, before: Server, beforeWaits: () => boolean): Promise<void> {
  const deadline = Date.now() + settings.stack.startTimeoutMs;
  const marker = ownerMarker(settings.stack.dataDir);
  let gone = 0;
  for (;;) {
    try {
      return await before.probe();
    } catch (error) {
      const running = beforeWaits() || (await ownedPid(serverDir(settings, before.name), marker)) !== undefined;
      gone = running ? 0 : gone + 1;
      if (gone >= GONE_CHECKS || Date.now() > deadline)
        throw new Error(
          `started after ${before.name}, which ${running ? 'did not answer in time' : 'is not running'}: ` +
            (error as Error).message,
        );
      await sleep(1000);
    }
  }
}
