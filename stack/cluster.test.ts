import { describe, expect, it } from 'vitest';
import { clusterEndpoints, clusterServerNames, clusterServers, evenTokens } from './cluster.ts';
import { stopWaves } from './server.ts';
import { testSettings } from '../testkit/stack-settings.ts';

const cluster = testSettings({ SPAMSTREAM_STACK_NODES: '3' });
const noJava = () => Promise.reject(new Error('no java in a unit test'));

describe('the local cluster', () => {
  it('puts every node on an address of its own at the usual ports', () => {
    expect(clusterEndpoints(cluster)).toEqual({
      brokers: ['127.0.2.1:9092', '127.0.2.2:9092', '127.0.2.3:9092'],
      contactPoints: ['127.0.2.1:9042', '127.0.2.2:9042', '127.0.2.3:9042'],
      registryUrls: ['http://127.0.2.1:8081/apis/ccompat/v7', 'http://127.0.2.2:8081/apis/ccompat/v7'],
      postgresUrl: 'postgres://postgres@127.0.2.1:5432/spamstream',
      connectUrl: 'http://127.0.2.1:8083',
    });
    const moved = testSettings({
      SPAMSTREAM_STACK_NODES: '3',
      SPAMSTREAM_STACK_CLUSTER_ADDRESSES: '10.1.0.7,10.1.0.8,10.1.0.9',
      SPAMSTREAM_KAFKA_PORT: '19092',
    });
    expect(clusterEndpoints(moved).brokers).toEqual(['10.1.0.7:19092', '10.1.0.8:19092', '10.1.0.9:19092']);
  });

  it('runs three brokers, two registries, three Cassandra nodes, one PostgreSQL and one Connect, each named and listed', () => {
    const servers = clusterServers(cluster, noJava, noJava);
    expect(servers.map((s) => `${s.name} ${s.endpoint}`)).toEqual([
      'kafka-1 127.0.2.1:9092',
      'kafka-2 127.0.2.2:9092',
      'kafka-3 127.0.2.3:9092',
      'registry-1 http://127.0.2.1:8081/apis/ccompat/v7',
      'registry-2 http://127.0.2.2:8081/apis/ccompat/v7',
      'cassandra-1 127.0.2.1:9042',
      'cassandra-2 127.0.2.2:9042',
      'cassandra-3 127.0.2.3:9042',
      'postgres-1 postgres://postgres@127.0.2.1:5432/spamstream',
      'connect-1 http://127.0.2.1:8083',
    ]);
    expect(
      clusterServers(testSettings({ SPAMSTREAM_STACK_NODES: '3', SPAMSTREAM_CDC: 'off' }), noJava, noJava),
    ).toHaveLength(8);
    expect([...clusterServerNames()].sort()).toEqual(servers.map((s) => s.name).sort());
  });

  it('starts the brokers together and the Cassandra nodes one after another; Connect and the registries wait for Kafka', () => {
    const byName = new Map(clusterServers(cluster, noJava, noJava).map((s) => [s.name, s]));
    for (const name of ['kafka-1', 'kafka-2', 'kafka-3', 'cassandra-1', 'postgres-1'] as const)
      expect(byName.get(name)?.dependencies, name).toBeUndefined();
    for (const name of ['cassandra-2', 'cassandra-3', 'registry-1', 'registry-2', 'connect-1'] as const)
      expect(byName.get(name)?.dependencies, name).toBeTypeOf('function');
  });

  it('stops Connect and the registries before the Kafka they keep their state in', () => {
    const waves = stopWaves(clusterServerNames());
    expect(waves).toHaveLength(2);
    expect(waves[1]!.sort()).toEqual(['kafka-1', 'kafka-2', 'kafka-3', 'postgres-1']);
  });

  it('splits the ring evenly', () => {
    expect(evenTokens(3)).toEqual(['-9223372036854775808', '-3074457345618258603', '3074457345618258602']);
    expect(evenTokens(1)).toEqual(['-9223372036854775808']);
  });
});
