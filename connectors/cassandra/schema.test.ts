import { describe, expect, it } from 'vitest';
import { onlineStoreSchemaCql, untilAgreed } from './schema.ts';

const oneLine = (cql: string): string => cql.replace(/\s+/g, ' ');

describe('onlineStoreSchemaCql', () => {
  const statements = onlineStoreSchemaCql({
    keyspace: 'spamstream_test',
    replicationFactor: 3,
    localDataCenter: 'dc1',
  }).map(oneLine);

  it('creates the keyspace first, with NetworkTopologyStrategy and the replicas in the data centre', () => {
    expect(statements[0]).toBe(
      "CREATE KEYSPACE IF NOT EXISTS spamstream_test WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
    );
  });

  it('creates only if missing, so applying twice is harmless', () => {
    expect(statements).toHaveLength(6);
    for (const statement of statements) {
      expect(statement).toMatch(/^(CREATE (KEYSPACE|TABLE) IF NOT EXISTS |ALTER TABLE \S+ ADD IF NOT EXISTS )/);
    }
  });

  it('keeps features and predictions in one row per message: a map of serialized entries', () => {
    for (const table of ['features_by_message', 'predictions_by_message']) {
      const cql = `CREATE TABLE IF NOT EXISTS spamstream_test.${table} ( sms_id text PRIMARY KEY, encoded map<text, blob>)`;
      expect(statements).toContain(cql);
    }
  });

  it('keys idempotency records by the request key, with the fingerprint of the request that bound it', () => {
    expect(statements[3]).toBe(
      'CREATE TABLE IF NOT EXISTS spamstream_test.idempotency_keys ( key text PRIMARY KEY, sms_id text, written boolean, fingerprint text)',
    );
    // A table created before fingerprints gains the column.
    expect(statements[4]).toBe('ALTER TABLE spamstream_test.idempotency_keys ADD IF NOT EXISTS fingerprint text');
  });

  it("keeps the quality processor's labels by topic and partition, so a partition's owner reads back its own", () => {
    expect(statements[5]).toBe(
      'CREATE TABLE IF NOT EXISTS spamstream_test.labels_by_partition ( topic text, partition int, sms_id text, label text, labelled_at bigint, PRIMARY KEY ((topic, partition), sms_id))',
    );
  });

  it('refuses a keyspace that is not a plain identifier, since it is spliced into CQL', () => {
    expect(() =>
      onlineStoreSchemaCql({ keyspace: 'x; DROP KEYSPACE y', replicationFactor: 1, localDataCenter: 'dc1' }),
    ).toThrow(TypeError);
    expect(() => onlineStoreSchemaCql({ keyspace: 'Spam', replicationFactor: 1, localDataCenter: 'dc1' })).toThrow(
      TypeError,
    );
  });

  it('refuses a replication factor below one', () => {
    expect(() =>
      onlineStoreSchemaCql({ keyspace: 'spamstream', replicationFactor: 0, localDataCenter: 'dc1' }),
    ).toThrow(TypeError);
  });

  it('refuses a data centre name that could break out of its CQL string', () => {
    expect(() =>
      onlineStoreSchemaCql({ keyspace: 'spamstream', replicationFactor: 1, localDataCenter: "dc1': 1, 'x" }),
    ).toThrow('is not a plain name');
  });
});

describe('untilAgreed', () => {
  it('asks again until the nodes agree, as a node that has just joined catches up', async () => {
    const answers = [false, false, true];
    let asked = 0;
    expect(await untilAgreed(async () => answers[asked++]!, 5_000, 1)).toBe(true);
    expect(asked).toBe(3);
  });

  it('says no once the time is up', async () => {
    let asked = 0;
    expect(
      await untilAgreed(
        async () => {
          asked += 1;
          return false;
        },
        20,
        5,
      ),
    ).toBe(false);
    expect(asked).toBeGreaterThan(1);
  });
});
