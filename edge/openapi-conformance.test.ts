// The cases schemathesis found where the OpenAPI document and the edge disagreed (`npm run
// fuzz:edge`), pinned with inject: every undeclared method is a 405 naming the declared ones, the
// event stream's 200 is documented, and what the document allows (view names, texts, cursors)
// the routes accept.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { CURSOR_PATTERN, decodeCursor, encodeCursor } from '../connectors/inbox.ts';
import { createMemoryInbox } from '../connectors/memory/inbox.ts';
import { buildApp } from './app.ts';
import { NON_BLANK_PATTERN } from './schemas.ts';
import { expectClientError, testDeps } from '../testkit/edge-fakes.ts';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>> };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function start(): FastifyInstance {
  app = buildApp(testDeps({ inbox: createMemoryInbox() }));
  return app;
}

const documentOf = async (edge: FastifyInstance) => (await edge.inject({ url: '/openapi.json' })).json() as Doc;
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x-1');
const json = { 'content-type': 'application/json' };
const message = { senderId: '+4470', recipientId: '+4471' };

describe('methods a path does not have', () => {
  it('every documented path answers 405 with Allow naming exactly its documented methods', async () => {
    const edge = start();
    const doc = await documentOf(edge);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(13);
    for (const [path, operations] of Object.entries(doc.paths)) {
      const documented = Object.keys(operations).map((method) => method.toUpperCase());
      const allowed = documented.includes('GET') ? [...documented, 'HEAD'] : documented;
      for (const method of ['TRACE', 'QUERY', 'DELETE', 'OPTIONS', 'PATCH', 'PUT', 'GET', 'POST']) {
        if (allowed.includes(method)) continue;
        // QUERY carries a body: without a content type Fastify would refuse it before routing.
        const res = await edge.inject({ method: method as 'GET', url: concrete(path) });
        expect(res.statusCode, `${method} ${path}`).toBe(405);
        expect(res.headers.allow?.toString().split(', ').sort(), `${method} ${path}`).toEqual([...allowed].sort());
        expectClientError(res.body, 'METHOD_NOT_ALLOWED');
      }
    }
  });

  it('a concrete path wins over a template, as in OpenAPI: GET /features/query is 405', async () => {
    const res = await start().inject({ url: '/features/query' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('a body sent with the wrong method is refused before it is read', async () => {
    const headers = { 'content-type': 'text/xml' };
    const res = await start().inject({ method: 'PUT', url: '/sms', headers, payload: '<x/>' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('a path no route has is still 404, and the docs UI still answers on both of its paths', async () => {
    const edge = start();
    const res = await edge.inject({ method: 'TRACE', url: '/nothing/here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect((await edge.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
    expect((await edge.inject({ url: '/docs/' })).statusCode).toBe(200);
  });
});

describe('what the document says', () => {
  it("documents the event stream's 200 as text/event-stream events named snapshot, prediction or replays", async () => {
    const doc = await documentOf(start());
    const ok = doc.paths['/events']!.get!.responses['200']!;
    expect(Object.keys(ok.content ?? {})).toEqual(['text/event-stream']);
    expect(ok.content!['text/event-stream']!.schema).toMatchObject({
      required: ['event', 'data'],
      properties: { event: { enum: ['snapshot', 'prediction', 'replays'] } },
    });
  });

  it("allows exactly the registry's view names, and every one of them is accepted", async () => {
    const edge = start();
    const doc = JSON.stringify(await documentOf(edge));
    expect(doc).toContain('"enum":["v1","v2"]');
    for (const views of ['v1', 'v2', 'v2,v1,v2']) {
      expect((await edge.inject({ url: `/features/sms-1?views=${views}` })).statusCode).toBe(404);
    }
    const query = (views: string[]) =>
      edge.inject({ method: 'POST', url: '/features/query', headers: json, payload: { smsIds: ['a'], views } });
    expect((await query(['v2', 'v1'])).statusCode).toBe(200);
    const unknown = await query(['v0']);
    expect(expectClientError(unknown.body, 'INVALID_REQUEST').message).toBe('body/views/0 must be one of v1, v2');
    expect((await edge.inject({ url: '/features/sms-1?views=0' })).statusCode).toBe(400);
  });

  it("the non-blank pattern is String.prototype.trim's white space, character for character", () => {
    const nonBlank = new RegExp(NON_BLANK_PATTERN, 'u');
    const disagreements: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      if (nonBlank.test(char) !== (char.trim() !== '')) disagreements.push(code.toString(16));
    }
    expect(disagreements).toEqual([]);
  });

  it('U+000B alone is a blank text (EMPTY_TEXT); U+001C, not white space in JavaScript, is a text', async () => {
    const edge = start();
    const send = (text: string) =>
      edge.inject({ method: 'POST', url: '/sms', headers: json, payload: { ...message, text } });
    const blank = await send('\u000b');
    expect(blank.statusCode).toBe(400);
    expectClientError(blank.body, 'EMPTY_TEXT');
    const separator = await send('\u001c');
    expect(separator.statusCode).toBe(202);
  });

  it('every cursor the document allows is a position the inbox accepts; others are 400', async () => {
    const edge = start();
    const cursors = ['0.', '0.AA', '-5.YS0x', '12345678901234567.________', `1.${'A'.repeat(1000)}`];
    for (const cursor of cursors) {
      expect(new RegExp(CURSOR_PATTERN).test(cursor), cursor).toBe(true);
      expect((await edge.inject({ url: `/users/alice/sms?cursor=${cursor}` })).statusCode, cursor).toBe(200);
    }
    for (const cursor of ['0', '01.AA', '123456789012345678.AA', 'x.AA', '1.a+b']) {
      const res = await edge.inject({ url: `/users/alice/sms?cursor=${encodeURIComponent(cursor)}` });
      expect(res.statusCode, cursor).toBe(400);
    }
    const position = { receivedAtUs: 1_732_990_000_123_456n, smsId: 'any text, even ünïcode / and spaces' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('a user id holding NUL, which PostgreSQL text cannot store, is refused by the schema', async () => {
    const res = await start().inject({ url: '/users/a%00b/sms' });
    expect(res.statusCode).toBe(400);
    expectClientError(res.body, 'INVALID_REQUEST');
  });
});
