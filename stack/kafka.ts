// Kafka in KRaft mode, one process acting as broker and controller. Maven Central has no Kafka
// distribution, so the class path is rebuilt from the server and tools artifacts plus a log4j2 binding
// for slf4j (Kafka 4 logs through log4j2; without a binding it would log nothing at all).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from '../config/config.ts';
import { kafkaSecurity } from '../connectors/kafka/client.ts';
import { mavenLibs } from './fetch.ts';
import { registeredBrokers } from './kafka-metadata.ts';
import { ownerMarker, runToLog } from './process.ts';
import {
  CLUSTER_MIN_INSYNC,
  CLUSTER_REPLICAS,
  type Server,
  type ServerName,
  type StackSettings,
  ensurePortFree,
  serverDir,
  withTimeout,
} from './server.ts';

const LOG4J_VERSION = '2.25.3';

export function kafkaCoordinates(version: string): string[] {
  return [
    `org.apache.kafka:kafka_2.13:${version}`,
    `org.apache.kafka:kafka-tools:${version}`,
    // Named at the top level so that the binding and the core it binds to are the same version.
    `org.apache.logging.log4j:log4j-core:${LOG4J_VERSION}`,
    `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_VERSION}`,
  ];
}

/**
 * Single-node settings. Internal topics get replication factor 1 (the defaults of 3 cannot be met);
 * topics are not auto-created, so a misspelt topic fails loudly instead of appearing with one partition.
 */
export function serverProperties(
  settings: StackSettings,
  logDir: string,
  overrides: Readonly<Record<string, string>> = {},
): string {
  const { kafkaPort, kafkaControllerPort } = settings.stack;
  const lines = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${kafkaControllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${kafkaPort},CONTROLLER://127.0.0.1:${kafkaControllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${kafkaPort}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${logDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Consumers in tests join at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
  ];
  // An override replaces the line of its key in place; new keys follow.
  const replaced = lines.map((line) => {
    const key = line.slice(0, line.indexOf('='));
    return key in overrides ? `${key}=${overrides[key]}` : line;
  });
  const added = Object.entries(overrides).filter(([key]) => !lines.some((line) => line.startsWith(`${key}=`)));
  return [...replaced, ...added.map(([key, value]) => `${key}=${value}`), ''].join('\n');
}

/** What a caller (a test's private broker, the local cluster) may change. */
export interface KafkaServerOptions {
  /** server.properties lines to replace or add, e.g. SASL listeners. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Extra arguments of the one-time storage format, e.g. `--add-scram` for SCRAM users. */
  readonly formatArgs?: readonly string[];
  /** A node of the local cluster (stack/cluster.ts) in place of the single node. */
  readonly node?: KafkaNode;
}

/** One node of the local cluster: its name, KRaft id, address, the quorum it belongs to. */
export interface KafkaNode {
  readonly name: ServerName;
  readonly id: number;
  readonly host: string;
  /** `controller.quorum.voters`: every node's id@host:controller port. */
  readonly voters: string;
  /** Where the cluster's one id is kept: every node's storage is formatted with it. */
  readonly clusterIdFile: string;
}

/**
 * What a node of the local cluster changes in the single node's settings: its id and address, the
 * quorum of all three, and three replicas (two in sync) for the internal topics and for topics made
 * without saying (Connect's, the registry's), as production runs them.
 */
export function clusterNodeProperties(settings: StackSettings, node: KafkaNode): Record<string, string> {
  const { kafkaPort, kafkaControllerPort } = settings.stack;
  const replicas = String(CLUSTER_REPLICAS);
  const inSync = String(CLUSTER_MIN_INSYNC);
  return {
    'node.id': String(node.id),
    'controller.quorum.voters': node.voters,
    listeners: `PLAINTEXT://${node.host}:${kafkaPort},CONTROLLER://${node.host}:${kafkaControllerPort}`,
    'advertised.listeners': `PLAINTEXT://${node.host}:${kafkaPort}`,
    'offsets.topic.replication.factor': replicas,
    'transaction.state.log.replication.factor': replicas,
    'transaction.state.log.min.isr': inSync,
    'share.coordinator.state.topic.replication.factor': replicas,
    'share.coordinator.state.topic.min.isr': inSync,
    'default.replication.factor': replicas,
    'min.insync.replicas': inSync,
  };
}

/** INFO to the console (the launcher sends it to the log file); the config dumps are left out. */
export const LOG4J2_PROPERTIES = `rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
`;

/** A KRaft cluster id: 16 random bytes in URL-safe base64, never starting with '-' (Kafka refuses those). */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function kafkaJvmArgs(settings: StackSettings, libs: string, configDir: string): string[] {
  const heap = `${settings.stack.kafkaHeapMb}m`;
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    ownerMarker(settings.stack.dataDir),
    `-Dlog4j2.configurationFile=${join(configDir, 'log4j2.properties')}`,
    '-cp',
    join(libs, '*'),
  ];
}

/** The cached Kafka distribution's name: its jars are in `mavenLibsDir(cacheDir, name)`, its tools too. */
export const kafkaDistribution = (settings: Pick<StackSettings, 'stack'>): string =>
  `kafka-${settings.stack.kafkaVersion}`;

export function kafkaServer(
  settings: StackSettings,
  java: () => Promise<string>,
  options: KafkaServerOptions = {},
): Server {
  const { node } = options;
  const name = node?.name ?? 'kafka';
  const dir = serverDir(settings, name);
  const logDir = join(dir, 'data');
  const properties = { ...(node ? clusterNodeProperties(settings, node) : {}), ...options.properties };
  const broker = node ? `${node.host}:${settings.stack.kafkaPort}` : undefined;
  return {
    name,
    endpoint: broker ?? settings.kafka.brokers.join(','),
    async prepare(log) {
      const libs = await mavenLibs(
        settings.stack.cacheDir,
        kafkaDistribution(settings),
        kafkaCoordinates(settings.stack.kafkaVersion),
        log,
      );
      if (node) await ensurePortFree(name, settings.stack.kafkaPort, 'SPAMSTREAM_KAFKA_PORT', node.host);
      await mkdir(logDir, { recursive: true });
      await writeFile(join(dir, 'server.properties'), serverProperties(settings, logDir, properties));
      await writeFile(join(dir, 'log4j2.properties'), LOG4J2_PROPERTIES);
      const jvm = kafkaJvmArgs(settings, libs, dir);
      // The storage is formatted once; its cluster id is kept beside it (a cluster's in its first
      // node's folder: every node is formatted with the same one).
      if (!existsSync(join(logDir, 'meta.properties'))) {
        const idFile = node?.clusterIdFile ?? join(dir, 'cluster-id');
        const clusterId = existsSync(idFile) ? (await readFile(idFile, 'utf8')).trim() : newClusterId();
        await mkdir(dirname(idFile), { recursive: true });
        await writeFile(idFile, `${clusterId}\n`);
        const properties = join(dir, 'server.properties');
        const format = ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties, '--ignore-formatted'];
        const logFile = join(dir, 'format.log');
        await runToLog(await java(), [...jvm, ...format, ...(options.formatArgs ?? [])], { cwd: dir, logFile });
      }
      return { command: await java(), args: [...jvm, 'kafka.Kafka', join(dir, 'server.properties')], cwd: dir };
    },
    probe: () => (node && broker ? probeKafkaNode(broker, node.id) : probeKafka(settings.kafka)),
  };
}

/**
 * Asks the cluster to describe itself, which needs a broker that has joined and can answer; with
 * the configured TLS and SASL when given the Kafka settings (an external cluster may require them).
 */
export async function probeKafka(kafka: readonly string[] | KafkaConfig): Promise<void> {
  const brokers = 'brokers' in kafka ? kafka.brokers : kafka;
  const admin = new Kafka({
    clientId: 'spamstream-stack-probe',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    ...('brokers' in kafka ? kafkaSecurity(kafka) : {}),
    connectionTimeout: 1500,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await withTimeout(
      5000,
      (async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no broker registered yet');
      })(),
    );
  } catch (error) {
    throw new Error(`kafka: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** One node of the local cluster answers, and counts itself among the cluster's brokers. */
export async function probeKafkaNode(broker: string, id: number): Promise<void> {
  const registered = await registeredBrokers(broker);
  if (!registered.includes(id))
    throw new Error(`kafka: node ${id} answers but is not registered yet (brokers ${registered.join(', ') || 'none'})`);
}

/** The local cluster has registered at least `minBrokers`, as the first of `brokers` to answer says. */
export async function probeKafkaCluster(brokers: readonly string[], minBrokers: number): Promise<void> {
  const problems: string[] = [];
  for (const broker of brokers) {
    try {
      const registered = await registeredBrokers(broker);
      if (registered.length >= minBrokers) return;
      throw new Error(`kafka: ${registered.length} of ${minBrokers} brokers registered (${registered.join(', ')})`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  throw new Error(problems.join('; '));
}
