// Puts the edge on its configured address. `spamstream run edge` and `npm start` call startEdge
// with the real connectors; tests call it with fakes on port 0.
import { buildApp } from './app.ts';
import type { EdgeDeps } from './deps.ts';

export interface RunningEdge {
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly address: string;
  /** Stops accepting requests, ends open live streams and waits for requests in flight. */
  close(): Promise<void>;
}

export async function startEdge(deps: EdgeDeps): Promise<RunningEdge> {
  const app = buildApp(deps);
  try {
    await app.listen({ host: deps.config.host, port: deps.config.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : deps.config.port;
  const host = deps.config.host.includes(':') ? `[${deps.config.host}]` : deps.config.host;
  return {
    address: `http://${host}:${port}`,
    close: () => app.close(),
  };
}
