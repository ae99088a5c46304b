// The online store in memory, for unit tests. It follows the Cassandra store rule for rule, so
// tests written against it hold in production:
// - newest event time wins per key, whatever the order of writes;
// - equal event times are resolved as Cassandra resolves equal write timestamps: the greater
//   serialized row wins whole (rows serialized as connectors/cassandra/rows.ts stores them);
// - rows come back ordered by view / model version in UTF-8 byte order (Cassandra's clustering order);
// - idempotency keys expire `ttlSeconds` after the claim or markWritten that last wrote them,
//   by the injected clock (Cassandra counts whole seconds; this fake counts milliseconds).
import type {
  FeatureStore,
  IdempotencyClaim,
  IdempotencyStore,
  PredictionStore,
  StoredFeatures,
  StoredPrediction,
} from '../online-store.ts';
import { encodeFeatures, encodePrediction, writeTimestampMicros } from '../cassandra/rows.ts';
import { checkTtl } from '../cassandra/ttl.ts';

export interface MemoryStores {
  readonly features: FeatureStore;
  readonly predictions: PredictionStore;
  readonly idempotency: IdempotencyStore;
  close(): Promise<void>;
}

export interface MemoryStoresOptions {
  /** Epoch-ms clock for key expiry; tests pass a fake one to let time pass. */
  readonly now?: () => number;
}

export function createMemoryStores(options: MemoryStoresOptions = {}): MemoryStores {
  const now = options.now ?? Date.now;
  const features = new Table<StoredFeatures>((row) => row.view, encodeFeatures);
  const predictions = new Table<StoredPrediction>((row) => row.modelVersion, encodePrediction);
  const keys = new Map<string, { smsId: string; written: boolean; fingerprint: string; expiresAt: number }>();
  const liveKey = (key: string) => {
    const entry = keys.get(key);
    if (entry && entry.expiresAt <= now()) keys.delete(key);
    return keys.get(key);
  };
  return {
    features: {
      putFeatures: async (rows) => features.put(rows),
      getFeatures: async (smsId, views) => features.get(smsId, views),
    },
    predictions: {
      putPredictions: async (rows) => predictions.put(rows),
      getPredictions: async (smsId) => predictions.get(smsId),
    },
    idempotency: {
      // Synchronous bodies: nothing can interleave, so a claim is atomic.
      claim: async (key, candidateSmsId, fingerprint, ttlSeconds): Promise<IdempotencyClaim> => {
        checkTtl(ttlSeconds);
        const bound = liveKey(key);
        if (bound) return { smsId: bound.smsId, written: bound.written, fingerprint: bound.fingerprint };
        keys.set(key, { smsId: candidateSmsId, written: false, fingerprint, expiresAt: now() + ttlSeconds * 1000 });
        return { smsId: candidateSmsId, written: false, fingerprint };
      },
      markWritten: async (key, ttlSeconds) => {
        checkTtl(ttlSeconds);
        const bound = liveKey(key);
        if (bound) keys.set(key, { ...bound, written: true, expiresAt: now() + ttlSeconds * 1000 });
      },
    },
    close: async () => undefined,
  };
}

interface Row {
  readonly smsId: string;
  readonly eventTime: number;
}

class Table<T extends Row> {
  readonly #rows = new Map<string, Map<string, T>>();
  readonly #clusteringKey: (row: T) => string;
  readonly #serialize: (row: T) => Buffer;

  constructor(clusteringKey: (row: T) => string, serialize: (row: T) => Buffer) {
    this.#clusteringKey = clusteringKey;
    this.#serialize = serialize;
  }

  put(rows: readonly T[]): void {
    for (const row of rows) writeTimestampMicros(row.eventTime); // rejects the call before any write, as Cassandra does
    for (const row of rows) {
      const partition = this.#rows.get(row.smsId) ?? new Map<string, T>();
      this.#rows.set(row.smsId, partition);
      const key = this.#clusteringKey(row);
      partition.set(key, this.#reconcile(partition.get(key), copy(row)));
    }
  }

  get(smsId: string, keys?: readonly string[]): T[] {
    const wanted = keys && new Set(keys);
    return [...(this.#rows.get(smsId)?.entries() ?? [])]
      .filter(([key]) => !wanted || wanted.has(key))
      .sort(([a], [b]) => Buffer.compare(utf8(a), utf8(b)))
      .map(([, row]) => copy(row));
  }

  #reconcile(current: T | undefined, incoming: T): T {
    if (!current || incoming.eventTime > current.eventTime) return incoming;
    if (incoming.eventTime < current.eventTime) return current;
    return Buffer.compare(this.#serialize(incoming), this.#serialize(current)) > 0 ? incoming : current;
  }
}

// Arrays are copied in and out, so callers cannot change stored rows behind the store's back.
const copy = <T extends object>(row: T): T =>
  Object.freeze(
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Array.isArray(v) ? Object.freeze([...v]) : v])),
  ) as T;
const utf8 = (value: string): Buffer => Buffer.from(value, 'utf8');
