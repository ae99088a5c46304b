// `/`: a small live page for people, and `/events`: the server-sent events it listens to — a
// snapshot and the replays on connect, then each prediction with its model's updated tally, and
// the replays again whenever they change (a new record of one, one turning lost).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { SpamstreamError } from '../../core/errors.ts';
import type { EdgeDeps } from '../deps.ts';
import { createLiveBoard } from '../live-board.ts';
import { errorResponses } from '../schemas.ts';

const PUBLIC_DIR = join(import.meta.dirname, '..', 'public');
const ASSETS = [
  { url: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { url: '/live.js', file: 'live.js', type: 'text/javascript; charset=utf-8' },
  { url: '/live.css', file: 'live.css', type: 'text/css; charset=utf-8' },
  { url: '/quality.js', file: 'quality.js', type: 'text/javascript; charset=utf-8' },
  { url: '/quality.css', file: 'quality.css', type: 'text/css; charset=utf-8' },
] as const;
// The page loads only its own files and talks only to this server (its panels' files too).
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Each open page holds a connection: cap them so pages cannot exhaust the server. */
const MAX_STREAMS = 100;
const HEARTBEAT_MS = 15_000;
/** A client that stops reading is dropped once this much is queued for it; its page reconnects. */
const MAX_QUEUED_BYTES = 1 << 20;

export const liveRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const board = createLiveBoard(deps.feed);
  const streams = new Set<() => void>();

  for (const asset of ASSETS) {
    const body = await readFile(join(PUBLIC_DIR, asset.file));
    app.get(asset.url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type(asset.type).header('content-security-policy', CSP).header('cache-control', 'no-cache').send(body),
    );
  }

  app.get(
    '/events',
    {
      schema: {
        tags: ['live'],
        summary:
          'Server-sent events: `snapshot` and `replays` on connect, then one `prediction` per scored message and `replays` when they change',
        response: {
          200: {
            description:
              'An endless text/event-stream: `retry`, then `event: snapshot`, `event: prediction` and `event: replays` ' +
              'frames, each with one JSON `data` line, and a comment line every 15 s',
            content: {
              'text/event-stream': {
                // One event of the stream (schemathesis checks each against it).
                schema: {
                  type: 'object',
                  required: ['event', 'data'],
                  properties: {
                    event: { type: 'string', enum: ['snapshot', 'prediction', 'replays'] },
                    data: {
                      type: 'string',
                      description:
                        'one line of JSON: the board, a prediction and its tally, or `{replays}` as `GET /replays` answers',
                    },
                  },
                },
              },
            },
          },
          ...errorResponses(429, 503),
        },
      },
    },
    async (_request, reply) => {
      if (streams.size >= MAX_STREAMS)
        throw new SpamstreamError('NOT_READY', `too many live pages open (${MAX_STREAMS}); retry later`);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Reverse proxies must pass events through at once rather than buffer them.
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown) => {
        if (res.writableLength > MAX_QUEUED_BYTES) return end();
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = board.subscribe((update) => send('prediction', update));
      const unsubscribeReplays = deps.replays.subscribe((replays) => send('replays', { replays }));
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const end = () => {
        if (!streams.delete(end)) return;
        unsubscribe();
        unsubscribeReplays();
        clearInterval(heartbeat);
        res.end();
      };
      streams.add(end);
      // The response closes when the page goes away (or the socket dies): stop sending to it.
      res.on('close', end);
      res.write('retry: 3000\n\n');
      send('snapshot', board.snapshot());
      send('replays', { replays: deps.replays.snapshot() });
    },
  );

  // Open streams never end by themselves: end them so closing the server does not wait on pages.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.addHook('onClose', async () => board.close());
};
