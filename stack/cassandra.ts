// Cassandra 5.0, started as its daemon class directly (the bin/cassandra script is not on Maven
// Central). What the script would add is done here: Java 17's module openings, the jamm agent that
// measures memtable sizes, a small single-node cassandra.yaml, and a logback config.
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import cassandra from 'cassandra-driver';
import { cassandraSecurity } from '../connectors/cassandra/store.ts';
import { mavenLibs } from './fetch.ts';
import { ownerMarker } from './process.ts';
import { type Server, type ServerName, type StackSettings, ensurePortFree, serverDir, withTimeout } from './server.ts';

export const cassandraCoordinates = (version: string): string[] => [`org.apache.cassandra:cassandra-all:${version}`];

// Packages Cassandra reaches into on Java 17 (conf/jvm17-server.options of Cassandra 5.0).
const EXPORTS = [
  'java.base/jdk.internal.misc',
  'java.management.rmi/com.sun.jmx.remote.internal.rmi',
  'java.rmi/sun.rmi.registry',
  'java.rmi/sun.rmi.server',
  'java.sql/java.sql',
  'java.base/java.lang.ref',
  'jdk.unsupported/sun.misc',
  'jdk.compiler/com.sun.tools.javac.file',
  'jdk.attach/sun.tools.attach',
];
const OPENS = [
  'java.base/java.lang.module',
  'java.base/jdk.internal.loader',
  'java.base/jdk.internal.ref',
  'java.base/jdk.internal.reflect',
  'java.base/jdk.internal.math',
  'java.base/jdk.internal.module',
  'java.base/jdk.internal.util.jar',
  'jdk.management/com.sun.management.internal',
  'java.base/sun.nio.ch',
  'java.base/java.io',
  'java.base/java.lang.reflect',
  'jdk.compiler/com.sun.tools.javac',
  'java.base/java.lang',
  'java.base/java.util',
];

export const java17ModuleFlags = (): string[] => [
  ...EXPORTS.map((pkg) => `--add-exports=${pkg}=ALL-UNNAMED`),
  ...OPENS.map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`),
];

/** One node of the local cluster (stack/cluster.ts): its address, the ring it joins, its place in it. */
export interface CassandraNode {
  readonly name: ServerName;
  readonly host: string;
  /** Every node's address: any of them may be the one a restarted node first gossips with. */
  readonly seeds: readonly string[];
  /** Its one token: the three nodes split the ring evenly instead of by chance. */
  readonly initialToken: string;
  readonly rack: string;
}

/**
 * The storage and CQL ports are the node's only listeners. ssl_storage_port (7001) is left out: it opens
 * only for legacy internode TLS, which is off; JMX stays off because no cassandra.jmx.*.port is set.
 * A cluster's node gossips its data centre and rack from cassandra-rackdc.properties
 * (GossipingPropertyFileSnitch), which is what NetworkTopologyStrategy places replicas by.
 */
export function cassandraYaml(settings: StackSettings, dataDir: string, node?: CassandraNode): string {
  const { cassandraPort, cassandraStoragePort } = settings.stack;
  const host = node?.host ?? '127.0.0.1';
  const seeds = (node?.seeds ?? [host]).map((seed) => `${seed}:${cassandraStoragePort}`).join(',');
  const ring = node
    ? `cluster_name: spamstream-cluster
num_tokens: 1
initial_token: ${node.initialToken}
endpoint_snitch: GossipingPropertyFileSnitch`
    : `cluster_name: spamstream
num_tokens: 1
endpoint_snitch: SimpleSnitch`;
  return `${ring}
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${seeds}"
listen_address: ${host}
storage_port: ${cassandraStoragePort}
rpc_address: ${host}
native_transport_port: ${cassandraPort}
commitlog_sync: periodic
commitlog_sync_period: 10000ms
data_file_directories:
  - ${join(dataDir, 'data')}
commitlog_directory: ${join(dataDir, 'commitlog')}
saved_caches_directory: ${join(dataDir, 'saved_caches')}
hints_directory: ${join(dataDir, 'hints')}
# Test keyspaces come and go; snapshots on every drop would only fill the disk.
auto_snapshot: false
memtable_heap_space: 256MiB
memtable_offheap_space: 64MiB
`;
}

/** The data centre and rack a cluster's node announces: the data centre is the one clients name. */
export const rackdcProperties = (settings: StackSettings, node: CassandraNode): string =>
  `dc=${settings.cassandra.localDataCenter}\nrack=${node.rack}\n`;

/** INFO and above to the console, which the launcher writes to the log file (the default is DEBUG). */
export const LOGBACK_XML = `<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="OUT"/></root>
</configuration>
`;

export function jammJar(libs: string, files: readonly string[] = readdirSync(libs)): string {
  const jar = files.find((file) => /^jamm-[\d.]+\.jar$/.test(file));
  if (!jar) throw new Error(`no jamm jar in ${libs}: delete that folder to fetch Cassandra again`);
  return join(libs, jar);
}

export function cassandraJvmArgs(
  settings: StackSettings,
  libs: string,
  dir: string,
  jamm: string,
  node?: CassandraNode,
): string[] {
  const heap = `${settings.stack.cassandraHeapMb}m`;
  const dataDir = join(dir, 'data');
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    // Cassandra ships 300 ms. Its young collections share the cores with everything else here, and
    // the pipeline's slowest messages came in clusters matching them (docs/adr/0006-heap-settings.md).
    '-XX:MaxGCPauseMillis=50',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    '-Djdk.attach.allowAttachSelf=true',
    ...java17ModuleFlags(),
    '-Dio.netty.tryReflectionSetAccessible=true',
    `-javaagent:${jamm}`,
    ownerMarker(settings.stack.dataDir),
    `-Dcassandra.config=${pathToFileURL(join(dir, 'cassandra.yaml')).href}`,
    `-Dcassandra.storagedir=${dataDir}`,
    `-Dcassandra.logdir=${join(dir, 'logs')}`,
    '-Dcassandra-foreground=yes',
    `-Dlogback.configurationFile=${join(dir, 'logback.xml')}`,
    ...(node
      ? // A node of a cluster waits for gossip to settle, so that it serves knowing which peers are down.
        [`-Dcassandra-rackdc.properties=${pathToFileURL(join(dir, 'cassandra-rackdc.properties')).href}`]
      : // A single node has nobody to gossip with; waiting for gossip to settle only adds seconds.
        ['-Dcassandra.skip_wait_for_gossip_to_settle=0']),
    '-cp',
    join(libs, '*'),
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

/** What a caller (a test's private node, the local cluster) may add. */
export interface CassandraServerOptions {
  /** cassandra.yaml lines appended to the stack's, e.g. `authenticator: PasswordAuthenticator`. */
  readonly yaml?: string;
  /** JVM system properties placed before the main class, e.g. `-Dcassandra.superuser_setup_delay_ms=0`. */
  readonly jvmArgs?: readonly string[];
  /** A node of the local cluster in place of the single node. */
  readonly node?: CassandraNode;
}

export function cassandraServer(
  settings: StackSettings,
  java: () => Promise<string>,
  options: CassandraServerOptions = {},
): Server {
  const { node } = options;
  const name = node?.name ?? 'cassandra';
  const dir = serverDir(settings, name);
  const contactPoint = node ? `${node.host}:${settings.stack.cassandraPort}` : undefined;
  return {
    name,
    endpoint: contactPoint ?? settings.cassandra.contactPoints.join(','),
    async prepare(log) {
      const libs = await mavenLibs(
        settings.stack.cacheDir,
        `cassandra-${settings.stack.cassandraVersion}`,
        cassandraCoordinates(settings.stack.cassandraVersion),
        log,
      );
      if (node) await ensurePortFree(name, settings.stack.cassandraPort, 'SPAMSTREAM_CASSANDRA_PORT', node.host);
      await mkdir(join(dir, 'data'), { recursive: true });
      const yaml = cassandraYaml(settings, join(dir, 'data'), node) + (options.yaml ?? '');
      await writeFile(join(dir, 'cassandra.yaml'), yaml);
      if (node) await writeFile(join(dir, 'cassandra-rackdc.properties'), rackdcProperties(settings, node));
      await writeFile(join(dir, 'logback.xml'), LOGBACK_XML);
      const args = cassandraJvmArgs(settings, libs, dir, jammJar(libs), node);
      // The main class comes last: system properties go before it.
      args.splice(args.length - 1, 0, ...(options.jvmArgs ?? []));
      return { command: await java(), args, cwd: dir };
    },
    probe: () => (contactPoint ? probeCassandraNode(contactPoint) : probeCassandra(settings)),
  };
}

/** A CQL query, not a port check: the port opens before the node can serve reads. */
export async function probeCassandra(settings: Pick<StackSettings, 'cassandra'>): Promise<void> {
  const client = new cassandra.Client({
    contactPoints: [...settings.cassandra.contactPoints],
    localDataCenter: settings.cassandra.localDataCenter,
    ...cassandraSecurity(settings.cassandra),
    socketOptions: { connectTimeout: 2000, readTimeout: 4000 },
  });
  await queryReleaseVersion(client);
}

/**
 * The same query answered by one node of a cluster itself: the driver is allowed that node alone,
 * so another node cannot answer for it. A node serves CQL once it has joined the ring.
 */
export async function probeCassandraNode(contactPoint: string): Promise<void> {
  const { AllowListPolicy, RoundRobinPolicy } = cassandra.policies.loadBalancing;
  const client = new cassandra.Client({
    contactPoints: [contactPoint],
    policies: { loadBalancing: new AllowListPolicy(new RoundRobinPolicy(), [contactPoint]) },
    socketOptions: { connectTimeout: 2000, readTimeout: 4000 },
  });
  await queryReleaseVersion(client);
}

async function queryReleaseVersion(client: cassandra.Client): Promise<void> {
  try {
    await withTimeout(
      6000,
      (async () => {
        await client.connect();
        const result = await client.execute('SELECT release_version FROM system.local');
        if (!result.first()?.get('release_version')) throw new Error('cassandra: system.local has no release_version');
      })(),
    );
  } catch (error) {
    throw new Error(`cassandra: ${conciseDriverError(error)}`);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

/** The driver's "no host available" message embeds whole inspected errors; keep one line per host. */
function conciseDriverError(error: unknown): string {
  const inner = (error as { innerErrors?: Record<string, unknown> }).innerErrors;
  if (inner && Object.keys(inner).length > 0) {
    return Object.entries(inner)
      .map(([host, e]) => `${host}: ${e instanceof Error ? e.message : String(e)}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
