// sms.quality into the edge's quality tracker (edge/quality-board.ts): each record handed over under
// its key, a partition of sms.verdicts.
import { type QualityCounts, loadSchema } from '../schemas/index.ts';
import type { QualityTracker } from './quality-board.ts';
import type { TopicFeed } from './topic-feed.ts';

export const qualityFeed = (tracker: QualityTracker): TopicFeed<QualityCounts> => ({
  schema: loadSchema('quality-counts'),
  take: (counts, record) => {
    const key = record.key ?? (counts ? String(counts.partition) : undefined);
    if (key !== undefined) tracker.update(key, counts);
  },
});
