// JSON schemas shared by the routes: they validate requests, shape responses (Fastify serializes
// with them, so nothing undeclared leaks out; the feature routes build their responses field by
// field and write them with JSON.stringify, routes/features.ts) and make up the OpenAPI document.
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
  description: '1 to 128 characters of A–Z a–z 0–9 . _ : -',
} as const;

export const smsIdParams = {
  type: 'object',
  required: ['smsId'],
  properties: { smsId: smsIdSchema },
} as const;

/** The ids of the feature views the registry has (v1, v2…), each once. */
export const viewIds = (views: readonly { id: string }[]): string[] => [...new Set(views.map((view) => view.id))];

/** A feature view id: exactly the registry's, so the document promises no view the route refuses. */
export const viewIdSchema = (ids: readonly string[]) => ({ type: 'string', enum: [...ids] }) as const;

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `?views=`: up to 16 of the registry's view ids, comma-separated. */
export function viewListPattern(ids: readonly string[]): string {
  const one = `(${ids.map(escapeRegExp).join('|')})`;
  return `^${one}(,${one}){0,15}$`;
}

/**
 * A character that is not white space as String.prototype.trim sees it (the pipeline's blank
 * test, core/message-rules.ts), listed exactly: `\S` differs between JavaScript and the Python
 * regular expressions fuzzers generate from (U+001C–U+001F, U+FEFF).
 */
export const NON_BLANK_PATTERN =
  '[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

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

/** A message text: not blank; its byte limit is checked by the route (JSON Schema counts characters). */
export const textSchema = (maxTextBytes: number) =>
  ({
    type: 'string',
    pattern: NON_BLANK_PATTERN,
    description: `the message text: at least one character that is not white space, at most ${maxTextBytes} UTF-8 bytes`,
  }) as const;

/** `{text}` of the synchronous model endpoints, limited like the pipeline limits it. */
export function textBodySchema(config: Pick<EdgeConfig, 'maxTextBytes'>) {
  return {
    type: 'object',
    required: ['text'],
    additionalProperties: false,
    properties: {
      text: textSchema(config.maxTextBytes),
    },
  } as const;
}
