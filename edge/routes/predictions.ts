// The latest prediction of every model version for one message, as the scoring processor stored it,
// and the champion's among them as the answer (`verdict`; models/champion.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { StoredPrediction } from '../../connectors/online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';
import type { EdgeDeps } from '../deps.ts';
import { errorResponses, predictionSchema, smsIdParams } from '../schemas.ts';

export const predictionJson = (row: StoredPrediction) => ({
  model: row.model,
  modelVersion: row.modelVersion,
  featureView: row.featureView,
  label: row.label,
  spamProbability: row.spamProbability,
  labels: row.labels,
  scores: row.scores,
  threshold: row.threshold,
  eventTime: row.eventTime,
  scoredAt: row.scoredAt,
});

/** Every stored prediction ordered by version, and the champion's (when it has scored) as the verdict. */
export function withVerdict(rows: readonly StoredPrediction[], champion: string | undefined) {
  const predictions = [...rows]
    .sort((a, b) => a.modelVersion.localeCompare(b.modelVersion, 'en', { numeric: true }))
    .map(predictionJson);
  const verdict = predictions.find((p) => p.modelVersion === champion);
  return { ...(verdict ? { verdict } : {}), predictions };
}

export const verdictSchema = {
  ...predictionSchema,
  description:
    "the answer: the champion's prediction (SPAMSTREAM_CHAMPION, by default the best card F1); absent until the champion has scored the message",
} as const;

export const predictionRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  app.get<{ Params: { smsId: string } }>(
    '/predictions/:smsId',
    {
      schema: {
        tags: ['predictions'],
        summary: "The latest prediction per model version for one message, and the champion's as the verdict",
        params: smsIdParams,
        response: {
          200: {
            type: 'object',
            required: ['smsId', 'predictions'],
            properties: {
              smsId: { type: 'string' },
              verdict: verdictSchema,
              predictions: {
                type: 'array',
                items: predictionSchema,
                description: 'one per model version, ordered by version',
              },
            },
          },
          ...errorResponses(400, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const { smsId } = request.params;
      const rows = await deps.predictions.getPredictions(smsId);
      if (rows.length === 0) throw new SpamstreamError('NOT_FOUND', `no predictions stored for ${smsId}`);
      return { smsId, ...withVerdict(rows, deps.champion) };
    },
  );
};
