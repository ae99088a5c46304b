import { policies, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { CONSISTENCIES } from '../../config/settings.ts';
import { cassandraClientOptions, consistencyLevels, readOptions } from './store.ts';

describe('the Cassandra client of the online store', () => {
  it('reads and writes at LOCAL_ONE on one replica, at LOCAL_QUORUM on three, conditional writes at LOCAL_SERIAL', () => {
    expect(loadConfig({}).cassandra).toMatchObject({
      readConsistency: 'LOCAL_ONE',
      writeConsistency: 'LOCAL_ONE',
      serialConsistency: 'LOCAL_SERIAL',
    });
    const cluster = loadConfig({ SPAMSTREAM_CASSANDRA_REPLICATION: '3' }).cassandra;
    expect(cluster).toMatchObject({ readConsistency: 'LOCAL_QUORUM', writeConsistency: 'LOCAL_QUORUM' });
    expect(consistencyLevels(cluster)).toEqual({
      read: types.consistencies.localQuorum,
      write: types.consistencies.localQuorum,
      serial: types.consistencies.localSerial,
    });
  });

  it('reads at the read level, idempotent, so that a dying coordinator costs a retry on another replica', () => {
    const cluster = loadConfig({ SPAMSTREAM_CASSANDRA_REPLICATION: '3' }).cassandra;
    expect(readOptions(cluster)).toEqual({ consistency: types.consistencies.localQuorum, isIdempotent: true });
  });

  it('knows a distinct driver level for every level the setting accepts', () => {
    const read = (level: (typeof CONSISTENCIES)[number]) =>
      consistencyLevels({ readConsistency: level, writeConsistency: level, serialConsistency: 'SERIAL' }).read;
    expect(read('ALL')).toBe(types.consistencies.all);
    expect(read('EACH_QUORUM')).toBe(types.consistencies.eachQuorum);
    expect(new Set(CONSISTENCIES.map(read)).size).toBe(CONSISTENCIES.length);
  });

  it('writes at the write level by default and routes each request to a replica in the local data centre', () => {
    const options = cassandraClientOptions(
      loadConfig({ SPAMSTREAM_CASSANDRA_DATACENTER: 'dc-west', SPAMSTREAM_CASSANDRA_WRITE_CONSISTENCY: 'QUORUM' })
        .cassandra,
    );
    expect(options.queryOptions).toMatchObject({
      prepare: true,
      consistency: types.consistencies.quorum,
      serialConsistency: types.consistencies.localSerial,
    });
    expect(options.localDataCenter).toBe('dc-west');
    const balancing = options.policies?.loadBalancing;
    expect(balancing).toBeInstanceOf(policies.loadBalancing.TokenAwarePolicy);
    const child = (balancing as unknown as { childPolicy: { localDc: string } }).childPolicy;
    expect(child).toBeInstanceOf(policies.loadBalancing.DCAwareRoundRobinPolicy);
    expect(child.localDc).toBe('dc-west');
  });

  it('refuses a data centre name it could not splice into CQL', () => {
    expect(() => loadConfig({ SPAMSTREAM_CASSANDRA_DATACENTER: "dc1'; DROP" })).toThrow(
      /SPAMSTREAM_CASSANDRA_DATACENTER/,
    );
  });
});
