import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdempotencyStore } from '../../connectors/online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { buildApp } from '../app.ts';
import { type TestDeps, type TestOverrides, expectClientError, testDeps } from '../../testkit/edge-fakes.ts';

const sms = {
  senderId: '+447700900123',
  recipientId: '+447700900456',
  text: 'WINNER!! Claim your £900 prize: call 09061701461',
};

let app: FastifyInstance | undefined;
let deps: TestDeps;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function start(overrides: TestOverrides = {}) {
  deps = testDeps(overrides);
  app = buildApp(deps);
  return app;
}

const post = (body: unknown, headers: Record<string, string> = {}) =>
  app!.inject({
    method: 'POST',
    url: '/sms',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });

describe('POST /sms', () => {
  it('writes the message to sms.raw and answers 202 with the id it made', async () => {
    start();
    const before = Date.now();
    const res = await post(sms);
    expect(res.statusCode).toBe(202);
    const { smsId } = res.json() as { smsId: string };
    expect(smsId).toMatch(/^sms-[0-9a-f-]{36}$/);
    expect(deps.ingest.submitted).toHaveLength(1);
    const raw = deps.ingest.submitted[0]!;
    expect(raw).toMatchObject({
      sms_id: smsId,
      sender: sms.senderId,
      recipient: sms.recipientId,
      text: sms.text,
      source: 'api',
    });
    expect(raw.received_at).toBeGreaterThanOrEqual(before);
    expect(raw.received_at).toBeLessThanOrEqual(Date.now());
  });

  it('gives every request its own id', async () => {
    start();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await post(sms)).json().smsId);
    expect(ids.size).toBe(5);
  });

  it('with an Idempotency-Key, a retry gets the same id and writes nothing more', async () => {
    start();
    const first = await post(sms, { 'idempotency-key': 'order-7781' });
    const retry = await post(sms, { 'idempotency-key': 'order-7781' });
    const other = await post(sms, { 'idempotency-key': 'order-7782' });
    expect([first.statusCode, retry.statusCode, other.statusCode]).toEqual([202, 202, 202]);
    expect(retry.json().smsId).toBe(first.json().smsId);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(other.json().smsId).not.toBe(first.json().smsId);
    expect(deps.ingest.submitted.map((raw) => raw.sms_id)).toEqual([first.json().smsId, other.json().smsId]);
  });

  it('a request that failed to write is retried with the id its key was bound to', async () => {
    start();
    deps.ingest.failWith = new SpamstreamError('BROKER_UNAVAILABLE', 'not enough in-sync replicas');
    const failed = await post(sms, { 'idempotency-key': 'k-1' });
    expect(failed.statusCode).toBe(503);
    deps.ingest.failWith = undefined;
    const retry = await post(sms, { 'idempotency-key': 'k-1' });
    expect(retry.statusCode).toBe(202);
    expect(deps.ingest.submitted).toHaveLength(1);
    const again = await post(sms, { 'idempotency-key': 'k-1' });
    expect(again.json().smsId).toBe(retry.json().smsId);
    expect(deps.ingest.submitted).toHaveLength(1);
  });

  it('503 BROKER_UNAVAILABLE (retriable) when sms.raw does not acknowledge, whatever the error', async () => {
    start();
    deps.ingest.failWith = new Error('KafkaJSNumberOfRetriesExceeded: connect ECONNREFUSED 127.0.0.1:9092');
    const res = await post(sms);
    expect(res.statusCode).toBe(503);
    expect(expectClientError(res.body, 'BROKER_UNAVAILABLE').message).not.toContain('ECONNREFUSED');
  });

  it('422 when an Idempotency-Key is used again for another message, and nothing more is written', async () => {
    start();
    const first = await post(sms, { 'idempotency-key': 'order-9' });
    const reused = await post({ ...sms, text: 'a different message' }, { 'idempotency-key': 'order-9' });
    expect(reused.statusCode).toBe(422);
    const { message } = expectClientError(reused.body, 'IDEMPOTENCY_CONFLICT');
    expect(message).toContain(first.json().smsId);
    expect(deps.ingest.submitted).toHaveLength(1);
    // The same message again, its fields in another order, is still a retry.
    const { text, recipientId, senderId } = sms;
    const retry = await post({ text, recipientId, senderId }, { 'idempotency-key': 'order-9' });
    expect(retry.statusCode).toBe(202);
    expect(retry.json().smsId).toBe(first.json().smsId);
  });

  it('503 when the idempotency store does not answer, and nothing is written', async () => {
    const down: IdempotencyStore = {
      claim: async () => {
        throw new SpamstreamError('STORE_UNAVAILABLE', 'Cassandra did not answer');
      },
      markWritten: async () => undefined,
    };
    start({ idempotency: down });
    const res = await post(sms, { 'idempotency-key': 'k-2' });
    expect(res.statusCode).toBe(503);
    expectClientError(res.body, 'STORE_UNAVAILABLE');
    expect(deps.ingest.submitted).toHaveLength(0);
  });

  it.each([
    ['a missing text', { senderId: sms.senderId, recipientId: sms.recipientId }, 'INVALID_REQUEST'],
    ['an empty text', { ...sms, text: '' }, 'EMPTY_TEXT'],
    ['a blank text', { ...sms, text: ' \n\t ' }, 'EMPTY_TEXT'],
    ['a text over the byte limit', { ...sms, text: '€'.repeat(1366) }, 'TEXT_TOO_LONG'],
    ['a lone surrogate', { ...sms, text: 'bad \ud800 half' }, 'INVALID_UTF8'],
    ['a number for text', { ...sms, text: 42 }, 'INVALID_REQUEST'],
    ['a number for senderId', { ...sms, senderId: 447700900123 }, 'INVALID_REQUEST'],
    ['a malformed senderId', { ...sms, senderId: 'drop table;' }, 'INVALID_REQUEST'],
    ['a malformed recipientId', { ...sms, recipientId: 'bob' }, 'INVALID_REQUEST'],
    ['an unknown field', { ...sms, priority: 'high' }, 'INVALID_REQUEST'],
    ['an array body', [sms], 'INVALID_REQUEST'],
  ])('400 for %s, nothing written', async (_case, body, code) => {
    start();
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, code);
    expect(deps.ingest.submitted).toHaveLength(0);
  });

  it('400 INVALID_UTF8 for a body whose bytes are not UTF-8, nothing written', async () => {
    start();
    const json = Buffer.from(JSON.stringify({ ...sms, text: 'caf_ au lait' }));
    json[json.indexOf('_')] = 0xe9; // Latin-1 é, a lone continuation-less byte in UTF-8
    const res = await app!.inject({
      method: 'POST',
      url: '/sms',
      headers: { 'content-type': 'application/json' },
      payload: json,
    });
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_UTF8');
    expect(deps.ingest.submitted).toHaveLength(0);
  });

  it('explains a malformed senderId in words, not as the regular expression', async () => {
    start();
    const res = await post({ ...sms, senderId: 'drop table;' });
    const { message } = expectClientError(res.body, 'INVALID_REQUEST');
    expect(message).toBe(
      'body/senderId must be a phone number (an optional + and 3 to 15 digits) or an alphanumeric sender id (1 to 11 letters, digits, spaces or . _ & -, starting with a letter or digit)',
    );
  });

  it('accepts a text of exactly the byte limit, and alphanumeric sender ids', async () => {
    start();
    const res = await post({ ...sms, senderId: 'MyBank', text: `${'€'.repeat(1365)}x` });
    expect(res.statusCode).toBe(202);
  });

  it('400 for a malformed Idempotency-Key', async () => {
    start();
    for (const key of ['k'.repeat(129), 'has space']) {
      const res = await post(sms, { 'idempotency-key': key });
      expect(res.statusCode).toBe(400);
      expectClientError(res.body, 'INVALID_REQUEST');
    }
    expect(deps.ingest.submitted).toHaveLength(0);
  });

  describe('with an API key configured', () => {
    it('401 without x-api-key, 403 with a wrong one, 202 with the right one', async () => {
      start({ config: { apiKey: 's3cret-key' } });
      const missing = await post(sms);
      expect(missing.statusCode).toBe(401);
      expectClientError(missing.body, 'UNAUTHORIZED');
      const wrong = await post(sms, { 'x-api-key': 's3cret-kez' });
      expect(wrong.statusCode).toBe(403);
      expectClientError(wrong.body, 'FORBIDDEN');
      expect(deps.ingest.submitted).toHaveLength(0);
      const right = await post(sms, { 'x-api-key': 's3cret-key' });
      expect(right.statusCode).toBe(202);
    });

    it('checks the key before reading the body, and leaves read endpoints open', async () => {
      start({ config: { apiKey: 's3cret-key' } });
      const badJson = await app!.inject({
        method: 'POST',
        url: '/sms',
        headers: { 'content-type': 'application/json' },
        payload: '{"oops"',
      });
      expect(badJson.statusCode).toBe(401);
      expect((await post({})).statusCode).toBe(401);
      expect((await post({}, { 'x-api-key': 's3cret-key' })).statusCode).toBe(400);
      expect((await app!.inject({ url: '/predictions/sms-1' })).statusCode).toBe(404);
    });
  });
});
