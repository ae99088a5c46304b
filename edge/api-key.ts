// Write endpoints require `x-api-key` when an API key is configured. Compared by digest in
// constant time, so response timing tells nothing about how much of a guess was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import { SpamstreamError } from '../core/errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * An onRequest hook — it runs before the body is read, so a client without the key costs no parsing
 * and learns nothing about the schema. Lets every request through when `apiKey` is empty.
 */
export function requireApiKey(apiKey: string): onRequestAsyncHookHandler {
  const expected = apiKey === '' ? undefined : digest(apiKey);
  return async (request) => {
    if (expected === undefined) return;
    const sent = request.headers['x-api-key'];
    if (typeof sent !== 'string' || sent === '')
      throw new SpamstreamError('UNAUTHORIZED', 'this endpoint requires the header x-api-key');
    if (!timingSafeEqual(digest(sent), expected))
      throw new SpamstreamError('FORBIDDEN', 'the x-api-key sent is not valid');
  };
}
