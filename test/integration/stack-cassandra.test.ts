// A CQL round trip on the stack's Cassandra, in a keyspace of its own so the application's is untouched.
import { randomUUID } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';

const config = loadConfig();
const client = new cassandra.Client({
  contactPoints: [...config.cassandra.contactPoints],
  localDataCenter: config.cassandra.localDataCenter,
});
afterAll(() => client.shutdown());

describe('Cassandra', () => {
  it('answers CQL with a 5.0 release version', async () => {
    const row = (await client.execute('SELECT release_version FROM system.local')).first();
    expect(row?.get('release_version')).toMatch(/^5\.0\./);
  });

  it('creates a keyspace and table if missing, writes a row and reads it back', async () => {
    await client.execute(
      "CREATE KEYSPACE IF NOT EXISTS spamstream_stack_test WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute(
      'CREATE TABLE IF NOT EXISTS spamstream_stack_test.scores (id text PRIMARY KEY, score double, labels list<text>, at timestamp)',
    );
    const id = `sms-${randomUUID()}`;
    const at = new Date('2026-01-02T03:04:05.678Z');
    await client.execute(
      'INSERT INTO spamstream_stack_test.scores (id, score, labels, at) VALUES (?, ?, ?, ?)',
      [id, 0.25, ['spam', 'promo'], at],
      { prepare: true },
    );
    const row = (
      await client.execute('SELECT score, labels, at FROM spamstream_stack_test.scores WHERE id = ?', [id], {
        prepare: true,
      })
    ).first();
    expect(row?.get('score')).toBe(0.25);
    expect(row?.get('labels')).toEqual(['spam', 'promo']);
    expect((row?.get('at') as Date | undefined)?.toISOString()).toBe(at.toISOString());
    const missing = await client.execute('SELECT id FROM spamstream_stack_test.scores WHERE id = ?', [`${id}-absent`], {
      prepare: true,
    });
    expect(missing.rowLength).toBe(0);
  });
});
