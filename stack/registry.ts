// Apicurio Registry 3, run from the Quarkus archive it publishes on Maven Central. Clients use its
// Confluent-compatible API under /apis/ccompat/v7. Its default storage is an H2 database in memory;
// here the same H2 keeps its file in the stack's data dir, because records in Kafka outlive a restart
// and carry schema ids that must still resolve afterwards. Only `stack down --purge` forgets them.
// The local cluster's two instances keep their state in its Kafka instead (kafkasqlProperties).
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { mavenArchive } from './fetch.ts';
import { ownerMarker } from './process.ts';
import { maskUrl } from '../config/config.ts';
import { type RegistryAccess, createSchemaRegistryClient } from '../connectors/registry/schema-registry.ts';
import { type Server, type ServerName, type StackSettings, ensurePortFree, serverDir, withTimeout } from './server.ts';

export const apicurioArtifact = (version: string): string => `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;

const DATABASE_FOLDER = 'db';

/**
 * An embedded H2 database in files under `dir` (`registry.mv.db`). WRITE_DELAY=0 writes each commit to
 * the file before the registry answers, so a killed process cannot lose an id it already handed out.
 */
export function registryDatabaseUrl(dir: string): string {
  const path = join(dir, DATABASE_FOLDER, 'registry');
  // H2 reads `;` as the start of its options, and wants an absolute path for a file database.
  if (path.includes(';') || !isAbsolute(path))
    throw new Error(`registry: cannot keep an H2 database at ${path} (needs an absolute path without ';')`);
  return `jdbc:h2:file:${path};WRITE_DELAY=0`;
}

/** One instance of the local cluster's registry: its name and address, and the Kafka it keeps its state in. */
export interface RegistryInstance {
  readonly name: ServerName;
  readonly host: string;
  readonly bootstrapServers: readonly string[];
}

/**
 * Apicurio's `kafkasql` storage: every change goes to a journal topic that each instance reads from
 * its start into an in-memory database, so the instances share one state (as Confluent's registries
 * share `_schemas`). Property names as Apicurio 3.3's KafkaSqlConfiguration reads them. It makes its
 * journal and snapshots topics itself, with min(3, brokers) replicas and min.insync.replicas one
 * fewer: the instances wait for all three brokers, so three and two. Naming the replicas is no way
 * round that: 3.3.3 passes `apicurio.kafkasql.topic.replication.factor` on as a topic config too,
 * which Kafka refuses ("Unknown topic config name: replication.factor").
 */
export function kafkasqlProperties(instance: RegistryInstance): string[] {
  return [
    '-Dapicurio.storage.kind=kafkasql',
    `-Dapicurio.kafkasql.bootstrap.servers=${instance.bootstrapServers.join(',')}`,
    // A consumer group of its own per start (Apicurio's rule), named after the instance.
    `-Dapicurio.kafkasql.consumer.group-prefix=spamstream-${instance.name}-`,
  ];
}

export function registryJvmArgs(
  settings: StackSettings,
  dist: string,
  dir: string,
  instance?: RegistryInstance,
): string[] {
  const heap = `${settings.stack.registryHeapMb}m`;
  const host = instance?.host ?? '127.0.0.1';
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    ownerMarker(settings.stack.dataDir),
    `-Dquarkus.http.host=${host}`,
    `-Dquarkus.http.port=${settings.stack.registryPort}`,
    // The management listener (health, metrics) is built in; by default it binds 0.0.0.0:9000, open to
    // the network and a port that a second stack on this machine could not bind too.
    `-Dquarkus.management.host=${host}`,
    `-Dquarkus.management.port=${settings.stack.registryManagementPort}`,
    // One access-log line per request would bury the startup messages under the readiness probes.
    '-Dquarkus.http.access-log.enabled=false',
    ...(instance
      ? kafkasqlProperties(instance)
      : [
          // sql on h2 is already Apicurio's default; named so that a new default cannot move the schemas.
          '-Dapicurio.storage.kind=sql',
          '-Dapicurio.storage.sql.kind=h2',
          `-Dapicurio.datasource.url=${registryDatabaseUrl(dir)}`,
        ]),
    '-jar',
    join(dist, 'quarkus-run.jar'),
  ];
}

/** The Confluent-compatible API of an instance at `host`. */
export const registryUrl = (settings: StackSettings, host: string): string =>
  `http://${host}:${settings.stack.registryPort}/apis/ccompat/v7`;

export function registryServer(
  settings: StackSettings,
  java: () => Promise<string>,
  instance?: RegistryInstance & {
    /** Resolves once the Kafka it keeps its state in has every node. */
    readonly kafka: () => Promise<void>;
  },
): Server {
  const name = instance?.name ?? 'registry';
  const dir = serverDir(settings, name);
  const url = instance ? registryUrl(settings, instance.host) : settings.registry.url;
  return {
    name,
    endpoint: maskUrl(url),
    async prepare(log) {
      const version = settings.stack.apicurioVersion;
      const dist = await mavenArchive(settings.stack.cacheDir, `apicurio-${version}`, apicurioArtifact(version), log);
      if (instance) await ensurePortFree(name, settings.stack.registryPort, 'SPAMSTREAM_REGISTRY_PORT', instance.host);
      await mkdir(instance ? dir : join(dir, DATABASE_FOLDER), { recursive: true });
      return { command: await java(), args: registryJvmArgs(settings, dist, dir, instance), cwd: dir };
    },
    dependencies: instance?.kafka,
    probe: () => probeRegistry(instance ? url : settings.registry),
  };
}

/**
 * Lists the subjects: the registry is up once its Confluent-compatible API answers, with the
 * configured credentials and CA (an external registry may require them).
 */
export async function probeRegistry(registry: string | RegistryAccess): Promise<void> {
  const access = typeof registry === 'string' ? { url: registry } : registry;
  try {
    await withTimeout(6000, createSchemaRegistryClient(access).ping());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`registry: GET ${maskUrl(access.url)}/subjects: ${reason.replace(/^subjects: /, '')}`);
  }
}
