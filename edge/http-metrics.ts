// HTTP request durations in the process's Prometheus registry, beside the processors' metrics.
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

const NAME = 'spamstream_http_request_duration_seconds';

export function observeHttpDurations(app: FastifyInstance, registry: Registry): void {
  // One registry may see several apps (tests, restarts): reuse the histogram rather than register twice.
  const histogram =
    (registry.getSingleMetric(NAME) as Histogram<'method' | 'route' | 'status'> | undefined) ??
    new Histogram({
      name: NAME,
      help: 'HTTP request duration at the edge, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  // A callback hook, not an async one: it runs on every request, and a promise per hook is measurable.
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL, so ids do not explode the label set.
    const route = request.routeOptions.url ?? 'unmatched';
    histogram.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
