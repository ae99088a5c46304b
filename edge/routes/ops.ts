// Operations: liveness, readiness (every dependency answers within a short timeout) and the
// Prometheus metrics of the whole process (edge, processors, inference) in one scrape, with the
// replays this edge reads on sms.replays, wherever they run, and live quality read on sms.quality.
import type { FastifyPluginAsync } from 'fastify';
import { readiness } from '../../core/health.ts';
import type { EdgeDeps } from '../deps.ts';
import { mirrorQuality } from '../quality-metrics.ts';
import { mirrorReplays } from '../replay-metrics.ts';

const checkResultSchema = {
  type: 'object',
  required: ['name', 'ok', 'ms'],
  properties: { name: { type: 'string' }, ok: { type: 'boolean' }, ms: { type: 'number' }, error: { type: 'string' } },
} as const;

export const opsRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        response: {
          200: { type: 'object', required: ['status'], properties: { status: { type: 'string', const: 'ok' } } },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: Kafka, the schema registry and Cassandra all answer',
        response: {
          200: {
            type: 'object',
            required: ['status', 'checks'],
            properties: {
              status: { type: 'string', const: 'ready' },
              checks: { type: 'array', items: checkResultSchema },
            },
          },
          503: {
            type: 'object',
            required: ['error', 'message', 'checks'],
            properties: {
              error: { type: 'string' },
              message: { type: 'string' },
              checks: { type: 'array', items: checkResultSchema },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      const { ready, checks, message } = await readiness(deps.health, deps.config.readyTimeoutMs);
      if (ready) return { status: 'ready', checks };
      return reply.status(503).send({ error: 'NOT_READY', message, checks });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Prometheus metrics: HTTP latency, processor throughput and lag, dead letters, inference latency, replays, live quality',
      },
    },
    async (_request, reply) => {
      const { registry } = deps.metrics;
      mirrorReplays(deps.metrics, deps.replays.snapshot());
      mirrorQuality(deps.metrics, deps.quality.snapshot());
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};
