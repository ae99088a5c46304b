// The HTTP edge over the real connectors: its live feeds, its readiness checks and the server. The
// one wiring of the edge — `spamstream start`, `spamstream run edge` and the integration tests all
// reach it through runtime/pipeline.ts `startParts`, which imports this module only when it runs an
// edge, so a processor run alone never loads Fastify and its plugins.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { CassandraStores } from '../connectors/cassandra/store.ts';
import type { Inbox } from '../connectors/inbox.ts';
import type { RecordSource } from '../connectors/kafka.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import type { Log } from '../core/log.ts';
import type { Metrics } from '../core/metrics.ts';
import type { HealthCheck } from '../core/health.ts';
import type { SourceOptions } from '../topology/build.ts';
import { serverChecks } from './health-checks.ts';
import { driftFeed } from '../edge/drift-feed.ts';
import { type DriftMonitor, alarmLine, createDriftMonitor, driftReferences } from '../edge/drift-monitor.ts';
import { createLabelIngest, createSmsIngest } from '../edge/ingest.ts';
import { createPredictionFeed } from '../edge/prediction-feed.ts';
import { createQualityTracker } from '../edge/quality-board.ts';
import { qualityFeed } from '../edge/quality-feed.ts';
import { createReplayTracker } from '../edge/replay-board.ts';
import { replayFeed } from '../edge/replay-feed.ts';
import { type RunningEdge, startEdge } from '../edge/server.ts';
import { type Feed, type TopicFeed, followTopic } from '../edge/topic-feed.ts';
import { featureViews } from '../features/index.ts';
import { type Messaging, connectInbox } from './wiring.ts';

export interface EdgeWiringDeps {
  readonly config: Config;
  readonly messaging: Messaging;
  readonly stores: CassandraStores;
  readonly models: readonly SpamModel[];
  /** The champion's version, chosen at start (models/champion.ts). */
  readonly champion?: string;
  readonly metrics: Metrics;
  readonly log: Log;
}

export interface WiredEdge {
  readonly edge: RunningEdge;
  /** Closes the feeds and the inbox, after the edge itself has closed. */
  closeFeeds(): Promise<void>;
}

type Closer = () => Promise<unknown>;

/** What `GET /ready` checks: every server the edge reads or writes, PostgreSQL and Connect when CDC is on. */
export function edgeHealthChecks(
  config: Pick<Config, 'cdc'>,
  messaging: Pick<Messaging, 'pingKafka' | 'registry'>,
  stores: Pick<CassandraStores, 'ping'>,
  inbox?: Pick<Inbox, 'ping'>,
): HealthCheck[] {
  return serverChecks(config, messaging, stores, { inbox, connector: inbox !== undefined });
}

type FeedSource = Pick<SourceOptions, 'topics' | 'fromBeginning' | 'maxInFlight' | 'partitionsConcurrently'>;

/**
 * A feed of this edge instance: `follow` reads `source` in a consumer group of the instance's own,
 * so every instance sees every record; the feed and the group go when the edge closes.
 */
function ownFeed<F extends Feed>(
  { config, messaging }: EdgeWiringDeps,
  closers: Closer[],
  name: string,
  source: FeedSource,
  follow: (source: RecordSource) => F,
): F {
  const groupId = `${config.pipeline.consumerGroupPrefix}.${name}.${randomUUID()}`;
  const feed = follow(messaging.openSource({ groupId, processor: name, ...source }));
  closers.push(async () => {
    await feed.close();
    await messaging.deleteGroup(groupId);
  });
  return feed;
}

/**
 * A topic of one reader's schema as a feed of this instance (ownFeed): skipped records go to the
 * debug log, and the feed's end to a warning saying what the edge `stops` showing.
 */
function ownTopicFeed<T>(
  deps: EdgeWiringDeps,
  closers: Closer[],
  name: string,
  source: FeedSource,
  feed: TopicFeed<T>,
  stops: string,
): void {
  const { messaging, log } = deps;
  const topic = source.topics.join(', ');
  ownFeed(deps, closers, name, source, (records) =>
    followTopic(records, messaging.codec, feed, {
      onSkip: (reason) => log.debug(`${topic}: a record skipped: ${String(reason)}`),
      onError: (error) => log.warn(`the edge ${stops}: reading ${topic} failed: ${(error as Error).message}`),
    }),
  );
}

/**
 * The whole prediction stream from now on, and sms.raw for the texts the live page shows beside
 * the predictions.
 */
function livePredictions(deps: EdgeWiringDeps, closers: Closer[]) {
  const { config, messaging } = deps;
  const source = {
    topics: [config.topics.predictions, config.topics.raw],
    fromBeginning: false,
    maxInFlight: 1_000,
    partitionsConcurrently: 2 * config.topics.partitions,
  };
  return ownFeed(deps, closers, 'live', source, (records) =>
    createPredictionFeed(records, messaging.codec, { rawTopic: config.topics.raw }),
  );
}

/**
 * Replays run in processes of their own, on this machine or another: the edge follows their progress
 * on sms.replays from the beginning — compacted, it holds each replay's newest record — so it shows
 * the replays already running when it starts.
 */
function replayProgress(deps: EdgeWiringDeps, closers: Closer[]) {
  const { config } = deps;
  const replays = createReplayTracker();
  closers.push(async () => replays.close());
  const source = { topics: [config.topics.replays], fromBeginning: true, maxInFlight: 100, partitionsConcurrently: 1 };
  ownTopicFeed(deps, closers, 'live-replays', source, replayFeed(replays), 'shows no new replay progress');
  return replays;
}

/**
 * Drift of the models' inputs: every edge instance reads the whole of sms.features from now and
 * measures its window against the cards (docs/adr/0015-drift-at-the-edge.md). None when
 * SPAMSTREAM_DRIFT_WINDOW is 0 or no card has bins.
 */
function liveDrift(deps: EdgeWiringDeps, closers: Closer[]): DriftMonitor | undefined {
  const { config, models, log } = deps;
  const references = driftReferences(models.map((model) => model.card));
  if (config.edge.driftWindow === 0 || references.length === 0) return undefined;
  const monitor = createDriftMonitor(references, config.edge.driftWindow, (alarm) =>
    (alarm.event === 'raised' ? log.warn : log.info)(alarmLine(alarm)),
  );
  const source = {
    topics: [config.topics.features],
    fromBeginning: false,
    maxInFlight: 1_000,
    partitionsConcurrently: config.topics.partitions,
  };
  ownTopicFeed(deps, closers, 'live-drift', source, driftFeed(monitor), 'measures no new drift');
  return monitor;
}

/**
 * Live quality: the edge follows sms.quality from the beginning — compacted, it holds each
 * partition's newest counts — and adds the partitions up.
 */
function liveQuality(deps: EdgeWiringDeps, closers: Closer[]) {
  const { config } = deps;
  const quality = createQualityTracker({ windowMs: config.quality.windowMs, bucketMs: config.quality.bucketMs });
  const source = { topics: [config.topics.quality], fromBeginning: true, maxInFlight: 100, partitionsConcurrently: 1 };
  ownTopicFeed(deps, closers, 'live-quality', source, qualityFeed(quality), 'shows no new quality figures');
  return quality;
}

async function closeInReverse(closers: Closer[], log: Log): Promise<void> {
  for (const close of closers.reverse())
    await close().catch((error: unknown) => log.warn(`while closing the edge: ${(error as Error).message}`));
}

/** Opens the edge's feeds and starts it; when it cannot start, closes what it opened and throws. */
export async function startWiredEdge(deps: EdgeWiringDeps): Promise<WiredEdge> {
  const { config, messaging, stores, models, champion, metrics } = deps;
  const closers: Closer[] = [];
  try {
    const feed = livePredictions(deps, closers);
    const replays = replayProgress(deps, closers);
    const drift = liveDrift(deps, closers);
    const quality = liveQuality(deps, closers);
    const inbox = config.cdc.enabled ? connectInbox(config) : undefined;
    if (inbox) closers.push(() => inbox.close());
    const edge = await startEdge({
      inbox,
      config: config.edge,
      features: stores.features,
      predictions: stores.predictions,
      idempotency: stores.idempotency,
      ingest: createSmsIngest(messaging.writer, messaging.codec, config.topics.raw),
      labels: createLabelIngest(messaging.writer, messaging.codec, config.topics.labels),
      views: featureViews,
      models,
      champion,
      health: edgeHealthChecks(config, messaging, stores, inbox),
      feed,
      replays,
      drift,
      quality,
      metrics,
    });
    return { edge, closeFeeds: () => closeInReverse(closers, deps.log) };
  } catch (error) {
    await closeInReverse(closers, deps.log);
    throw error;
  }
}
