// Fakes for the edge's tests: every port of EdgeDeps in memory, the real feature views, and a
// configuration with a silent log. Tests override what they look at.
import type { EdgeConfig } from '../config/config.ts';
import { createMemoryStores } from '../connectors/memory/online-store.ts';
import { SpamstreamError } from '../core/errors.ts';
import { createMetrics } from '../core/metrics.ts';
import { featureViews } from '../features/index.ts';
import { type QualityTracker, createQualityTracker } from '../edge/quality-board.ts';
import { type ReplayTracker, createReplayTracker } from '../edge/replay-board.ts';
import type { ReplayStatus, SmsLabel, SmsPrediction, SmsRaw } from '../schemas/index.ts';
import type { HealthCheck } from '../core/health.ts';
import type { EdgeDeps, LabelIngest, PredictionFeed, PredictionOrigin, SmsIngest } from '../edge/deps.ts';

export function testConfig(overrides: Partial<EdgeConfig> = {}): EdgeConfig {
  return {
    enabled: true,
    host: '127.0.0.1',
    port: 0,
    apiKey: '',
    rateLimitPerMinute: 10_000,
    bodyLimitBytes: 65_536,
    maxQueryIds: 100,
    readConcurrency: 4,
    idempotencyTtlSeconds: 3600,
    readyTimeoutMs: 200,
    logLevel: 'silent',
    maxTextBytes: 4096,
    champion: '',
    driftWindow: 1000,
    ...overrides,
  };
}

export interface FakeIngest extends SmsIngest {
  readonly submitted: SmsRaw[];
  /** While set, submit rejects with this error instead of acknowledging. */
  failWith: Error | undefined;
}

export function fakeIngest(): FakeIngest {
  const ingest: FakeIngest = {
    submitted: [],
    failWith: undefined,
    async submit(raw) {
      if (ingest.failWith) throw ingest.failWith;
      ingest.submitted.push(raw);
    },
  };
  return ingest;
}

export interface FakeLabels extends LabelIngest {
  readonly submitted: SmsLabel[];
  /** While set, submit rejects with this error instead of acknowledging. */
  failWith: Error | undefined;
}

export function fakeLabels(): FakeLabels {
  const labels: FakeLabels = {
    submitted: [],
    failWith: undefined,
    async submit(label) {
      if (labels.failWith) throw labels.failWith;
      labels.submitted.push(label);
    },
  };
  return labels;
}

export interface FakeFeed extends PredictionFeed {
  push(prediction: SmsPrediction, origin?: PredictionOrigin): void;
  /** As if the feed had read this message on sms.raw. */
  pushText(smsId: string, text: string): void;
}

export function fakeFeed(): FakeFeed {
  const listeners = new Set<(p: SmsPrediction, origin: PredictionOrigin) => void>();
  const texts = new Map<string, string>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push: (prediction, origin = {}) => {
      for (const listener of listeners) listener(prediction, origin);
    },
    pushText: (smsId, text) => texts.set(smsId, text),
    textOf: (smsId) => texts.get(smsId),
  };
}

export function prediction(overrides: Partial<SmsPrediction> = {}): SmsPrediction {
  const spam = overrides.spam_probability ?? 0.93;
  const label = overrides.label ?? (spam >= 0.5 ? 'spam' : 'ham');
  return {
    sms_id: 'sms-1',
    model: 'spam-text-stats',
    model_version: 'v1',
    feature_view: 'v1',
    label,
    spam_probability: spam,
    labels: ['ham', 'spam'],
    scores: [1 - spam, spam],
    threshold: 0.5,
    event_time: 1_700_000_000_000,
    scored_at: 1_700_000_000_120,
    ...overrides,
  };
}

/** A replay's record on sms.replays: a scoring replay 40 % through, updated at 1_700_000_000_000. */
export function replayStatus(overrides: Partial<ReplayStatus> = {}): ReplayStatus {
  return {
    group_id: 'spamstream.replay.scoring.0123456789',
    run_id: 'scoring-0123456789-abc',
    kind: 'scoring',
    state: 'running',
    done: 400,
    total: 1000,
    messages: 390,
    rate: 130,
    eta_seconds: 4.6,
    host: 'replayer-1',
    started_at: 1_700_000_000_000 - 3_000,
    updated_at: 1_700_000_000_000,
    ...overrides,
  };
}

export const healthy = (name: string): HealthCheck => ({ name, check: async () => undefined });
export const unreachable = (name: string, message = 'connection refused'): HealthCheck => ({
  name,
  check: async () => {
    throw new SpamstreamError('STORE_UNAVAILABLE', message);
  },
});

export interface TestDeps extends EdgeDeps {
  readonly ingest: FakeIngest;
  readonly labels: FakeLabels;
  readonly feed: FakeFeed;
  /** Fed by the test (`update`); it looks for lost replays only when told (`check`). */
  readonly replays: ReplayTracker;
  /** Fed by the test (`update`), with a window of an hour of minutes ending at `qualityNow`. */
  readonly quality: QualityTracker;
}

export type TestOverrides = Partial<Omit<EdgeDeps, 'ingest' | 'labels' | 'feed' | 'config' | 'replays' | 'quality'>> & {
  config?: Partial<EdgeConfig>;
  replays?: ReplayTracker;
  quality?: QualityTracker;
};

/** The clock of the test edge's quality tracker. */
export const QUALITY_NOW = 1_700_003_600_000;

export function testDeps(overrides: TestOverrides = {}): TestDeps {
  const stores = createMemoryStores();
  const { config, ...rest } = overrides;
  return {
    features: stores.features,
    predictions: stores.predictions,
    idempotency: stores.idempotency,
    views: featureViews,
    models: [],
    health: [healthy('kafka'), healthy('registry'), healthy('cassandra')],
    metrics: createMetrics({ defaultMetrics: false }),
    replays: createReplayTracker({ checkEveryMs: 0 }),
    quality: createQualityTracker({ windowMs: 3_600_000, bucketMs: 60_000, now: () => QUALITY_NOW }),
    ...rest,
    config: testConfig(config),
    ingest: fakeIngest(),
    labels: fakeLabels(),
    feed: fakeFeed(),
  };
}

/** A client error body: the catalogue code, a message, and nothing that looks like a stack. */
export function expectClientError(body: string, code: string): { error: string; message: string } {
  const parsed = JSON.parse(body) as { error: string; message: string };
  if (parsed.error !== code) throw new Error(`expected error ${code}, got ${body}`);
  if (typeof parsed.message !== 'string' || parsed.message === '') throw new Error(`no message in ${body}`);
  if (/\bat .+:\d+:\d+|node_modules|\.ts:\d+/.test(body) || Object.keys(parsed).some((k) => k === 'stack')) {
    throw new Error(`stack trace in ${body}`);
  }
  return parsed;
}
