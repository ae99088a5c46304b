// The online store's keyspace and tables. Every statement is `IF NOT EXISTS`, so applying the
// schema again (every `topology apply`, every test run) changes nothing.
import type { Client } from 'cassandra-driver';
import type { CassandraConfig } from '../../config/config.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { toStoreError } from './errors.ts';
import { TABLES } from './tables.ts';

export { TABLES } from './tables.ts';

type SchemaConfig = Pick<CassandraConfig, 'keyspace' | 'replicationFactor' | 'localDataCenter'>;

// The keyspace and the data centre are spliced into CQL text (identifiers and replication maps
// cannot be bound), so they are checked here too, not only where the configuration is read.
function checked(config: SchemaConfig): SchemaConfig {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(config.keyspace)) {
    throw new TypeError(`keyspace ${JSON.stringify(config.keyspace)} is not a lower-case CQL identifier`);
  }
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(config.localDataCenter)) {
    throw new TypeError(`data centre ${JSON.stringify(config.localDataCenter)} is not a plain name`);
  }
  if (!Number.isInteger(config.replicationFactor) || config.replicationFactor < 1) {
    throw new TypeError(`replication factor ${config.replicationFactor} is not a positive integer`);
  }
  return config;
}

/**
 * The CQL statements of the online store, in the order they must run.
 *
 * Features and predictions: one row per message, a map from view id (model version) to that
 * view's serialized values (rows.ts), so every entry carries its own write timestamp (= event time).
 */
export function onlineStoreSchemaCql(config: SchemaConfig): string[] {
  const { keyspace, replicationFactor, localDataCenter } = checked(config);
  return [
    // NetworkTopologyStrategy, as production uses: replicas placed per data centre and per rack,
    // which LOCAL_* consistency levels count. A keyspace that exists keeps its replication.
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ` +
      `{'class': 'NetworkTopologyStrategy', '${localDataCenter}': ${replicationFactor}}`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLES.features} (
      sms_id text PRIMARY KEY,
      encoded map<text, blob>)`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLES.predictions} (
      sms_id text PRIMARY KEY,
      encoded map<text, blob>)`,
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLES.idempotency} (
      key text PRIMARY KEY,
      sms_id text,
      written boolean,
      fingerprint text)`,
    // Tables created before requests were fingerprinted gain the column; their keys have none.
    `ALTER TABLE ${keyspace}.${TABLES.idempotency} ADD IF NOT EXISTS fingerprint text`,
    // The quality processor's labels, one Cassandra partition per partition of its input topic, so the
    // partition's new owner reads back exactly its labels (connectors/label-store.ts).
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLES.labels} (
      topic text,
      partition int,
      sms_id text,
      label text,
      labelled_at bigint,
      PRIMARY KEY ((topic, partition), sms_id))`,
  ];
}

/** How long the nodes get to agree on the schema after the driver's own wait (10 s) ran out. */
export const SCHEMA_AGREEMENT_TIMEOUT_MS = 60_000;

/**
 * Asks `agreed` again, a pause apart, until it says yes or `timeoutMs` has passed. On a cluster, a
 * node that has just joined (or is busy) may answer with an older schema version for longer than the
 * driver waits after each change; it catches up by itself.
 */
export async function untilAgreed(
  agreed: () => Promise<boolean>,
  timeoutMs = SCHEMA_AGREEMENT_TIMEOUT_MS,
  pauseMs = 500,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await agreed()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** Creates the keyspace and tables when missing, and waits until every node agrees on the schema. */
export async function applyOnlineStoreSchema(client: Client, config: SchemaConfig): Promise<void> {
  for (const statement of onlineStoreSchemaCql(config)) {
    // The driver itself waits for schema agreement after each schema change before resolving.
    try {
      await client.execute(statement);
    } catch (error) {
      throw toStoreError(error, 'apply the online store schema');
    }
  }
  // checkSchemaAgreement is public driver API, but missing from the driver's type declarations.
  const metadata = client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> };
  if (!(await untilAgreed(() => metadata.checkSchemaAgreement()))) {
    throw new SpamstreamError(
      'STORE_UNAVAILABLE',
      `Cassandra nodes did not agree on the online store schema within ${SCHEMA_AGREEMENT_TIMEOUT_MS / 1000} s`,
    );
  }
}
