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
import { type Server, type StackSettings, serverDir, withTimeout } from './server.ts';

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

/**
 * The storage and CQL ports are the node's only listeners. ssl_storage_port (7001) is left out: it opens
 * only for legacy internode TLS, which is off; JMX stays off because no cassandra.jmx.*.port is set.
 */
export function cassandraYaml(settings: StackSettings, dataDir: string): string {
  const { cassandraPort, cassandraStoragePort } = settings.stack;
  return `cluster_name: spamstream
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${cassandraStoragePort}"
listen_address: 127.0.0.1
storage_port: ${cassandraStoragePort}
rpc_address: 127.0.0.1
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

export function cassandraJvmArgs(settings: StackSettings, libs: string, dir: string, jamm: string): string[] {
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
    // A single node has nobody to gossip with; waiting for gossip to settle only adds seconds.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-cp',
    join(libs, '*'),
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

/** What a caller (a test's private node) may add; the stack itself uses none of it. */
export interface CassandraServerOptions {
  /** cassandra.yaml lines appended to the stack's, e.g. `authenticator: PasswordAuthenticator`. */
  readonly yaml?: string;
  /** JVM system properties placed before the main class, e.g. `-Dcassandra.superuser_setup_delay_ms=0`. */
  readonly jvmArgs?: readonly string[];
}

export function cassandraServer(
  settings: StackSettings,
  java: () => Promise<string>,
  options: CassandraServerOptions = {},
): Server {
  const dir = serverDir(settings, 'cassandra');
  return {
    name: 'cassandra',
    endpoint: settings.cassandra.contactPoints.join(','),
    async prepare(log) {
      const libs = await mavenLibs(
        settings.stack.cacheDir,
        `cassandra-${settings.stack.cassandraVersion}`,
        cassandraCoordinates(settings.stack.cassandraVersion),
        log,
      );
      await mkdir(join(dir, 'data'), { recursive: true });
      await writeFile(join(dir, 'cassandra.yaml'), cassandraYaml(settings, join(dir, 'data')) + (options.yaml ?? ''));
      await writeFile(join(dir, 'logback.xml'), LOGBACK_XML);
      const args = cassandraJvmArgs(settings, libs, dir, jammJar(libs));
      // The main class comes last: system properties go before it.
      args.splice(args.length - 1, 0, ...(options.jvmArgs ?? []));
      return { command: await java(), args, cwd: dir };
    },
    probe: () => probeCassandra(settings),
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
