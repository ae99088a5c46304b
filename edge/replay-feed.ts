// sms.replays into the edge's replay tracker (edge/replay-board.ts): each record handed over under
// its key; a tombstone forgets its replay.
import { type ReplayStatus, loadSchema } from '../schemas/index.ts';
import type { ReplayTracker } from './replay-board.ts';
import type { TopicFeed } from './topic-feed.ts';

export const replayFeed = (tracker: ReplayTracker): TopicFeed<ReplayStatus> => ({
  schema: loadSchema('replay-status'),
  take: (status, record) => {
    const key = record.key ?? status?.group_id;
    if (key !== undefined) tracker.update(key, status);
  },
});
