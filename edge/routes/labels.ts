// `POST /sms/:smsId/label`: a user says what a message is. The edge stamps the time it was given and
// answers 202 once sms.labels acknowledged the record; the quality processor counts it against each
// model's latest prediction. A message's label is the one given last: the same label again changes
// nothing, another replaces it.
import type { FastifyPluginAsync } from 'fastify';
import { SpamstreamError } from '../../core/errors.ts';
import { LABELS, type SpamLabel } from '../../core/message-rules.ts';
import type { SmsLabel } from '../../schemas/index.ts';
import { requireApiKey } from '../api-key.ts';
import type { EdgeDeps } from '../deps.ts';
import { errorResponses, smsIdParams } from '../schemas.ts';

const labelSchema = {
  type: 'string',
  enum: [...LABELS],
  description: 'what the message is: spam, or ham (not spam)',
} as const;

export const labelRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const { config } = deps;

  /** Writes the label; anything but a clear refusal counts as the broker being unavailable. */
  const submit = async (label: SmsLabel) => {
    try {
      await deps.labels.submit(label);
    } catch (error) {
      if (error instanceof SpamstreamError && error.retriable) throw error;
      throw new SpamstreamError('BROKER_UNAVAILABLE', 'sms.labels did not acknowledge the label; retry later', {
        cause: error,
      });
    }
  };

  app.post<{ Params: { smsId: string }; Body: { label: SpamLabel } }>(
    '/sms/:smsId/label',
    {
      onRequest: requireApiKey(config.apiKey),
      schema: {
        tags: ['sms'],
        summary: 'Label a message spam or ham; 202 once sms.labels acknowledged it (the latest label given wins)',
        description:
          'The message need not be scored yet, nor known to this edge: the label waits for its predictions. ' +
          'Live quality per model version: `GET /models/{version}/quality`.',
        security: config.apiKey ? [{ apiKey: [] }] : [],
        params: smsIdParams,
        body: {
          type: 'object',
          required: ['label'],
          additionalProperties: false,
          properties: { label: labelSchema },
        },
        response: {
          202: {
            type: 'object',
            required: ['smsId', 'label', 'labelledAt'],
            properties: {
              smsId: { type: 'string' },
              label: labelSchema,
              labelledAt: { type: 'integer', description: 'when the edge took the label, epoch ms: the latest wins' },
            },
          },
          ...errorResponses(400, 401, 403, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const label: SmsLabel = {
        sms_id: request.params.smsId,
        label: request.body.label,
        labelled_at: Date.now(),
        source: 'api',
      };
      await submit(label);
      return reply.status(202).send({ smsId: label.sms_id, label: label.label, labelledAt: label.labelled_at });
    },
  );
};
