// The request log: one line per request, written when the response is sent, with what a person
// reading it needs (method, URL, status, milliseconds, and for a failure its code and message).
// Fastify's own two lines per request ("incoming request", "request completed") are turned off.
// Server errors log at error, everything else at info, so the default level (warn, edge.logLevel)
// keeps a normal run quiet and still shows what went wrong.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpFailure } from './http-errors.ts';

interface Noted {
  readonly failure: HttpFailure;
  readonly error?: unknown;
}

const failures = new WeakMap<FastifyRequest, Noted>();

/** Remembers why a request failed, for its log line; `error` only for unexpected failures. */
export function noteFailure(request: FastifyRequest, failure: HttpFailure, error?: unknown): void {
  failures.set(request, { failure, error });
}

export function logRequests(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request, and a promise per hook is measurable.
  app.addHook('onResponse', (request, reply, done) => {
    const noted = failures.get(request);
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...(noted && { code: noted.failure.body.error, reason: noted.failure.body.message }),
      ...(noted?.error !== undefined && { err: noted.error }),
    };
    const message = `${request.method} ${request.url} ${reply.statusCode}`;
    if (reply.statusCode >= 500) request.log.error(line, message);
    else request.log.info(line, message);
    done();
  });
}
