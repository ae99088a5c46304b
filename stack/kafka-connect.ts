// Kafka Connect in distributed mode (one worker), the same version as the broker, with the Debezium
// PostgreSQL connector as its only plugin. Maven Central has no Kafka distribution, so the class path
// is rebuilt from the Connect artifacts; the plugin is Debezium's own archive, unpacked once.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mavenArchive, mavenLibs } from './fetch.ts';
import { LOG4J2_PROPERTIES, probeKafka } from './kafka.ts';
import { ownerMarker } from './process.ts';
import {
  CLUSTER_REPLICAS,
  type Server,
  type ServerName,
  type StackSettings,
  ensurePortFree,
  serverDir,
  withTimeout,
} from './server.ts';

const LOG4J_VERSION = '2.25.3';
export const POSTGRES_CONNECTOR_CLASS = 'io.debezium.connector.postgresql.PostgresConnector';

export function connectCoordinates(version: string): string[] {
  return [
    `org.apache.kafka:connect-runtime:${version}`,
    `org.apache.kafka:connect-json:${version}`,
    `org.apache.kafka:connect-transforms:${version}`,
    `org.apache.logging.log4j:log4j-core:${LOG4J_VERSION}`,
    `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_VERSION}`,
  ];
}

export const debeziumArtifact = (version: string): string =>
  `io.debezium:debezium-connector-postgres:${version}:tar.gz:plugin`;

/** The local cluster's worker: its name and address, and the Kafka it works against. */
export interface ConnectInstance {
  readonly name: ServerName;
  readonly host: string;
  readonly bootstrapServers: readonly string[];
}

/**
 * One worker. Its three internal topics get replication factor 1 on one broker, the cluster's
 * replicas on the local cluster; offsets are flushed every second, so a killed worker re-sends at
 * most about a second of changes (Debezium is at-least-once: it resumes from the last flushed offset).
 */
export function workerProperties(settings: StackSettings, pluginPath: string, instance?: ConnectInstance): string {
  const host = instance?.host ?? '127.0.0.1';
  const replicas = instance ? CLUSTER_REPLICAS : 1;
  return [
    `bootstrap.servers=${(instance?.bootstrapServers ?? settings.kafka.brokers).join(',')}`,
    'group.id=spamstream-connect',
    `listeners=http://${host}:${settings.stack.connectPort}`,
    `rest.advertised.host.name=${host}`,
    `rest.advertised.port=${settings.stack.connectPort}`,
    'config.storage.topic=spamstream-connect-configs',
    'offset.storage.topic=spamstream-connect-offsets',
    'status.storage.topic=spamstream-connect-status',
    `config.storage.replication.factor=${replicas}`,
    `offset.storage.replication.factor=${replicas}`,
    `status.storage.replication.factor=${replicas}`,
    'offset.flush.interval.ms=1000',
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable=false',
    'value.converter.schemas.enable=false',
    `plugin.path=${pluginPath}`,
    // Plugins are found by reading their folders, not by loading every class (faster start).
    'plugin.discovery=hybrid_warn',
    '',
  ].join('\n');
}

export function connectJvmArgs(settings: StackSettings, libs: string, dir: string): string[] {
  const heap = `${settings.stack.connectHeapMb}m`;
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    ownerMarker(settings.stack.dataDir),
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    '-cp',
    join(libs, '*'),
    'org.apache.kafka.connect.cli.ConnectDistributed',
    join(dir, 'worker.properties'),
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until Kafka answers: the worker exits when Kafka is not there yet, and the servers start
 * together. `probe` asks in place of the configured brokers (the local cluster waits for them all).
 */
export async function waitForKafka(
  settings: StackSettings,
  who: string,
  probe: () => Promise<void> = () => probeKafka(settings.kafka),
): Promise<void> {
  const deadline = Date.now() + settings.stack.startTimeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${who}: Kafka never answered: ${(error as Error).message}`);
      await sleep(500);
    }
  }
}

export function connectServer(
  settings: StackSettings,
  java: () => Promise<string>,
  instance?: ConnectInstance & { readonly kafka: () => Promise<void> },
): Server {
  const name = instance?.name ?? 'connect';
  const dir = serverDir(settings, name);
  const url = instance ? `http://${instance.host}:${settings.stack.connectPort}` : settings.cdc.connectUrl;
  return {
    name,
    endpoint: url,
    async prepare(log) {
      await ensurePortFree(name, settings.stack.connectPort, 'SPAMSTREAM_CONNECT_PORT', instance?.host);
      const { kafkaVersion, debeziumVersion, cacheDir } = settings.stack;
      const libs = await mavenLibs(cacheDir, `connect-${kafkaVersion}`, connectCoordinates(kafkaVersion), log);
      const plugins = await mavenArchive(
        cacheDir,
        `debezium-postgres-${debeziumVersion}`,
        debeziumArtifact(debeziumVersion),
        log,
      );
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'worker.properties'), workerProperties(settings, plugins, instance));
      await writeFile(join(dir, 'log4j2.properties'), LOG4J2_PROPERTIES);
      return { command: await java(), args: connectJvmArgs(settings, libs, dir), cwd: dir };
    },
    dependencies: instance?.kafka ?? (() => waitForKafka(settings, 'connect')),
    probe: () => probeConnect(url),
  };
}

/** The REST API answers and lists the Debezium PostgreSQL connector among its plugins. */
export async function probeConnect(url: string): Promise<void> {
  const response = await withTimeout(
    5000,
    fetch(`${url}/connector-plugins`, { signal: AbortSignal.timeout(5000) }),
  ).catch((error: Error) => {
    throw new Error(
      `connect: GET ${url}/connector-plugins: ${error.cause instanceof Error ? error.cause.message : error.message}`,
    );
  });
  if (!response.ok) throw new Error(`connect: GET ${url}/connector-plugins answered ${response.status}`);
  const plugins = (await response.json()) as { class?: string }[];
  if (!Array.isArray(plugins) || !plugins.some((p) => p.class === POSTGRES_CONNECTOR_CLASS)) {
    throw new Error(`connect: the worker has no ${POSTGRES_CONNECTOR_CLASS} plugin`);
  }
}
