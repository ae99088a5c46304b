// JSON schemas shared by the routes: they validate requests, shape responses (Fastify serializes
// with them, so nothing undeclared leaks out) and make up the OpenAPI document.
import type { EdgeConfig } from '../config/config.ts';
import { SMS_ID_PATTERN_SOURCE } from '../core/message-rules.ts';

export const errorSchema = {
  type: 'object',
  description: 'Every error: a code of the error catalogue and a human-readable message.',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', examples: ['INVALID_REQUEST'] },
    message: { type: 'string' },
  },
} as const;

/** Response schemas for the listed error statuses, all `{error, message}`. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, errorSchema]));
}

/** Message ids as the pipeline accepts them (core/message-rules.ts): Kafka keys and Cassandra partition keys. */
export const smsIdSchema = {
  type: 'string',
  pattern: SMS_ID_PATTERN_SOURCE,
  description: '1–128 characters of A–Z a–z 0–9 . _ : -',
} as const;

export const smsIdParams = {
  type: 'object',
  required: ['smsId'],
  properties: { smsId: smsIdSchema },
} as const;

/** A feature view id as the registry names them (v1, v2…); unknown ones are refused by the route. */
export const viewIdSchema = { type: 'string', pattern: '^[A-Za-z0-9_]{1,32}$' } as const;

export const featureVectorSchema = {
  type: 'object',
  required: ['view', 'version', 'values', 'eventTime', 'computedAt'],
  properties: {
    view: { type: 'string' },
    version: { type: 'integer' },
    values: { type: 'array', items: { type: 'number' } },
    eventTime: { type: 'integer', description: 'received_at of the message, epoch ms' },
    computedAt: { type: 'integer', description: 'when the features processor computed the values, epoch ms' },
  },
} as const;

export const predictionSchema = {
  type: 'object',
  required: ['model', 'modelVersion', 'featureView', 'label', 'spamProbability', 'labels', 'scores', 'threshold'],
  properties: {
    smsId: { type: 'string' },
    model: { type: 'string' },
    modelVersion: { type: 'string' },
    featureView: { type: 'string', description: 'the view(s) the model consumed, e.g. v1 or v1+v2' },
    label: { type: 'string', enum: ['spam', 'ham'] },
    spamProbability: { type: 'number' },
    labels: { type: 'array', items: { type: 'string' } },
    scores: { type: 'array', items: { type: 'number' } },
    threshold: { type: 'number' },
    eventTime: { type: 'integer', description: 'epoch ms' },
    scoredAt: { type: 'integer', description: 'epoch ms' },
  },
} as const;

/** `{text}` of the synchronous model endpoints, limited like the pipeline limits it. */
export function textBodySchema(config: Pick<EdgeConfig, 'maxTextBytes'>) {
  return {
    type: 'object',
    required: ['text'],
    additionalProperties: false,
    properties: {
      text: { type: 'string', minLength: 1, description: `the message text, at most ${config.maxTextBytes} UTF-8 bytes` },
    },
  } as const;
}
