// sms.features into the edge's drift monitor (edge/drift-monitor.ts): each live record's vectors
// observed. What a replay recomputed (its `spamstream-replay` header) is history, not what messages
// look like now, so it is left out.
import { REPLAY_HEADER } from '../processors/deliver.ts';
import { type SmsFeatures, loadSchema } from '../schemas/index.ts';
import type { DriftMonitor } from './drift-monitor.ts';
import type { TopicFeed } from './topic-feed.ts';

export const driftFeed = (monitor: Pick<DriftMonitor, 'observe'>): TopicFeed<SmsFeatures> => ({
  schema: loadSchema('sms-features'),
  ignore: (record) => record.value === null || record.headers[REPLAY_HEADER] !== undefined,
  take: (features) => {
    if (features) monitor.observe(features.views);
  },
});
