import { type Server, createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { httpClient } from './http-load.ts';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('the benchmarks HTTP client', () => {
  it('reads statuses and whole bodies, sends JSON bodies, and reuses its connections', async () => {
    const seen: string[] = [];
    const sockets = new Set<unknown>();
    const port = await serve((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        // A body larger than one socket read, to be reassembled.
        res.statusCode = req.url === '/missing' ? 404 : 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ padding: 'x'.repeat(200_000) }));
      });
    });
    const http = httpClient(port, 2);
    const statuses = await Promise.all([
      http.get('/a'),
      http.post('/b', { ids: [1, 2] }),
      http.get('/missing'),
      http.get('/c'),
    ]);
    http.close();
    expect(statuses).toEqual([200, 200, 404, 200]);
    expect(seen.sort()).toEqual(['GET /a ', 'GET /c ', 'GET /missing ', 'POST /b {"ids":[1,2]}']);
    expect(sockets.size).toBe(2);
  });

  it('rejects a response it cannot delimit, and the next request opens a new connection', async () => {
    const port = await serve((req, res) => {
      if (req.url === '/chunked') res.write('no content-length');
      res.end();
    });
    const http = httpClient(port, 1);
    await expect(http.get('/chunked')).rejects.toThrow(/without content-length/);
    expect(await http.get('/fine')).toBe(200);
    http.close();
  });

  it('drops a connection the server closed while it was idle', async () => {
    const port = await serve((req, res) => {
      if (req.url === '/last-on-this-connection') res.setHeader('connection', 'close');
      res.end('ok');
    });
    const http = httpClient(port, 1);
    expect(await http.get('/last-on-this-connection')).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await http.get('/on-a-new-connection')).toBe(200);
    http.close();
  });
});
