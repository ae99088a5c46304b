import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../testkit/ports.ts';
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

  it("is what the settings' cluster defaults name, so that clients find it with nothing set", () => {
    const endpoints = clusterEndpoints(cluster);
    expect(cluster.kafka.brokers).toEqual(endpoints.brokers);
    expect(cluster.cassandra.contactPoints).toEqual(endpoints.contactPoints);
    expect([cluster.registry.url, ...cluster.registry.fallbackUrls]).toEqual(endpoints.registryUrls);
    expect(cluster.cdc.postgresUrl).toBe(endpoints.postgresUrl);
    expect(cluster.cdc.connectUrl).toBe(endpoints.connectUrl);
    expect(cluster.stack.mode).toBe('local');
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

  it('gives up on a Cassandra node at once when the one before it has no process, not while that one awaits its turn', async () => {
    const port = await closedPort();
    const settings = testSettings(
      { SPAMSTREAM_STACK_NODES: '3', SPAMSTREAM_STACK_CLUSTER_ADDRESSES: '127.0.9.1,127.0.9.2,127.0.9.3' },
      mkdtempSync(join(tmpdir(), 'cluster-')),
    );
    const moved = { ...settings, stack: { ...settings.stack, cassandraPort: port } };
    const servers = clusterServers(moved, noJava, noJava);
    const dependency = (name: string) => servers.find((s) => s.name === name)!.dependencies!();
    const settled: [string, number][] = [];
    const [second, third] = await Promise.allSettled(
      ['cassandra-2', 'cassandra-3'].map((name) => dependency(name).finally(() => settled.push([name, Date.now()]))),
    );
    expect(String((second as PromiseRejectedResult).reason)).toMatch(
      /started after cassandra-1, which is not running: cassandra: /,
    );
    expect(String((third as PromiseRejectedResult).reason)).toMatch(/started after cassandra-2, which is not running/);
    // The third counts its checks only once the second stopped waiting: a few seconds later, not with it.
    expect(settled.map(([name]) => name)).toEqual(['cassandra-2', 'cassandra-3']);
    expect(settled[1]![1] - settled[0]![1]).toBeGreaterThan(3_000);
  }, 30_000);

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
