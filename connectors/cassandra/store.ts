// The online store on Cassandra: features, predictions and idempotency keys over one shared Client.
// Every statement is prepared; the rows of one message are one UPDATE of its one row (rows.ts), at
// the write consistency (the serial one for the lightweight transactions' Paxos phase), reads at
// the read consistency; UPDATEs of concurrent calls go out together as unlogged batches
// (batched-writes.ts). Requests go to a replica of their row in the local data centre.
import { Client, type ClientOptions, policies, types } from 'cassandra-driver';
import type { CassandraConfig } from '../../config/config.ts';
import type {
  FeatureStore,
  IdempotencyClaim,
  IdempotencyStore,
  PredictionStore,
  StoredFeatures,
  StoredPrediction,
} from '../online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { checkLabel } from '../../core/message-rules.ts';
import type { LabelStore, StoredLabel } from '../label-store.ts';
import { tlsOptions } from '../tls.ts';
import { toStoreError } from './errors.ts';
import {
  featureUpserts,
  featuresFromRow,
  predictionUpserts,
  predictionsFromRow,
  upsertCql,
  writeTimestampMicros,
} from './rows.ts';
import { TABLES } from './schema.ts';
import { checkTtl } from './ttl.ts';
import { coalesced } from './coalesced.ts';
import { type BatchLimits, type Statement, batchedWrites } from './batched-writes.ts';

export interface CassandraStores {
  readonly features: FeatureStore;
  readonly predictions: PredictionStore;
  readonly idempotency: IdempotencyStore;
  /** The quality processor's labels (connectors/label-store.ts). */
  readonly labels: LabelStore;
  /** Resolves when Cassandra answers a query (readiness); rejects with STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Upserts in flight per `put*` call: enough to hide latency, few enough not to flood one node. */
const WRITE_CONCURRENCY = 32;

/**
 * Upserts of concurrent calls share unlogged batches (batched-writes.ts) within Cassandra's warning
 * limits at its defaults: 5 KiB a batch, counted over its mutations, which come to a little more than
 * the data bytes counted here (eight messages' feature entries, 8,912 bytes, were reported as 9.531
 * KiB), and 10 partitions.
 */
const BATCH_LIMITS: BatchLimits = { maxBytes: 4_608, maxStatements: 10 };

/** The driver's `credentials` (PasswordAuthenticator) and `sslOptions`, when the settings ask for them. */
type CassandraSecurity = Partial<Pick<CassandraConfig, 'username' | 'password' | 'ssl' | 'sslCaFile'>>;

export function cassandraSecurity(config: CassandraSecurity): Pick<ClientOptions, 'credentials' | 'sslOptions'> {
  return {
    ...(config.username ? { credentials: { username: config.username, password: config.password ?? '' } } : {}),
    ...(config.ssl ? { sslOptions: tlsOptions({ ca: config.sslCaFile }, 'SPAMSTREAM_CASSANDRA_SSL') } : {}),
  };
}

type Levels = Pick<CassandraConfig, 'readConsistency' | 'writeConsistency' | 'serialConsistency'>;

/** The driver's numbers for the configured levels. */
export function consistencyLevels(config: Levels): { read: number; write: number; serial: number } {
  const level = (name: string) => {
    const key = name
      .toLowerCase()
      .replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) as keyof typeof types.consistencies;
    const value = types.consistencies[key];
    if (typeof value !== 'number') throw new TypeError(`no consistency level ${name}`);
    return value;
  };
  return {
    read: level(config.readConsistency),
    write: level(config.writeConsistency),
    serial: level(config.serialConsistency),
  };
}

export function cassandraClientOptions(config: CassandraConfig): ClientOptions {
  const levels = consistencyLevels(config);
  const { loadBalancing } = policies;
  return {
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    ...cassandraSecurity(config),
    // The driver's default too, written down: a request goes to a replica of its partition in the
    // local data centre, which saves the coordinator a hop.
    policies: {
      loadBalancing: new loadBalancing.TokenAwarePolicy(
        new loadBalancing.DCAwareRoundRobinPolicy(config.localDataCenter),
      ),
    },
    // Writes take the default; reads ask for theirs (store.ts).
    queryOptions: { prepare: true, consistency: levels.write, serialConsistency: levels.serial },
    socketOptions: { connectTimeout: 5_000, readTimeout: 12_000 },
  };
}

export function createCassandraClient(config: CassandraConfig): Client {
  return new Client(cassandraClientOptions(config));
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
  const write = batchedWrites(client, BATCH_LIMITS);
  const levels = consistencyLevels(config);
  const read = readOptions(config);
  return {
    features: featureStore(client, write, config.keyspace, run, read),
    predictions: predictionStore(client, write, config.keyspace, run, read),
    idempotency: idempotencyStore(client, config.keyspace, run, { consistency: levels.serial }),
    labels: labelStore(client, write, config.keyspace, run, read),
    ping: () =>
      run('answer a ping', async () => void (await client.execute('SELECT release_version FROM system.local'))),
    close: () => client.shutdown(),
  };
}

type Run = <T>(action: string, work: () => Promise<T>) => Promise<T>;
/** The options of a read: its consistency level, and whether the driver may send it to another node. */
type ReadOptions = { readonly consistency: number; readonly isIdempotent?: boolean };

/**
 * A read of the store at its level, marked idempotent: when the node coordinating it dies mid-request
 * (a node of a cluster killed), the driver asks the next replica instead of failing the request; the
 * edge answered 503 to a few requests in flight at the moment a node of three died before.
 */
export const readOptions = (
  config: Pick<CassandraConfig, 'readConsistency' | 'writeConsistency' | 'serialConsistency'>,
) => ({ consistency: consistencyLevels(config).read, isIdempotent: true }) as const;
type Write = (statements: readonly Statement[]) => Promise<void>;

/** An upsert of rows.ts (binds [timestamp, entries, smsId]) with the data bytes it carries. */
function upsertStatement(query: string, params: unknown[]): Statement {
  const entries = Object.entries(params[1] as Record<string, Buffer>);
  const bytes = entries.reduce((sum, [key, entry]) => sum + key.length + entry.length, 8 + String(params[2]).length);
  return { query, params, bytes };
}

/** Writes the upserts, at most WRITE_CONCURRENCY at once. */
async function writeAll(write: Write, cql: string, params: unknown[][]): Promise<void> {
  for (let i = 0; i < params.length; i += WRITE_CONCURRENCY) {
    await write(params.slice(i, i + WRITE_CONCURRENCY).map((row) => upsertStatement(cql, row)));
  }
}

const selectCql = (table: string): string => `SELECT encoded FROM ${table} WHERE sms_id = ?`;

function featureStore(client: Client, write: Write, keyspace: string, run: Run, read: ReadOptions): FeatureStore {
  const table = `${keyspace}.${TABLES.features}`;
  const upsert = upsertCql(table);
  const select = selectCql(table);
  return {
    putFeatures: (rows: readonly StoredFeatures[]) =>
      run('write features', () => writeAll(write, upsert, featureUpserts(rows))),
    getFeatures: coalesced((smsId: string, views?: readonly string[]) =>
      run('read features', async () => {
        if (views !== undefined && views.length === 0) return [];
        const row = (await client.execute(select, [smsId], read)).first();
        return row ? featuresFromRow(smsId, row, views) : [];
      }),
    ),
  };
}

function predictionStore(client: Client, write: Write, keyspace: string, run: Run, read: ReadOptions): PredictionStore {
  const table = `${keyspace}.${TABLES.predictions}`;
  const upsert = upsertCql(table);
  const select = selectCql(table);
  return {
    putPredictions: (rows: readonly StoredPrediction[]) =>
      run('write predictions', () => writeAll(write, upsert, predictionUpserts(rows))),
    getPredictions: coalesced((smsId: string) =>
      run('read predictions', async () => {
        const row = (await client.execute(select, [smsId], read)).first();
        return row ? predictionsFromRow(smsId, row) : [];
      }),
    ),
  };
}

// Both writes are lightweight transactions: mixing them with plain writes on the same rows would
// let a plain write's timestamp race the Paxos ballots.
function idempotencyStore(client: Client, keyspace: string, run: Run, serialRead: ReadOptions): IdempotencyStore {
  const table = `${keyspace}.${TABLES.idempotency}`;
  const claim = `INSERT INTO ${table} (key, sms_id, written, fingerprint) VALUES (?, ?, false, ?) IF NOT EXISTS USING TTL ?`;
  const read = `SELECT sms_id, fingerprint FROM ${table} WHERE key = ?`;
  // sms_id is written again with `written` so both cells get the new TTL and expire together: a
  // row left with `written` but no sms_id would block the key without naming its message.
  const mark = `UPDATE ${table} USING TTL ? SET sms_id = ?, fingerprint = ?, written = true WHERE key = ? IF sms_id = ?`;
  return {
    claim: (key: string, candidateSmsId: string, fingerprint: string, ttlSeconds: number) =>
      run('claim an idempotency key', async (): Promise<IdempotencyClaim> => {
        checkTtl(ttlSeconds);
        const row = (await client.execute(claim, [key, candidateSmsId, fingerprint, ttlSeconds])).first();
        if (row['[applied]'] === true) return { smsId: candidateSmsId, written: false, fingerprint };
        const bound = row.sms_id;
        if (typeof bound !== 'string') throw new SpamstreamError('INTERNAL', `idempotency key ${key} names no message`);
        const boundFingerprint = typeof row.fingerprint === 'string' ? row.fingerprint : undefined;
        return { smsId: bound, written: row.written === true, fingerprint: boundFingerprint };
      }),
    markWritten: (key: string, ttlSeconds: number) =>
      run('mark an idempotency key written', async () => {
        checkTtl(ttlSeconds);
        // A serial read sees the outcome of every earlier claim, even one still being committed.
        const bound = (await client.execute(read, [key], serialRead)).first();
        if (!bound) return; // never claimed, or expired: nothing to mark
        const smsId = bound.sms_id as string;
        // Not applied only when the key expired and was claimed again meanwhile: that claim stands.
        await client.execute(mark, [ttlSeconds, smsId, bound.fingerprint ?? null, key, smsId]);
      }),
  };
}

/**
 * Each label is written with its time as the write timestamp, so Cassandra keeps the one given last
 * whatever the order of writes, and at equal timestamps the greater value: spam over ham.
 */
function labelStore(client: Client, write: Write, keyspace: string, run: Run, read: ReadOptions): LabelStore {
  const table = `${keyspace}.${TABLES.labels}`;
  const upsert = `UPDATE ${table} USING TIMESTAMP ? SET label = ?, labelled_at = ? WHERE topic = ? AND partition = ? AND sms_id = ?`;
  const select = `SELECT sms_id, label, labelled_at FROM ${table} WHERE topic = ? AND partition = ?`;
  return {
    putLabels: (p, rows) =>
      run('write labels', async () => {
        const stamps = rows.map((row) => writeTimestampMicros(row.labelledAt));
        const statements = rows.map((row, i) => ({
          query: upsert,
          params: [stamps[i], row.label, types.Long.fromNumber(row.labelledAt), p.topic, p.partition, row.smsId],
          bytes: 40 + row.smsId.length + p.topic.length,
        }));
        for (let i = 0; i < statements.length; i += WRITE_CONCURRENCY)
          await write(statements.slice(i, i + WRITE_CONCURRENCY));
      }),
    labelsOf: (p) =>
      run('read labels', async () => {
        const labels: StoredLabel[] = [];
        // The driver fetches the next page while the loop asks for it: memory holds the labels, not the pages.
        for await (const row of await client.execute(select, [p.topic, p.partition], { ...read, fetchSize: 5_000 })) {
          const label = checkLabel(row.label);
          if (label.ok)
            labels.push({ smsId: row.sms_id as string, label: label.value, labelledAt: Number(row.labelled_at) });
        }
        return labels;
      }),
  };
}
