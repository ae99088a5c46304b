// `POST /sms`: a message enters the pipeline. The edge names it, stamps the event time and answers
// 202 once sms.raw acknowledged the record; features and predictions follow asynchronously.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { SpamstreamError } from '../../core/errors.ts';
import type { SmsRaw } from '../../schemas/index.ts';
import { requireApiKey } from '../api-key.ts';
import type { EdgeDeps } from '../deps.ts';
import { errorResponses, textSchema } from '../schemas.ts';
import { checkText } from '../text.ts';

interface SmsBody {
  senderId: string;
  recipientId: string;
  text: string;
}

/** A phone number (optionally +, 3 to 15 digits) or an alphanumeric sender id of at most 11 characters. */
const SENDER_PATTERN = '^(\\+?[0-9]{3,15}|[A-Za-z0-9][A-Za-z0-9 ._&-]{0,10})$';
const RECIPIENT_PATTERN = '^\\+?[0-9]{3,15}$';

/** What makes two requests the same message: its fields, not their order or spacing in the JSON. */
function fingerprintOf({ senderId, recipientId, text }: SmsBody): string {
  return createHash('sha256')
    .update(JSON.stringify([senderId, recipientId, text]))
    .digest('base64url');
}

export const smsRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const { config } = deps;

  /** Writes the message; anything but a clear refusal of the record counts as the broker being unavailable. */
  const submit = async (raw: SmsRaw) => {
    try {
      await deps.ingest.submit(raw);
    } catch (error) {
      if (error instanceof SpamstreamError && error.retriable) throw error;
      throw new SpamstreamError('BROKER_UNAVAILABLE', 'sms.raw did not acknowledge the message; retry later', {
        cause: error,
      });
    }
  };

  app.post<{ Body: SmsBody; Headers: { 'idempotency-key'?: string } }>(
    '/sms',
    {
      onRequest: requireApiKey(config.apiKey),
      schema: {
        tags: ['sms'],
        summary: 'Submit a message to sms.raw; 202 with its id once the broker acknowledged it',
        description: 'With an Idempotency-Key, a retried request returns the same smsId and writes no second message.',
        security: config.apiKey ? [{ apiKey: [] }] : [],
        headers: {
          type: 'object',
          properties: {
            'idempotency-key': {
              type: 'string',
              minLength: 1,
              maxLength: 128,
              pattern: '^[\\x21-\\x7E]+$',
              description: '1 to 128 visible ASCII characters',
            },
          },
        },
        body: {
          type: 'object',
          required: ['senderId', 'recipientId', 'text'],
          additionalProperties: false,
          properties: {
            senderId: {
              type: 'string',
              pattern: SENDER_PATTERN,
              description:
                'a phone number (an optional + and 3 to 15 digits) or an alphanumeric sender id (1 to 11 letters, digits, spaces or . _ & -, starting with a letter or digit)',
              examples: ['+447700900123'],
            },
            recipientId: {
              type: 'string',
              pattern: RECIPIENT_PATTERN,
              description: 'a phone number (an optional + and 3 to 15 digits)',
              examples: ['+447700900456'],
            },
            text: textSchema(config.maxTextBytes),
          },
        },
        response: {
          202: { type: 'object', required: ['smsId'], properties: { smsId: { type: 'string' } } },
          ...errorResponses(400, 401, 403, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { senderId, recipientId, text } = request.body;
      checkText(text, config.maxTextBytes);
      const key = request.headers['idempotency-key'];
      const candidate = `sms-${randomUUID()}`;
      const fingerprint = fingerprintOf(request.body);
      const claim =
        key === undefined
          ? { smsId: candidate, written: false }
          : await deps.idempotency.claim(key, candidate, fingerprint, config.idempotencyTtlSeconds);
      // A key bound before requests were fingerprinted has none: it is taken as the same request.
      if (claim.fingerprint !== undefined && claim.fingerprint !== fingerprint) {
        throw new SpamstreamError(
          'IDEMPOTENCY_CONFLICT',
          `Idempotency-Key ${JSON.stringify(key)} was already used for another message (${claim.smsId}); use a new key for a new message`,
        );
      }
      if (claim.written) {
        reply.header('idempotent-replayed', 'true');
      } else {
        await submit({
          sms_id: claim.smsId,
          sender: senderId,
          recipient: recipientId,
          text,
          received_at: Date.now(),
          source: 'api',
        });
        // The message is on sms.raw: failing to record that must not turn into an error the client
        // retries. If the retry still comes, it reuses the claimed id, and the stores upsert by id.
        if (key !== undefined) {
          await deps.idempotency
            .markWritten(key, config.idempotencyTtlSeconds)
            .catch((error: unknown) =>
              request.log.warn({ err: error, smsId: claim.smsId }, 'idempotency key not marked written'),
            );
        }
      }
      return reply.status(202).send({ smsId: claim.smsId });
    },
  );
};
