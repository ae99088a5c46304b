// The ops server of a processor run alone (`spamstream run cdc|features|scoring`): what an
// orchestrator probes and Prometheus scrapes, as the edge answers for `start`. Plain node:http, so a
// processor never loads Fastify (the edge's routes are in edge/routes/ops.ts).
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HealthCheck, readiness } from '../core/health.ts';
import type { Metrics } from '../core/metrics.ts';

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly checks: readonly HealthCheck[];
  readonly readyTimeoutMs: number;
  readonly metrics: Metrics;
}

export interface OpsServer {
  /** `http://host:port`, with the port taken when 0 was asked for. */
  readonly address: string;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function answer(options: OpsServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://ops').pathname;
  const known = path === '/health' || path === '/ready' || path === '/metrics';
  if (!known) return send(response, 404, { error: 'NOT_FOUND', message: `no ${path} here: /health, /ready, /metrics` });
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, { error: 'METHOD_NOT_ALLOWED', message: `${path} answers GET only` });
  }
  if (path === '/health') return send(response, 200, { status: 'ok' });
  if (path === '/ready') {
    const { ready, checks, message } = await readiness(options.checks, options.readyTimeoutMs);
    return ready
      ? send(response, 200, { status: 'ready', checks })
      : send(response, 503, { error: 'NOT_READY', message, checks });
  }
  const { registry } = options.metrics;
  response.writeHead(200, { 'content-type': registry.contentType });
  response.end(await registry.metrics());
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((request, response) => {
    answer(options, request, response).catch((error: unknown) => {
      send(response, 500, { error: 'INTERNAL', message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `ops server: port ${options.port} on ${options.host} is taken; set SPAMSTREAM_OPS_PORT (0 takes a free one)`,
            )
          : error,
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
