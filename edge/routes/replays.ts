// `GET /replays`: the replays this edge reads on sms.replays, wherever they run — their progress,
// rate, ETA and state. The live page gets the same list over its event stream (`replays` events).
import type { FastifyPluginAsync } from 'fastify';
import type { EdgeDeps } from '../deps.ts';
import { REPLAY_STATES } from '../replay-board.ts';

export const replaySchema = {
  type: 'object',
  required: [
    'groupId',
    'runId',
    'kind',
    'state',
    'done',
    'total',
    'messages',
    'rate',
    'host',
    'startedAt',
    'updatedAt',
  ],
  properties: {
    groupId: { type: 'string', description: "the replay's consumer group: the same when the same command resumes" },
    runId: { type: 'string', description: 'the run id its outputs carry in the spamstream-replay header' },
    kind: { type: 'string', examples: ['features', 'scoring', 'store'] },
    state: {
      type: 'string',
      enum: [...REPLAY_STATES],
      description: 'lost: it said it was running, and has not been heard of for 15 s',
    },
    done: { type: 'integer', description: 'input offsets read and committed' },
    total: { type: 'integer', description: 'input offsets it reads in all' },
    messages: { type: 'integer', description: 'input records this run of the command finished' },
    rate: { type: 'number', description: 'input records a second, over this run of the command' },
    etaSeconds: { type: 'number', description: 'seconds to the end at its pace; only while running, once known' },
    host: { type: 'string', description: 'where it runs' },
    startedAt: { type: 'integer', description: "epoch ms, on the replay host's clock" },
    updatedAt: { type: 'integer', description: 'when these figures were taken, epoch ms' },
  },
} as const;

export const replayRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  app.get(
    '/replays',
    {
      schema: {
        tags: ['operations'],
        summary: 'Replays read from the replays topic: running (or lost) first, then the finished, newest first',
        response: {
          200: {
            type: 'object',
            required: ['replays'],
            properties: { replays: { type: 'array', items: replaySchema } },
          },
        },
      },
    },
    async () => ({ replays: deps.replays.snapshot() }),
  );
};
