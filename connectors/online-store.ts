// The online store: the latest feature values and predictions per message, for reads by the edge.
// Processors and the edge import these interfaces only; connectors/cassandra/ implements them,
// connectors/memory/ is the in-memory fake for unit tests. One contract suite runs against both.

export interface StoredFeatures {
  readonly smsId: string;
  readonly view: string;
  readonly viewVersion: number;
  readonly values: readonly number[];
  /** Event time of the message the values were computed from, epoch ms. */
  readonly eventTime: number;
  readonly computedAt: number;
}

export interface StoredPrediction {
  readonly smsId: string;
  readonly model: string;
  readonly modelVersion: string;
  readonly featureView: string;
  readonly label: string;
  readonly spamProbability: number;
  readonly labels: readonly string[];
  readonly scores: readonly number[];
  readonly threshold: number;
  readonly eventTime: number;
  readonly scoredAt: number;
}

/**
 * Contract (both stores):
 * - `put*` is an idempotent upsert per key — (smsId, view) for features, (smsId, modelVersion) for
 *   predictions. For one key the row with the newest `eventTime` wins whatever the order of writes:
 *   an older event replayed later never overwrites newer values. Writing the same row twice is a no-op.
 *   Equal event times with different contents keep one row whole, independent of write order: the
 *   one with the later computedAt/scoredAt (so a replay keeps the latest computation), and when
 *   those are equal too, the greater serialized row (connectors/cassandra/rows.ts). Rows are never
 *   mixed field by field.
 * - `eventTime` is a whole, non-negative number of epoch ms; otherwise `put*` rejects with
 *   SpamstreamError('INVALID_FIELD') before writing any row of the call.
 * - `put*` resolves once the rows are durable; it rejects with SpamstreamError('STORE_UNAVAILABLE')
 *   (retriable) when the store does not answer. Rows of one call need not be written atomically.
 * - `get*` returns [] for an unknown id; `views` filters by view id (all views when omitted, none
 *   when empty). Rows come ordered by view / modelVersion (UTF-8 byte order).
 */
export interface FeatureStore {
  putFeatures(rows: readonly StoredFeatures[]): Promise<void>;
  getFeatures(smsId: string, views?: readonly string[]): Promise<readonly StoredFeatures[]>;
}

export interface PredictionStore {
  putPredictions(rows: readonly StoredPrediction[]): Promise<void>;
  getPredictions(smsId: string): Promise<readonly StoredPrediction[]>;
}

export interface IdempotencyClaim {
  /** The message id bound to the key: the caller's candidate if it won, else the earlier one. */
  readonly smsId: string;
  /** Whether an earlier request with this key already had its message acknowledged. */
  readonly written: boolean;
  /** The fingerprint of the request that bound the key (undefined for a key bound without one). */
  readonly fingerprint?: string;
}

/**
 * Idempotency keys of `POST /sms`. Contract: `claim` binds a key to a message id atomically —
 * concurrent claims of one key all get the same smsId, and the fingerprint (a digest of the
 * request) given by the claim that bound it, so a caller can tell a retry from a reuse; `markWritten` records that the message was
 * acknowledged on sms.raw, so a retried request returns the id without writing a second message.
 * Keys expire `ttlSeconds` after the last `claim` that bound them or `markWritten` (which restarts
 * the TTL of the whole binding); `markWritten` of a key not bound (never claimed, or expired) does
 * nothing. `ttlSeconds` is a whole number from 1 to 630720000 (Cassandra's limit), else both
 * reject with SpamstreamError('INVALID_FIELD').
 */
export interface IdempotencyStore {
  claim(key: string, candidateSmsId: string, fingerprint: string, ttlSeconds: number): Promise<IdempotencyClaim>;
  markWritten(key: string, ttlSeconds: number): Promise<void>;
}
