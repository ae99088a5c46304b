// A plain HTTP server on a free loopback port, for a peer that misbehaves on purpose (one that
// never answers, one that answers 503): what a test needs of an instance that is going down.
import { type RequestListener, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpPeer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHttpPeer(handler: RequestListener): Promise<HttpPeer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
