// `GET /drift`: per model version and statistic, the population stability index of the last live
// messages against the model's training data (edge/drift-monitor.ts), and the live page's drift
// panel (`/drift.js`, `/drift.css`), which polls it. Its gauges go to `/metrics` (edge/drift-metrics.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { PSI_MAJOR, PSI_MODERATE } from '../../models/drift.ts';
import type { EdgeDeps } from '../deps.ts';
import { registerDriftMetrics } from '../drift-metrics.ts';
import { errorResponses } from '../schemas.ts';
import { CSP } from './live.ts';

const PUBLIC_DIR = join(import.meta.dirname, '..', 'public');
const ASSETS = [
  { url: '/drift.js', file: 'drift.js', type: 'text/javascript; charset=utf-8' },
  { url: '/drift.css', file: 'drift.css', type: 'text/css; charset=utf-8' },
] as const;

const driftSchema = {
  type: 'object',
  required: ['window', 'minMessages', 'observed', 'thresholds', 'models'],
  properties: {
    window: {
      type: 'integer',
      description: 'live messages a full window holds (SPAMSTREAM_DRIFT_WINDOW); 0: drift is off',
    },
    minMessages: { type: 'integer', description: 'figures are given once a window holds this many messages' },
    observed: { type: 'integer', description: 'live messages of sms.features this edge has read since it started' },
    thresholds: {
      type: 'object',
      required: ['moderate', 'major'],
      properties: {
        moderate: { type: 'number', description: 'from this PSI a shift is moderate' },
        major: { type: 'number', description: 'from this PSI a shift is major: the edge logs a warning once' },
      },
    },
    models: {
      type: 'array',
      description: 'one entry per model version and view of statistics whose card holds its training distribution',
      items: {
        type: 'object',
        required: ['modelVersion', 'view', 'messages', 'fields'],
        properties: {
          modelVersion: { type: 'string' },
          view: { type: 'string' },
          messages: { type: 'integer', description: 'live messages in the window now' },
          fields: {
            type: 'array',
            description: 'one per statistic, in the view order; empty until the window holds minMessages',
            items: {
              type: 'object',
              required: ['name', 'psi', 'band'],
              properties: {
                name: { type: 'string' },
                psi: { type: 'number' },
                band: { type: 'string', enum: ['stable', 'moderate', 'major'] },
              },
            },
          },
        },
      },
    },
  },
} as const;

export const driftRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const { drift } = deps;
  if (drift) registerDriftMetrics(deps.metrics.registry, drift);

  for (const asset of ASSETS) {
    const body = await readFile(join(PUBLIC_DIR, asset.file));
    app.get(asset.url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(asset.type).header('content-security-policy', CSP).header('cache-control', 'no-cache').send(body),
    );
  }

  app.get(
    '/drift',
    {
      schema: {
        tags: ['models'],
        summary:
          "Drift of the models' inputs: per statistic, the population stability index of the last live messages against the training data",
        response: { 200: driftSchema, ...errorResponses(429) },
      },
    },
    async () =>
      drift?.snapshot() ?? {
        window: 0,
        minMessages: 0,
        observed: 0,
        thresholds: { moderate: PSI_MODERATE, major: PSI_MAJOR },
        models: [],
      },
  );
};
