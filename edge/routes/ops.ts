// Operations: liveness, readiness (every dependency answers within a short timeout) and the
// Prometheus metrics of the whole process (edge, processors, inference) in one scrape, with the
// replays this edge reads on sms.replays, wherever they run.
import type { FastifyPluginAsync } from 'fastify';
import type { EdgeDeps, HealthCheck } from '../deps.ts';
import { mirrorReplays } from '../replay-metrics.ts';

interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const checkResultSchema = {
  type: 'object',
  required: ['name', 'ok', 'ms'],
  properties: { name: { type: 'string' }, ok: { type: 'boolean' }, ms: { type: 'number' }, error: { type: 'string' } },
} as const;

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    // Only the message: a readiness answer says what is down, never how the code got there.
    const message = error instanceof Error ? error.message : String(error);
    return {
      name: check.name,
      ok: false,
      ms: Math.round(performance.now() - started),
      error: message.split('\n')[0]!.slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}

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
      const checks = await Promise.all(deps.health.map((check) => runCheck(check, deps.config.readyTimeoutMs)));
      const failed = checks.filter((check) => !check.ok);
      if (failed.length === 0) return { status: 'ready', checks };
      const message = `unreachable: ${failed.map((check) => `${check.name} (${check.error})`).join(', ')}`;
      return reply.status(503).send({ error: 'NOT_READY', message, checks });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Prometheus metrics: HTTP latency, processor throughput and lag, dead letters, inference latency, replays',
      },
    },
    async (_request, reply) => {
      const { registry } = deps.metrics;
      mirrorReplays(deps.metrics, deps.replays.snapshot());
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
};
