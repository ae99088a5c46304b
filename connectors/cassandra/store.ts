// The online store on Cassandra: features, predictions and idempotency keys over one shared Client.
// Every statement is prepared; the rows of one message are one single-partition batch (never a
// multi-partition batch), at LOCAL_QUORUM (LOCAL_SERIAL for the lightweight transactions).
import { Client, type ClientOptions, types } from 'cassandra-driver';
import type { CassandraConfig } from '../../config/config.ts';
import type {
  FeatureStore, IdempotencyClaim, IdempotencyStore, PredictionStore, StoredFeatures, StoredPrediction,
} from '../online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { tlsOptions } from '../tls.ts';
import { toStoreError } from './errors.ts';
import {
  FEATURE_COLUMNS, PREDICTION_COLUMNS, cqlColumn, featureParams, featuresFromRow, predictionFromRow, predictionParams,
} from './rows.ts';
import { TABLES } from './schema.ts';
import { checkTtl } from './ttl.ts';

export interface CassandraStores {
  readonly features: FeatureStore;
  readonly predictions: PredictionStore;
  readonly idempotency: IdempotencyStore;
  /** Resolves when Cassandra answers a query (readiness); rejects with STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Inserts in flight per `put*` call: enough to hide latency, few enough not to flood one node. */
const WRITE_CONCURRENCY = 32;

/** The driver's `credentials` (PasswordAuthenticator) and `sslOptions`, when the settings ask for them. */
type CassandraSecurity = Partial<Pick<CassandraConfig, 'username' | 'password' | 'ssl' | 'sslCaFile'>>;

export function cassandraSecurity(config: CassandraSecurity): Pick<ClientOptions, 'credentials' | 'sslOptions'> {
  return {
    ...(config.username ? { credentials: { username: config.username, password: config.password ?? '' } } : {}),
    ...(config.ssl ? { sslOptions: tlsOptions({ ca: config.sslCaFile }, 'SPAMSTREAM_CASSANDRA_SSL') } : {}),
  };
}

export function createCassandraClient(config: CassandraConfig): Client {
  return new Client({
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    ...cassandraSecurity(config),
    queryOptions: {
      prepare: true,
      consistency: types.consistencies.localQuorum,
      serialConsistency: types.consistencies.localSerial,
    },
    socketOptions: { connectTimeout: 5_000, readTimeout: 12_000 },
  });
}

/** Connects (rejecting with STORE_UNAVAILABLE when no contact point answers) and returns the stores. */
export async function createCassandraStores(config: CassandraConfig): Promise<CassandraStores> {
  const client = createCassandraClient(config);
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => undefined);
    throw toStoreError(error, `connect to ${config.contactPoints.join(', ')}`);
  }
  const run = async <T>(action: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, action);
    }
  };
  return {
    features: featureStore(client, config.keyspace, run),
    predictions: predictionStore(client, config.keyspace, run),
    idempotency: idempotencyStore(client, config.keyspace, run),
    ping: () => run('answer a ping', async () => void (await client.execute('SELECT release_version FROM system.local'))),
    close: () => client.shutdown(),
  };
}

type Run = <T>(action: string, work: () => Promise<T>) => Promise<T>;

const insertCql = (table: string, columns: readonly string[]): string =>
  `INSERT INTO ${table} (${columns.map(cqlColumn).join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) USING TIMESTAMP ?`;

/**
 * Writes rows grouped by partition (the first parameter is always sms_id): the rows of one message
 * go as one unlogged single-partition batch, which Cassandra applies as a single mutation —
 * atomic within the partition and several times cheaper than one insert per row. Partitions are
 * written concurrently, at most WRITE_CONCURRENCY at once.
 */
async function writeAll(client: Client, cql: string, params: unknown[][]): Promise<void> {
  const partitions = new Map<unknown, unknown[][]>();
  for (const row of params) {
    const rows = partitions.get(row[0]);
    if (rows) rows.push(row);
    else partitions.set(row[0], [row]);
  }
  const writes = [...partitions.values()].map((rows) => () =>
    rows.length === 1
      ? client.execute(cql, rows[0])
      : client.batch(rows.map((row) => ({ query: cql, params: row })), { logged: false }));
  for (let i = 0; i < writes.length; i += WRITE_CONCURRENCY) await Promise.all(writes.slice(i, i + WRITE_CONCURRENCY).map((write) => write()));
}

function featureStore(client: Client, keyspace: string, run: Run): FeatureStore {
  const table = `${keyspace}.${TABLES.features}`;
  const insert = insertCql(table, FEATURE_COLUMNS);
  const selectAll = `SELECT ${FEATURE_COLUMNS.map(cqlColumn).join(', ')} FROM ${table} WHERE sms_id = ?`;
  const selectViews = `${selectAll} AND "view" IN ?`;
  return {
    putFeatures: (rows: readonly StoredFeatures[]) =>
      run('write features', () => writeAll(client, insert, rows.map(featureParams))),
    getFeatures: (smsId: string, views?: readonly string[]) =>
      run('read features', async () => {
        if (views !== undefined && views.length === 0) return [];
        const result = views === undefined
          ? await client.execute(selectAll, [smsId])
          : await client.execute(selectViews, [smsId, [...views]]);
        return result.rows.map(featuresFromRow);
      }),
  };
}

function predictionStore(client: Client, keyspace: string, run: Run): PredictionStore {
  const table = `${keyspace}.${TABLES.predictions}`;
  const insert = insertCql(table, PREDICTION_COLUMNS);
  const select = `SELECT ${PREDICTION_COLUMNS.map(cqlColumn).join(', ')} FROM ${table} WHERE sms_id = ?`;
  return {
    putPredictions: (rows: readonly StoredPrediction[]) =>
      run('write predictions', () => writeAll(client, insert, rows.map(predictionParams))),
    getPredictions: (smsId: string) =>
      run('read predictions', async () => (await client.execute(select, [smsId])).rows.map(predictionFromRow)),
  };
}

// Both writes are lightweight transactions: mixing them with plain writes on the same rows would
// let a plain write's timestamp race the Paxos ballots.
function idempotencyStore(client: Client, keyspace: string, run: Run): IdempotencyStore {
  const table = `${keyspace}.${TABLES.idempotency}`;
  const claim = `INSERT INTO ${table} (key, sms_id, written) VALUES (?, ?, false) IF NOT EXISTS USING TTL ?`;
  const read = `SELECT sms_id FROM ${table} WHERE key = ?`;
  // sms_id is written again with `written` so both cells get the new TTL and expire together: a
  // row left with `written` but no sms_id would block the key without naming its message.
  const mark = `UPDATE ${table} USING TTL ? SET sms_id = ?, written = true WHERE key = ? IF sms_id = ?`;
  return {
    claim: (key: string, candidateSmsId: string, ttlSeconds: number) =>
      run('claim an idempotency key', async (): Promise<IdempotencyClaim> => {
        checkTtl(ttlSeconds);
        const row = (await client.execute(claim, [key, candidateSmsId, ttlSeconds])).first();
        if (row['[applied]'] === true) return { smsId: candidateSmsId, written: false };
        const bound = row['sms_id'];
        if (typeof bound !== 'string') throw new SpamstreamError('INTERNAL', `idempotency key ${key} names no message`);
        return { smsId: bound, written: row['written'] === true };
      }),
    markWritten: (key: string, ttlSeconds: number) =>
      run('mark an idempotency key written', async () => {
        checkTtl(ttlSeconds);
        // A serial read sees the outcome of every earlier claim, even one still being committed.
        const bound = (await client.execute(read, [key], { consistency: types.consistencies.localSerial })).first();
        if (!bound) return; // never claimed, or expired: nothing to mark
        const smsId = bound['sms_id'] as string;
        // Not applied only when the key expired and was claimed again meanwhile: that claim stands.
        await client.execute(mark, [ttlSeconds, smsId, key, smsId]);
      }),
  };
}
