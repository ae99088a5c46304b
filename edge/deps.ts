// What the HTTP edge needs from the rest of the program: ports only, never a driver package, so
// route tests run on in-memory fakes and `spamstream run edge` wires the real connectors.
import type { EdgeConfig } from '../config/config.ts';
import type { ModelCard, SpamModel } from '../connectors/model-runtime.ts';
import type { Inbox } from '../connectors/inbox.ts';
import type { FeatureStore, IdempotencyStore, PredictionStore } from '../connectors/online-store.ts';
import type { Metrics } from '../core/metrics.ts';
import type { HealthCheck } from '../core/health.ts';
import type { FeatureView } from '../features/index.ts';
import type { SmsLabel, SmsPrediction, SmsRaw } from '../schemas/index.ts';
import type { DriftMonitor } from './drift-monitor.ts';
import type { QualityBoard } from './quality-board.ts';
import type { ReplayBoard } from './replay-board.ts';

export type { ModelCard, SpamModel };

/** Writes incoming messages to sms.raw. */
export interface SmsIngest {
  /**
   * Resolves once the record is acknowledged on sms.raw; rejects (SpamstreamError
   * BROKER_UNAVAILABLE or REGISTRY_UNAVAILABLE, retriable) when it is not.
   */
  submit(raw: SmsRaw): Promise<void>;
}

/** Writes users' labels to sms.labels. */
export interface LabelIngest {
  /** Resolves once the record is acknowledged on sms.labels; rejects as `SmsIngest.submit` does. */
  submit(label: SmsLabel): Promise<void>;
}

/** Where a prediction came from, as its record's headers tell. */
export interface PredictionOrigin {
  /** The run id of the replay that recomputed it, when one did (its `spamstream-replay` header). */
  readonly replay?: string;
}

/** Predictions as they are produced to sms.predictions, for the live page. */
export interface PredictionFeed {
  /** Calls `listener` for every prediction from now on; returns the unsubscribe function. */
  subscribe(listener: (prediction: SmsPrediction, origin: PredictionOrigin) => void): () => void;
  /** The text of a recent message, when the feed saw it on sms.raw (edge/recent-texts.ts). */
  textOf?(smsId: string): string | undefined;
}

export interface EdgeDeps {
  readonly config: EdgeConfig;
  readonly features: FeatureStore;
  readonly predictions: PredictionStore;
  readonly idempotency: IdempotencyStore;
  readonly ingest: SmsIngest;
  /** `POST /sms/:smsId/label`. */
  readonly labels: LabelIngest;
  /** The feature view registry (features/index.ts `featureViews`): names `?views=` and computes `/models/:version/features`. */
  readonly views: readonly FeatureView[];
  /** Loaded models (connectors/onnx/load.ts `loadModels`); the edge never closes them. */
  readonly models: readonly SpamModel[];
  /**
   * The champion's version (models/champion.ts, chosen at start): its prediction is a message's
   * `verdict` in `GET /predictions/:smsId` and the inbox routes. None when no model is loaded.
   */
  readonly champion?: string;
  readonly health: readonly HealthCheck[];
  readonly feed: PredictionFeed;
  /** Replays running elsewhere, read from sms.replays (edge/replay-board.ts): the live page, `/replays`, `/metrics`. */
  readonly replays: ReplayBoard;
  /** Live quality per model version, read from sms.quality (edge/quality-board.ts): `/models/:version/quality`, `/quality`, `/metrics`. */
  readonly quality: QualityBoard;
  /** The process's registry: the edge adds its HTTP histogram; `/metrics` serves all of it. */
  readonly metrics: Metrics;
  /** Where the request log goes (edge/request-log.ts); standard output when absent. */
  readonly logStream?: { write(line: string): unknown };
  /** The inbox table (connectors/inbox.ts) when CDC is on: `GET /users/:userId/sms`. */
  readonly inbox?: Inbox;
  /** Live drift of the models' inputs (edge/drift-monitor.ts): `GET /drift`, its gauges, the live page; none when off. */
  readonly drift?: Pick<DriftMonitor, 'snapshot'>;
}
