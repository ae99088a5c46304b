// The HTTP edge over the real connectors: its live feeds, its readiness checks and the server. The
// one wiring of the edge — `spamstream start`, `spamstream run edge` and the integration tests all
// reach it through runtime/pipeline.ts `startParts`, which imports this module only when it runs an
// edge, so a processor run alone never loads Fastify and its plugins.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { CassandraStores } from '../connectors/cassandra/store.ts';
import type { Inbox } from '../connectors/inbox.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import type { Log } from '../core/log.ts';
import type { Metrics } from '../core/metrics.ts';
import type { HealthCheck } from '../core/health.ts';
import { serverChecks } from './health-checks.ts';
import { followDrift } from '../edge/drift-feed.ts';
import { type DriftMonitor, alarmLine, createDriftMonitor, driftReferences } from '../edge/drift-monitor.ts';
import { createLabelIngest, createSmsIngest } from '../edge/ingest.ts';
import { createPredictionFeed } from '../edge/prediction-feed.ts';
import { createQualityTracker } from '../edge/quality-board.ts';
import { followQuality } from '../edge/quality-feed.ts';
import { createReplayTracker } from '../edge/replay-board.ts';
import { followReplays } from '../edge/replay-feed.ts';
import { type RunningEdge, startEdge } from '../edge/server.ts';
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

/**
 * Every edge instance watches the whole prediction stream from now on, in a group of its own deleted
 * on close; it reads sms.raw too, for the texts the live page shows beside the predictions.
 */
function livePredictions({ config, messaging }: EdgeWiringDeps, closers: Closer[]) {
  const group = `${config.pipeline.consumerGroupPrefix}.live.${randomUUID()}`;
  const feed = createPredictionFeed(
    messaging.openSource({
      groupId: group,
      topics: [config.topics.predictions, config.topics.raw],
      fromBeginning: false,
      maxInFlight: 1_000,
      partitionsConcurrently: 2 * config.topics.partitions,
      processor: 'live',
    }),
    messaging.codec,
    { rawTopic: config.topics.raw },
  );
  closers.push(async () => {
    await feed.close();
    await messaging.deleteGroup(group);
  });
  return feed;
}

/**
 * Replays run in processes of their own, on this machine or another: the edge follows their progress
 * on sms.replays from the beginning — compacted, it holds each replay's newest record — so it shows
 * the replays already running when it starts. Its own group, deleted on close.
 */
function replayProgress({ config, messaging, log }: EdgeWiringDeps, closers: Closer[]) {
  const group = `${config.pipeline.consumerGroupPrefix}.live-replays.${randomUUID()}`;
  const replays = createReplayTracker();
  const feed = followReplays(
    messaging.openSource({
      groupId: group,
      topics: [config.topics.replays],
      fromBeginning: true,
      maxInFlight: 100,
      partitionsConcurrently: 1,
      processor: 'live-replays',
    }),
    messaging.codec,
    replays,
    {
      onSkip: (reason) => log.debug(`${config.topics.replays}: a record skipped: ${String(reason)}`),
      onError: (error) =>
        log.warn(
          `the edge shows no new replay progress: reading ${config.topics.replays} failed: ${(error as Error).message}`,
        ),
    },
  );
  closers.push(async () => {
    await feed.close();
    replays.close();
    await messaging.deleteGroup(group);
  });
  return replays;
}

/**
 * Drift of the models' inputs: every edge instance reads the whole of sms.features from now, in a
 * group of its own deleted on close, and measures its window against the cards
 * (docs/adr/0015-drift-at-the-edge.md). None when SPAMSTREAM_DRIFT_WINDOW is 0 or no card has bins.
 */
function liveDrift({ config, messaging, models, log }: EdgeWiringDeps, closers: Closer[]): DriftMonitor | undefined {
  const references = driftReferences(models.map((model) => model.card));
  if (config.edge.driftWindow === 0 || references.length === 0) return undefined;
  const monitor = createDriftMonitor(references, config.edge.driftWindow, (alarm) =>
    (alarm.event === 'raised' ? log.warn : log.info)(alarmLine(alarm)),
  );
  const group = `${config.pipeline.consumerGroupPrefix}.live-drift.${randomUUID()}`;
  const feed = followDrift(
    messaging.openSource({
      groupId: group,
      topics: [config.topics.features],
      fromBeginning: false,
      maxInFlight: 1_000,
      partitionsConcurrently: config.topics.partitions,
      processor: 'live-drift',
    }),
    messaging.codec,
    monitor,
    {
      onSkip: (reason) => log.debug(`${config.topics.features}: a record skipped by drift: ${String(reason)}`),
      onError: (error) =>
        log.warn(
          `the edge measures no new drift: reading ${config.topics.features} failed: ${(error as Error).message}`,
        ),
    },
  );
  closers.push(async () => {
    await feed.close();
    await messaging.deleteGroup(group);
  });
  return monitor;
}

/**
 * Live quality: the edge follows sms.quality from the beginning — compacted, it holds each
 * partition's newest counts — in a group of its own deleted on close, and adds the partitions up.
 */
function liveQuality({ config, messaging, log }: EdgeWiringDeps, closers: Closer[]) {
  const group = `${config.pipeline.consumerGroupPrefix}.live-quality.${randomUUID()}`;
  const quality = createQualityTracker({ windowMs: config.quality.windowMs, bucketMs: config.quality.bucketMs });
  const feed = followQuality(
    messaging.openSource({
      groupId: group,
      topics: [config.topics.quality],
      fromBeginning: true,
      maxInFlight: 100,
      partitionsConcurrently: 1,
      processor: 'live-quality',
    }),
    messaging.codec,
    quality,
    {
      onSkip: (reason) => log.debug(`${config.topics.quality}: a record skipped: ${String(reason)}`),
      onError: (error) =>
        log.warn(
          `the edge shows no new quality figures: reading ${config.topics.quality} failed: ${(error as Error).message}`,
        ),
    },
  );
  closers.push(async () => {
    await feed.close();
    await messaging.deleteGroup(group);
  });
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
