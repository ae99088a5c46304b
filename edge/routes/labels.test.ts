import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SpamstreamError } from '../../core/errors.ts';
import { buildApp } from '../app.ts';
import { type TestDeps, type TestOverrides, expectClientError, testDeps } from '../../testkit/edge-fakes.ts';

let app: FastifyInstance | undefined;
let deps: TestDeps;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function start(overrides: TestOverrides = {}) {
  deps = testDeps(overrides);
  app = buildApp(deps);
}

const label = (smsId: string, body: unknown, headers: Record<string, string> = {}) =>
  app!.inject({
    method: 'POST',
    url: `/sms/${smsId}/label`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /sms/:smsId/label', () => {
  it('writes the label to sms.labels, stamped with the time it was given, and answers 202', async () => {
    start();
    const before = Date.now();
    const res = await label('sms-42', { label: 'spam' });
    expect(res.statusCode).toBe(202);
    const body = res.json() as { smsId: string; label: string; labelledAt: number };
    expect(body).toMatchObject({ smsId: 'sms-42', label: 'spam' });
    expect(deps.labels.submitted).toEqual([
      { sms_id: 'sms-42', label: 'spam', labelled_at: body.labelledAt, source: 'api' },
    ]);
    expect(body.labelledAt).toBeGreaterThanOrEqual(before);
    expect(body.labelledAt).toBeLessThanOrEqual(Date.now());
  });

  it('takes ham, and a message the edge has never seen (its label waits for its predictions)', async () => {
    start();
    expect((await label('never-scored.1', { label: 'ham' })).statusCode).toBe(202);
    expect(deps.labels.submitted.map((l) => [l.sms_id, l.label])).toEqual([['never-scored.1', 'ham']]);
  });

  it.each([
    ['an unknown label', 'sms-1', { label: 'spma' }, /label/],
    ['a label in capitals', 'sms-1', { label: 'SPAM' }, /label/],
    ['no label', 'sms-1', {}, /label/],
    ['an unknown field', 'sms-1', { label: 'spam', by: 'me' }, /by|additional/],
    ['a number for a label', 'sms-1', { label: 1 }, /label/],
    ['an id outside the id alphabet', 'sms%20one', { label: 'spam' }, /smsId|A–Z/],
    ['an id over 128 characters', 'x'.repeat(129), { label: 'spam' }, /smsId|128/],
  ])('refuses %s with 400 INVALID_REQUEST, writing nothing', async (_what, smsId, body, message) => {
    start();
    const res = await label(smsId, body);
    expect(res.statusCode).toBe(400);
    expect(expectClientError(res.body, 'INVALID_REQUEST').message).toMatch(message);
    expect(deps.labels.submitted).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    start();
    const res = await label('sms-1', 'spam');
    expect(res.statusCode).toBe(400);
    expect(deps.labels.submitted).toEqual([]);
  });

  it('needs the API key when one is configured', async () => {
    start({ config: { apiKey: 'secret' } });
    expect((await label('sms-1', { label: 'spam' })).statusCode).toBe(401);
    expect((await label('sms-1', { label: 'spam' }, { 'x-api-key': 'wrong' })).statusCode).toBe(403);
    expect((await label('sms-1', { label: 'spam' }, { 'x-api-key': 'secret' })).statusCode).toBe(202);
    expect(deps.labels.submitted).toHaveLength(1);
  });

  it('answers 503 BROKER_UNAVAILABLE when sms.labels does not acknowledge, whatever the failure', async () => {
    start();
    deps.labels.failWith = new Error('connection reset');
    const res = await label('sms-1', { label: 'spam' });
    expect(res.statusCode).toBe(503);
    expectClientError(res.body, 'BROKER_UNAVAILABLE');
    deps.labels.failWith = new SpamstreamError('REGISTRY_UNAVAILABLE', 'registry down');
    const registry = await label('sms-1', { label: 'spam' });
    expect(registry.statusCode).toBe(503);
    expectClientError(registry.body, 'REGISTRY_UNAVAILABLE');
  });
});
