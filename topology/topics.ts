// The topics of the pipeline. sms.raw and sms.features are kept for replay (backfilling a new
// feature view or model version re-reads them), so their retention is long; predictions and
// dead letters are outputs for consumers and operators, kept for weeks. sms.labels is ground truth
// for quality and training: kept like the replayable topics. sms.replays is the replays' progress,
// for whoever watches (the edge): compacted, so it holds one record per replay.
import type { TopicsConfig } from '../config/config.ts';
import type { SchemaName } from '../schemas/index.ts';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** The value schema registered for it; none for the CDC topic, whose values are Debezium's JSON. */
  readonly schema?: SchemaName;
  readonly purpose: string;
  /** Replicas; -1 leaves it to the broker's `default.replication.factor`. */
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

const DAY_MS = 86_400_000;

export function topicSpecs(topics: TopicsConfig): readonly TopicSpec[] {
  const replay = { 'cleanup.policy': 'delete', 'retention.ms': String(topics.replayRetentionMs) };
  return durable(topics, [
    {
      name: topics.raw,
      partitions: topics.partitions,
      schema: 'sms-raw',
      purpose: 'incoming messages (key: sms_id), replayable',
      config: replay,
    },
    {
      name: topics.features,
      partitions: topics.partitions,
      schema: 'sms-features',
      purpose: 'feature views per message: the feature history for training and replay',
      config: replay,
    },
    {
      name: topics.predictions,
      partitions: topics.partitions,
      schema: 'sms-predictions',
      purpose: 'one record per message and model version',
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    },
    {
      name: topics.labels,
      partitions: topics.partitions,
      schema: 'sms-labels',
      purpose: 'labels users gave (key: sms_id), kept: the ground truth of live quality and of retraining',
      // Every label ever given, not only the newest per message: the newest is decided by the time it
      // was given, which need not be the order of the log (compaction would keep the last written).
      config: replay,
    },
    {
      name: topics.verdicts,
      partitions: topics.partitions,
      schema: 'sms-verdicts',
      purpose: "labels and predictions as one stream (key: sms_id): the quality processor's input",
      // As long as the predictions it copies: a quality processor stopped for longer loses nothing
      // the predictions topic still has, since `reset verdicts` copies them again.
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    },
    {
      name: topics.quality,
      // One partition: one record per partition of sms.verdicts, rewritten on each change.
      partitions: 1,
      schema: 'quality-counts',
      purpose: 'confusion counts per model version of each partition of sms.verdicts (key: partition), compacted',
      // Compacted and never deleted: a partition whose counts stop changing keeps its last record,
      // which a reader adds up with the others. Hour-long segments let the cleaner at the old ones.
      config: { 'cleanup.policy': 'compact', 'segment.ms': String(3_600_000) },
    },
    {
      name: topics.dlq,
      partitions: 1,
      schema: 'dead-letter',
      purpose: 'records a processor could not handle, with reason and original bytes',
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(90 * DAY_MS) },
    },
    {
      name: topics.replays,
      // One partition: a few records a second at most, and one order for every replay.
      partitions: 1,
      schema: 'replay-status',
      purpose: 'progress of each replay (key: its consumer group), compacted: the newest record per replay',
      config: {
        // Compacted so a reader starting from the beginning finds each replay's newest record
        // without reading its every second; deleted after a week so finished replays drop off.
        // Hour-long segments let the cleaner get to the records of a long replay while it runs.
        'cleanup.policy': 'compact,delete',
        'retention.ms': String(7 * DAY_MS),
        'segment.ms': String(3_600_000),
      },
    },
  ]);
}

/** The specs with the replication the settings ask for (on a cluster: 3 replicas, 2 in sync). */
function durable(topics: TopicsConfig, specs: readonly Omit<TopicSpec, 'replicationFactor'>[]): TopicSpec[] {
  const minInsync: Record<string, string> =
    topics.minInsyncReplicas > 0 ? { 'min.insync.replicas': String(topics.minInsyncReplicas) } : {};
  return specs.map((spec) => ({
    ...spec,
    replicationFactor: topics.replicationFactor > 0 ? topics.replicationFactor : -1,
    config: { ...spec.config, ...minInsync },
  }));
}

/** TopicNameStrategy: the value schema of a topic lives under `<topic>-value`. */
export const valueSubject = (topic: string) => `${topic}-value`;

/** Debezium writes the inbox table's changes here (JSON); only the cdc processor reads it. */
export function cdcTopicSpec(topics: TopicsConfig): TopicSpec {
  const [spec] = durable(topics, [
    {
      name: topics.cdc,
      partitions: topics.partitions,
      purpose: 'change events of the inbox table (key: sms_id), JSON from Debezium',
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS) },
    },
  ]);
  return spec!;
}
