// A user's messages from the operational inbox (PostgreSQL), each with the latest prediction per
// model version from the online store — none yet while the pipeline is still on its way — and the
// champion's as its verdict, the one an app files the message by (models/champion.ts).
import type { FastifyPluginAsync } from 'fastify';
import { CURSOR_PATTERN, type InboxRow } from '../../connectors/inbox.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { mapBounded } from '../bounded.ts';
import type { EdgeDeps } from '../deps.ts';
import { errorResponses, predictionSchema, smsIdSchema } from '../schemas.ts';
import { verdictSchema, withVerdict } from './predictions.ts';

// PostgreSQL text cannot hold NUL: such an id could only fail, so the document excludes it.
const userIdSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[^\\u0000]*$',
  description: 'the recipient, as the inbox table stores it',
} as const;

const messageSchema = {
  type: 'object',
  required: ['smsId', 'userId', 'senderId', 'text', 'receivedAt', 'predictions'],
  properties: {
    smsId: { type: 'string' },
    userId: { type: 'string' },
    senderId: { type: 'string' },
    text: { type: 'string' },
    receivedAt: { type: 'integer', description: 'epoch ms' },
    verdict: verdictSchema,
    predictions: {
      type: 'array',
      items: predictionSchema,
      description: 'latest per model version; empty until scored',
    },
  },
} as const;

export const inboxRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const { inbox } = deps;
  if (!inbox) return; // CDC is off: there is no inbox table to read

  const withPredictions = async (row: InboxRow) => {
    const stored = await deps.predictions.getPredictions(row.smsId);
    return {
      smsId: row.smsId,
      userId: row.userId,
      senderId: row.senderId,
      text: row.text,
      receivedAt: row.receivedAt,
      ...withVerdict(stored, deps.champion),
    };
  };

  app.get<{ Params: { userId: string }; Querystring: { limit?: string; cursor?: string } }>(
    '/users/:userId/sms',
    {
      schema: {
        tags: ['inbox'],
        summary:
          "A user's messages from the inbox table, newest first, with their latest predictions and the champion's verdict",
        params: { type: 'object', required: ['userId'], properties: { userId: userIdSchema } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            // A string, as query values are: the edge never coerces types (edge/app.ts).
            limit: {
              type: 'string',
              pattern: '^(100|[1-9][0-9]?)$',
              description: 'messages per page, 1 to 100 (default 20)',
            },
            cursor: { type: 'string', pattern: CURSOR_PATTERN, description: 'the `next` of the previous page' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['userId', 'messages'],
            properties: {
              userId: { type: 'string' },
              messages: { type: 'array', items: messageSchema },
              next: { type: 'string', description: 'cursor of the next page; absent on the last' },
            },
          },
          ...errorResponses(400, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const { userId } = request.params;
      const page = await inbox.list(userId, { limit: Number(request.query.limit ?? 20), cursor: request.query.cursor });
      const messages = await mapBounded(page.rows, deps.config.readConcurrency, withPredictions);
      return { userId, messages, ...(page.next ? { next: page.next } : {}) };
    },
  );

  app.get<{ Params: { userId: string; smsId: string } }>(
    '/users/:userId/sms/:smsId',
    {
      schema: {
        tags: ['inbox'],
        summary: "One message of a user from the inbox table, with its latest predictions and the champion's verdict",
        params: {
          type: 'object',
          required: ['userId', 'smsId'],
          properties: { userId: userIdSchema, smsId: smsIdSchema },
        },
        response: { 200: messageSchema, ...errorResponses(400, 404, 429, 503) },
      },
    },
    async (request) => {
      const { userId, smsId } = request.params;
      const row = await inbox.get(userId, smsId);
      if (!row) throw new SpamstreamError('NOT_FOUND', `no message ${smsId} in the inbox of ${userId}`);
      return withPredictions(row);
    },
  );
};
