import { describe, expect, it } from 'vitest';
import { cassandraJvmArgs, cassandraYaml, jammJar, java17ModuleFlags, rackdcProperties } from './cassandra.ts';
import { testSettings } from '../testkit/stack-settings.ts';

describe('cassandraYaml', () => {
  it('describes one node on loopback with the configured CQL port and four folders under the data dir', () => {
    const yaml = cassandraYaml(testSettings({ SPAMSTREAM_CASSANDRA_PORT: '19042' }), '/d/cassandra/data');
    expect(yaml).toMatch(/^native_transport_port: 19042$/m);
    expect(yaml).toMatch(/^listen_address: 127\.0\.0\.1$/m);
    expect(yaml).toMatch(/^rpc_address: 127\.0\.0\.1$/m);
    expect(yaml).toMatch(/^num_tokens: 1$/m);
    expect(yaml).toContain('- seeds: "127.0.0.1:7000"');
    expect(yaml).toMatch(/^storage_port: 7000$/m);
    for (const folder of [
      'commitlog_directory: /d/cassandra/data/commitlog',
      'saved_caches_directory: /d/cassandra/data/saved_caches',
      'hints_directory: /d/cassandra/data/hints',
      '  - /d/cassandra/data/data',
    ]) {
      expect(yaml).toContain(folder);
    }
    expect(yaml).toMatch(/^auto_snapshot: false$/m);
    expect(yaml).not.toMatch(/\t/);
  });

  it('gossips on the configured storage port, and the single seed is the node itself on that port', () => {
    const yaml = cassandraYaml(testSettings({ SPAMSTREAM_CASSANDRA_STORAGE_PORT: '17000' }), '/d/cassandra/data');
    expect(yaml).toMatch(/^storage_port: 17000$/m);
    expect(yaml).toContain('- seeds: "127.0.0.1:17000"');
    expect(yaml).not.toMatch(/\b7000\b/);
  });

  it('names no other port that a second stack on the machine would collide on', () => {
    const yaml = cassandraYaml(
      testSettings({ SPAMSTREAM_CASSANDRA_PORT: '19042', SPAMSTREAM_CASSANDRA_STORAGE_PORT: '17000' }),
      '/d',
    );
    const ports = [...yaml.matchAll(/^([a-z_]*port[a-z_]*): (\d+)$/gm)].map(([, key, value]) => `${key}=${value}`);
    expect(ports.sort()).toEqual(['native_transport_port=19042', 'storage_port=17000']);
  });
});

describe('cassandraJvmArgs', () => {
  const settings = testSettings();
  const args = cassandraJvmArgs(settings, '/c/libs', '/s/cassandra', '/c/libs/jamm-0.4.0.jar');

  it('opens what Cassandra needs on Java 17 and attaches the jamm agent', () => {
    expect(args).toEqual(expect.arrayContaining(java17ModuleFlags()));
    expect(args).toContain('--add-opens=java.base/sun.nio.ch=ALL-UNNAMED');
    expect(args).toContain('--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED');
    expect(args).toContain('-Djdk.attach.allowAttachSelf=true');
    expect(args).toContain('-javaagent:/c/libs/jamm-0.4.0.jar');
  });

  it('points at the generated files, starts without waiting for gossip, and ends with the daemon class', () => {
    expect(args).toEqual(expect.arrayContaining(['-Xms1024m', '-Xmx1024m']));
    expect(args).toContain('-Dcassandra.config=file:///s/cassandra/cassandra.yaml');
    expect(args).toContain('-Dlogback.configurationFile=/s/cassandra/logback.xml');
    expect(args).toContain('-Dcassandra.skip_wait_for_gossip_to_settle=0');
    expect(args).toContain(`-Dspamstream.stack=${settings.stack.dataDir}`);
    expect(args.slice(-3)).toEqual(['-cp', '/c/libs/*', 'org.apache.cassandra.service.CassandraDaemon']);
  });
});

describe('jammJar', () => {
  it('finds the jamm jar among the libraries', () => {
    expect(jammJar('/libs', ['guava-33.jar', 'jamm-0.4.0.jar', 'jamm-extra.txt'])).toBe('/libs/jamm-0.4.0.jar');
  });

  it('says how to recover when it is missing', () => {
    expect(() => jammJar('/libs', ['guava-33.jar'])).toThrow(/fetch Cassandra again/);
  });
});

describe('a node of the local cluster', () => {
  const settings = testSettings({ SPAMSTREAM_STACK_NODES: '3' });
  const node = {
    name: 'cassandra-2' as const,
    host: '127.0.2.2',
    seeds: ['127.0.2.1', '127.0.2.2', '127.0.2.3'],
    initialToken: '-3074457345618258603',
    rack: 'rack2',
  };

  it("listens on its node's address, gossips its data centre and rack, and knows every node as a seed", () => {
    const yaml = cassandraYaml(settings, '/d/cassandra-2/data', node);
    expect(yaml).toMatch(/^listen_address: 127\.0\.2\.2$/m);
    expect(yaml).toMatch(/^rpc_address: 127\.0\.2\.2$/m);
    expect(yaml).toMatch(/^endpoint_snitch: GossipingPropertyFileSnitch$/m);
    expect(yaml).toMatch(/^initial_token: -3074457345618258603$/m);
    expect(yaml).toContain('- seeds: "127.0.2.1:7000,127.0.2.2:7000,127.0.2.3:7000"');
    expect(yaml).toMatch(/^cluster_name: spamstream-cluster$/m);
    expect(rackdcProperties(settings, node)).toBe(`dc=${settings.cassandra.localDataCenter}\nrack=rack2\n`);
  });

  it('reads its rack file and waits for gossip to settle before it serves', () => {
    const args = cassandraJvmArgs(settings, '/c/libs', '/s/cassandra-2', '/c/libs/jamm-0.4.0.jar', node);
    expect(args).toContain('-Dcassandra-rackdc.properties=file:///s/cassandra-2/cassandra-rackdc.properties');
    expect(args).not.toContain('-Dcassandra.skip_wait_for_gossip_to_settle=0');
    expect(args.filter((arg) => /cassandra\.jmx|jmxremote/.test(arg))).toEqual([]);
  });
});
