import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryInbox } from '../../connectors/memory/inbox.ts';
import type { StoredPrediction } from '../../connectors/online-store.ts';
import { buildApp } from '../app.ts';
import { expectClientError, testDeps } from '../../testkit/edge-fakes.ts';

const stored = (smsId: string, modelVersion: string, spamProbability: number): StoredPrediction => ({
  smsId,
  model: `model-${modelVersion}`,
  modelVersion,
  featureView: 'v1',
  label: spamProbability >= 0.5 ? 'spam' : 'ham',
  spamProbability,
  labels: ['ham', 'spam'],
  scores: [1 - spamProbability, spamProbability],
  threshold: 0.5,
  eventTime: 1000,
  scoredAt: 1040,
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(champion?: string) {
  const inbox = createMemoryInbox();
  await inbox.insert([
    ...Array.from({ length: 5 }, (_, i) => ({
      userId: 'alice',
      smsId: `a-${i}`,
      senderId: '+4470',
      text: `hello ${i}`,
      receivedAt: 1_000 + i,
    })),
    // Two at the same instant: the id breaks the tie, so no page repeats or loses one.
    { userId: 'alice', smsId: 'a-tie', senderId: '+4470', text: 'tie', receivedAt: 1_002 },
    { userId: 'bob', smsId: 'b-0', senderId: '+4471', text: "not alice's", receivedAt: 5_000 },
  ]);
  const deps = testDeps({ inbox, champion });
  await deps.predictions.putPredictions([stored('a-4', 'v2', 0.9), stored('a-4', 'v1', 0.2)]);
  app = buildApp(deps);
  return { inbox, app };
}

describe('GET /users/:userId/sms', () => {
  it("lists one user's messages newest first, each with its latest predictions (or none yet)", async () => {
    const { app } = await setup();
    const res = await app.inject({ url: '/users/alice/sms?limit=2' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      userId: string;
      messages: { smsId: string; predictions: { modelVersion: string }[] }[];
      next?: string;
    };
    expect(body.messages.map((m) => m.smsId)).toEqual(['a-4', 'a-3']);
    expect(body.messages[0]!.predictions.map((p) => p.modelVersion)).toEqual(['v1', 'v2']);
    expect(body.messages[1]).toEqual({
      smsId: 'a-3',
      userId: 'alice',
      senderId: '+4470',
      text: 'hello 3',
      receivedAt: 1_003,
      predictions: [],
    });
    expect(typeof body.next).toBe('string');
  });

  it("gives each message the champion's prediction as its verdict, once the champion has scored it", async () => {
    const { app } = await setup('v2');
    const body = (await app.inject({ url: '/users/alice/sms?limit=2' })).json() as {
      messages: { smsId: string; verdict?: { modelVersion: string; label: string } }[];
    };
    expect(body.messages[0]!.verdict).toMatchObject({ modelVersion: 'v2', label: 'spam' });
    expect(body.messages[1]).not.toHaveProperty('verdict');
    const one = (await app.inject({ url: '/users/alice/sms/a-4' })).json() as { verdict?: { modelVersion: string } };
    expect(one.verdict).toMatchObject({ modelVersion: 'v2', spamProbability: 0.9 });
  });

  it('pages with the opaque cursor through every message exactly once', async () => {
    const { app } = await setup();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const res = await app.inject({ url: `/users/alice/sms?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      const body = res.json() as { messages: { smsId: string }[]; next?: string };
      seen.push(...body.messages.map((m) => m.smsId));
      cursor = body.next;
      if (!cursor) break;
    }
    expect(seen).toEqual(['a-4', 'a-3', 'a-tie', 'a-2', 'a-1', 'a-0']);
  });

  it('refuses a bad limit or a cursor it did not make (400), and answers 503 when PostgreSQL is down', async () => {
    const { app, inbox } = await setup();
    expectClientError((await app.inject({ url: '/users/alice/sms?limit=0' })).body, 'INVALID_REQUEST');
    expectClientError((await app.inject({ url: '/users/alice/sms?limit=abc' })).body, 'INVALID_REQUEST');
    const bad = await app.inject({ url: '/users/alice/sms?cursor=not-a-cursor' });
    expect(bad.statusCode).toBe(400);
    expectClientError(bad.body, 'INVALID_REQUEST');
    inbox.down = true;
    const down = await app.inject({ url: '/users/alice/sms' });
    expect(down.statusCode).toBe(503);
    expectClientError(down.body, 'STORE_UNAVAILABLE');
  });
});

describe('GET /users/:userId/sms/:smsId', () => {
  it("returns one message with its predictions; 404 for another user's or an unknown id; 400 for a bad id", async () => {
    const { app } = await setup();
    const res = await app.inject({ url: '/users/alice/sms/a-4' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      smsId: 'a-4',
      userId: 'alice',
      text: 'hello 4',
      predictions: [{ modelVersion: 'v1' }, { modelVersion: 'v2' }],
    });
    expect((await app.inject({ url: '/users/alice/sms/b-0' })).statusCode).toBe(404);
    expectClientError((await app.inject({ url: '/users/alice/sms/nope' })).body, 'NOT_FOUND');
    expectClientError((await app.inject({ url: '/users/alice/sms/bad%20id' })).body, 'INVALID_REQUEST');
  });

  it('is not there when CDC is off (no inbox)', async () => {
    app = buildApp(testDeps());
    expectClientError((await app.inject({ url: '/users/alice/sms' })).body, 'NOT_FOUND');
  });
});
