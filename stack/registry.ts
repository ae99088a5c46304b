// Apicurio Registry 3, run from the Quarkus archive it publishes on Maven Central. Its default storage
// is an in-memory database, so schemas live as long as the process: `stack down` forgets them all.
// Clients use its Confluent-compatible API under /apis/ccompat/v7.
import { join } from 'node:path';
import { mavenArchive } from './fetch.ts';
import { ownerMarker } from './process.ts';
import { type Server, type StackSettings, serverDir, withTimeout } from './server.ts';

export const apicurioArtifact = (version: string): string => `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;

export function registryJvmArgs(settings: StackSettings, dist: string): string[] {
  const heap = `${settings.stack.registryHeapMb}m`;
  return [
    `-Xms${heap}`, `-Xmx${heap}`,
    ownerMarker(settings.stack.dataDir),
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${settings.stack.registryPort}`,
    // One access-log line per request would bury the startup messages under the readiness probes.
    '-Dquarkus.http.access-log.enabled=false',
    '-jar', join(dist, 'quarkus-run.jar'),
  ];
}

export function registryServer(settings: StackSettings, java: () => Promise<string>): Server {
  const dir = serverDir(settings, 'registry');
  return {
    name: 'registry',
    endpoint: settings.registry.url,
    async prepare(log) {
      const version = settings.stack.apicurioVersion;
      const dist = await mavenArchive(settings.stack.cacheDir, `apicurio-${version}`, apicurioArtifact(version), log);
      return { command: await java(), args: registryJvmArgs(settings, dist), cwd: dir };
    },
    probe: () => probeRegistry(settings.registry.url),
  };
}

/** Lists the subjects: the registry is up once its Confluent-compatible API answers with a JSON array. */
export async function probeRegistry(url: string): Promise<void> {
  const response = await withTimeout(5000, fetch(`${url}/subjects`, { signal: AbortSignal.timeout(5000) })).catch((error: Error) => {
    // fetch says only "fetch failed"; the reason (refused, reset…) is in its cause.
    throw new Error(`registry: GET ${url}/subjects: ${error.cause instanceof Error ? error.cause.message : error.message}`);
  });
  if (!response.ok) throw new Error(`registry: GET ${url}/subjects answered ${response.status}`);
  const body: unknown = await response.json();
  if (!Array.isArray(body)) throw new Error(`registry: GET ${url}/subjects did not answer a list`);
}
