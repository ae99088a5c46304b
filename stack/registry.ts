// Apicurio Registry 3, run from the Quarkus archive it publishes on Maven Central. Clients use its
// Confluent-compatible API under /apis/ccompat/v7. Its default storage is an H2 database in memory;
// here the same H2 keeps its file in the stack's data dir, because records in Kafka outlive a restart
// and carry schema ids that must still resolve afterwards. Only `stack down --purge` forgets them.
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { mavenArchive } from './fetch.ts';
import { ownerMarker } from './process.ts';
import { maskUrl } from '../config/config.ts';
import { type RegistryAccess, createSchemaRegistryClient } from '../connectors/registry/schema-registry.ts';
import { type Server, type StackSettings, serverDir, withTimeout } from './server.ts';

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

export function registryJvmArgs(settings: StackSettings, dist: string, dir: string): string[] {
  const heap = `${settings.stack.registryHeapMb}m`;
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    ownerMarker(settings.stack.dataDir),
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${settings.stack.registryPort}`,
    // The management listener (health, metrics) is built in; by default it binds 0.0.0.0:9000, open to
    // the network and a port that a second stack on this machine could not bind too.
    '-Dquarkus.management.host=127.0.0.1',
    `-Dquarkus.management.port=${settings.stack.registryManagementPort}`,
    // One access-log line per request would bury the startup messages under the readiness probes.
    '-Dquarkus.http.access-log.enabled=false',
    // sql on h2 is already Apicurio's default; named so that a new default cannot move the schemas.
    '-Dapicurio.storage.kind=sql',
    '-Dapicurio.storage.sql.kind=h2',
    `-Dapicurio.datasource.url=${registryDatabaseUrl(dir)}`,
    '-jar',
    join(dist, 'quarkus-run.jar'),
  ];
}

export function registryServer(settings: StackSettings, java: () => Promise<string>): Server {
  const dir = serverDir(settings, 'registry');
  return {
    name: 'registry',
    endpoint: maskUrl(settings.registry.url),
    async prepare(log) {
      const version = settings.stack.apicurioVersion;
      const dist = await mavenArchive(settings.stack.cacheDir, `apicurio-${version}`, apicurioArtifact(version), log);
      await mkdir(join(dir, DATABASE_FOLDER), { recursive: true });
      return { command: await java(), args: registryJvmArgs(settings, dist, dir), cwd: dir };
    },
    probe: () => probeRegistry(settings.registry),
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
