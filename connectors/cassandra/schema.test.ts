import { describe, expect, it } from 'vitest';
import { onlineStoreSchemaCql } from './schema.ts';

const oneLine = (cql: string): string => cql.replace(/\s+/g, ' ');

describe('onlineStoreSchemaCql', () => {
  const statements = onlineStoreSchemaCql({ keyspace: 'spamstream_test', replicationFactor: 3 }).map(oneLine);

  it('creates the keyspace first, with SimpleStrategy and the configured replication factor', () => {
    expect(statements[0]).toBe(
      "CREATE KEYSPACE IF NOT EXISTS spamstream_test WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}");
  });

  it('creates only if missing, so applying twice is harmless', () => {
    expect(statements).toHaveLength(4);
    for (const statement of statements) expect(statement).toMatch(/^CREATE (KEYSPACE|TABLE) IF NOT EXISTS /);
  });

  it('keys features by message and view, with frozen lists', () => {
    const features = statements.find((s) => s.includes('spamstream_test.features_by_sms'));
    expect(features).toContain('PRIMARY KEY ((sms_id), "view")');
    expect(features).toContain('view_version int');
    expect(features).toContain('"values" frozen<list<double>>');
    expect(features).toContain('"view" text');
    expect(features).toContain('event_time timestamp');
    expect(features).toContain('computed_at timestamp');
  });

  it('keys predictions by message and model version', () => {
    const predictions = statements.find((s) => s.includes('spamstream_test.predictions_by_sms'));
    expect(predictions).toContain('PRIMARY KEY ((sms_id), model_version)');
    for (const column of ['model text', 'feature_view text', 'label text', 'spam_probability double',
      'labels frozen<list<text>>', 'scores frozen<list<double>>', 'threshold double', 'event_time timestamp', 'scored_at timestamp']) {
      expect(predictions).toContain(column);
    }
  });

  it('keys idempotency records by the request key', () => {
    expect(statements[3]).toBe('CREATE TABLE IF NOT EXISTS spamstream_test.idempotency_keys ( key text PRIMARY KEY, sms_id text, written boolean)');
  });

  it('refuses a keyspace that is not a plain identifier, since it is spliced into CQL', () => {
    expect(() => onlineStoreSchemaCql({ keyspace: 'x; DROP KEYSPACE y', replicationFactor: 1 })).toThrow(TypeError);
    expect(() => onlineStoreSchemaCql({ keyspace: 'Spam', replicationFactor: 1 })).toThrow(TypeError);
  });

  it('refuses a replication factor below one', () => {
    expect(() => onlineStoreSchemaCql({ keyspace: 'spamstream', replicationFactor: 0 })).toThrow(TypeError);
  });
});
