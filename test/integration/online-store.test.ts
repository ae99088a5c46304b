// The online store against the local Cassandra: schema application, the shared contracts (the
// online store's and the quality processor's label store), and the mapping of "no answer" to a
// retriable error.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'cassandra-driver';
import { loadConfig } from '../../config/config.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { TABLES, applyOnlineStoreSchema } from '../../connectors/cassandra/schema.ts';
import { createCassandraClient, createCassandraStores } from '../../connectors/cassandra/store.ts';
import { describeLabelStoreContract } from '../../connectors/label-store.contract.ts';
import { describeOnlineStoreContract } from '../../connectors/online-store.contract.ts';

const config = loadConfig().cassandra;
let admin: Client;

beforeAll(async () => {
  admin = createCassandraClient(config);
  await applyOnlineStoreSchema(admin, config);
});

afterAll(async () => {
  await admin?.shutdown();
});

describe('online store schema', () => {
  it('can be applied again without changing tables or rows', async () => {
    const stores = await createCassandraStores(config);
    try {
      const row = {
        smsId: `schema-${randomUUID()}`,
        view: 'v',
        viewVersion: 1,
        values: [1],
        eventTime: 1,
        computedAt: 2,
      };
      await stores.features.putFeatures([row]);
      await applyOnlineStoreSchema(admin, config);
      expect(await stores.features.getFeatures(row.smsId)).toEqual([row]);
      const tables = await admin.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [
        config.keyspace,
      ]);
      expect(tables.rows.map((r) => r.table_name).sort()).toEqual(expect.arrayContaining(Object.values(TABLES)));
    } finally {
      await stores.close();
    }
  });
});

// Two replicas asked of a one-node cluster: a quorum (2) can never answer, one replica can; so each
// level set is the level the store's reads and writes use.
describe('consistency levels', () => {
  const keyspace = `consistency_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const twoReplicas = (levels: Record<string, string> = {}) =>
    loadConfig({ SPAMSTREAM_CASSANDRA_KEYSPACE: keyspace, SPAMSTREAM_CASSANDRA_REPLICATION: '2', ...levels }).cassandra;
  const row = { smsId: `c-${randomUUID()}`, view: 'v', viewVersion: 1, values: [1], eventTime: 1, computedAt: 2 };

  beforeAll(async () => {
    await applyOnlineStoreSchema(admin, twoReplicas());
  });
  afterAll(async () => {
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  });

  it('creates the keyspace with NetworkTopologyStrategy, its replicas in the configured data centre', async () => {
    const found = await admin.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [
      keyspace,
    ]);
    expect(found.first()?.replication).toEqual({
      class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
      [config.localDataCenter]: '2',
    });
  });

  it('reads and writes at LOCAL_QUORUM with replicas to spare, and at the levels set', async () => {
    const quorum = await createCassandraStores(twoReplicas());
    const one = await createCassandraStores(
      twoReplicas({
        SPAMSTREAM_CASSANDRA_READ_CONSISTENCY: 'LOCAL_ONE',
        SPAMSTREAM_CASSANDRA_WRITE_CONSISTENCY: 'ONE',
      }),
    );
    try {
      await expect(quorum.features.putFeatures([row])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await one.features.putFeatures([row]);
      expect(await one.features.getFeatures(row.smsId)).toEqual([row]);
      await expect(quorum.features.getFeatures(row.smsId)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await Promise.all([quorum.close(), one.close()]);
    }
  });
});

describe('cassandra stores', () => {
  it('answer a ping', async () => {
    const stores = await createCassandraStores(config);
    try {
      await expect(stores.ping()).resolves.toBeUndefined();
    } finally {
      await stores.close();
    }
  });

  it('report a closed port as STORE_UNAVAILABLE, retriable', async () => {
    const attempt = createCassandraStores({ ...config, contactPoints: ['127.0.0.1:1'] });
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpamstreamError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retriable: true });
  });
});

describeOnlineStoreContract('cassandra', async () => ({
  ...(await createCassandraStores(config)),
  elapse: (seconds) => sleep(seconds * 1000),
}));

describeLabelStoreContract('cassandra', async () => {
  const stores = await createCassandraStores(config);
  return { labels: stores.labels, close: () => stores.close() };
});
