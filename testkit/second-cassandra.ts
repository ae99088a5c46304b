// A private Cassandra (the launcher's own, on free ports, data in a temp folder) for tests that stop
// or kill the online store: the shared one on 9042 serves every other test. About 30 s to start.
import { cassandraServer } from '../stack/cassandra.ts';
import { serverJava } from '../stack/java.ts';
import { type PrivateServer, startPrivateServer } from './private-server.ts';

export interface SecondCassandra extends PrivateServer {
  /** host:port for SPAMSTREAM_CASSANDRA_CONTACT_POINTS. */
  readonly contactPoint: string;
}

export async function startSecondCassandra(): Promise<SecondCassandra> {
  const server = await startPrivateServer({
    name: 'cassandra',
    ports: ['SPAMSTREAM_CASSANDRA_PORT', 'SPAMSTREAM_CASSANDRA_STORAGE_PORT'],
    env: { SPAMSTREAM_CASSANDRA_HEAP_MB: '512' },
    server: (settings) => cassandraServer(settings, () => serverJava(settings.stack)),
  });
  return { ...server, contactPoint: `127.0.0.1:${server.settings.stack.cassandraPort}` };
}
