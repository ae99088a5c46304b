// The HTTP edge as a Fastify instance, built without listening: tests drive it with `inject`,
// server.ts puts it on a port. The edge only reads what the pipeline computed (online store,
// prediction feed, replay progress) and writes incoming messages to sms.raw; the one place it
// computes is the synchronous model endpoints, through the same feature views and models the
// processors use.
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { SpamstreamError } from '../core/errors.ts';
import { refuseUnroutedMethods } from './allowed-methods.ts';
import type { EdgeDeps } from './deps.ts';
import { type HttpFailure, httpFailure } from './http-errors.ts';
import { observeHttpDurations } from './http-metrics.ts';
import { logRequests, noteFailure } from './request-log.ts';
import { driftRoutes } from './routes/drift.ts';
import { featureRoutes } from './routes/features.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { labelRoutes } from './routes/labels.ts';
import { liveRoutes } from './routes/live.ts';
import { modelRoutes } from './routes/models.ts';
import { opsRoutes } from './routes/ops.ts';
import { predictionRoutes } from './routes/predictions.ts';
import { qualityRoutes } from './routes/quality.ts';
import { replayRoutes } from './routes/replays.ts';
import { smsRoutes } from './routes/sms.ts';

const MAX_PARAM_LENGTH = 1024;

function routerFailure(error: FastifyError): HttpFailure {
  const invalid = (status: number, message: string): HttpFailure => ({
    status,
    body: { error: 'INVALID_REQUEST', message },
    unexpected: false,
  });
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return invalid(414, `a path segment is longer than ${MAX_PARAM_LENGTH} characters`);
  if (error.code === 'FST_ERR_BAD_URL') return invalid(400, 'the URL is not valid percent-encoded UTF-8');
  return httpFailure(error);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies must be valid UTF-8. Fastify's own parser decodes leniently: a broken byte would become
 * U+FFFD and be stored, while the processors refuse such text as INVALID_UTF8; this answers 400.
 */
function parseJsonAsStrictUtf8(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body);
    } catch {
      done(new SpamstreamError('INVALID_UTF8', 'the request body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

export function buildApp(deps: EdgeDeps): FastifyInstance {
  const { config } = deps;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers["x-api-key"]', 'req.headers["idempotency-key"]'],
      ...(deps.logStream && { stream: deps.logStream }),
    },
    // One line per request instead, with its outcome (request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Above the id schema's 128 characters, so an overlong id gets the schema's 400 and its reason;
    // only absurd ones meet the router's 414.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Strict schemas: a number where a string is expected is a 400, never silently coerced,
    // and unknown fields are refused rather than dropped.
    // verbose: an error carries its schema, so a pattern's description can explain it (http-errors.ts).
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false, verbose: true } },
    // Errors the router raises before any route runs; by default they bypass the error handler.
    frameworkErrors: (error, request, reply) => {
      const failure = routerFailure(error);
      noteFailure(request, failure);
      void (reply as FastifyReply).status(failure.status).send(failure.body);
    },
  });

  app.setErrorHandler((error, request, reply) => {
    const failure = httpFailure(error);
    noteFailure(request, failure, failure.unexpected ? error : undefined);
    return reply.status(failure.status).send(failure.body);
  });
  app.setNotFoundHandler((request) => {
    throw new SpamstreamError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
  refuseUnroutedMethods(app);
  parseJsonAsStrictUtf8(app);

  observeHttpDurations(app, deps.metrics.registry);
  logRequests(app);

  app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // Probes and scrapes come from the platform, not from clients: never throttle them.
    allowList: (request) => ['/health', '/ready', '/metrics'].includes(request.url.split('?')[0] ?? ''),
    errorResponseBuilder: (_request, context) =>
      new SpamstreamError(
        'RATE_LIMITED',
        `more than ${context.max} requests per minute from this client; retry in ${context.after}`,
      ),
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'spamstream edge',
        version: '0.1.0',
        description:
          'Reads features and predictions the pipeline computed, accepts messages onto sms.raw and labels onto sms.labels, and scores texts synchronously.',
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  app.register(featureRoutes, { deps });
  app.register(predictionRoutes, { deps });
  app.register(smsRoutes, { deps });
  app.register(labelRoutes, { deps });
  app.register(modelRoutes, { deps });
  app.register(qualityRoutes, { deps });
  app.register(opsRoutes, { deps });
  app.register(liveRoutes, { deps });
  app.register(replayRoutes, { deps });
  app.register(inboxRoutes, { deps });
  app.register(driftRoutes, { deps });
  return app;
}
