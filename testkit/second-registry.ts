// A private schema registry (the launcher's Apicurio, on free ports, its H2 file in a temp folder, so
// ids survive a restart as in the stack) for tests that stop it: the shared one on 8081 serves every
// other test.
import { registryJava } from '../stack/java.ts';
import { registryServer } from '../stack/registry.ts';
import { type PrivateServer, startPrivateServer } from './private-server.ts';

export interface SecondRegistry extends PrivateServer {
  /** For SPAMSTREAM_SCHEMA_REGISTRY_URL. */
  readonly url: string;
}

export async function startSecondRegistry(): Promise<SecondRegistry> {
  const server = await startPrivateServer({
    name: 'registry',
    ports: ['SPAMSTREAM_REGISTRY_PORT', 'SPAMSTREAM_REGISTRY_MANAGEMENT_PORT'],
    env: { SPAMSTREAM_REGISTRY_HEAP_MB: '256' },
    server: (settings) => registryServer(settings, () => registryJava(settings.stack, () => {})),
  });
  return { ...server, url: server.settings.registry.url };
}
