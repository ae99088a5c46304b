import { describe, expect, it } from 'vitest';
import { connectCoordinates, connectJvmArgs, debeziumArtifact, workerProperties } from './kafka-connect.ts';
import { ownerMarker } from './process.ts';
import { testSettings } from '../testkit/stack-settings.ts';

describe('connect server', () => {
  const settings = testSettings({ SPAMSTREAM_CONNECT_PORT: '18083', SPAMSTREAM_KAFKA_PORT: '19092' });

  it('is a distributed worker on loopback with replication factor 1 and the Debezium plugin folder', () => {
    const lines = workerProperties(settings, '/cache/debezium/dist').split('\n');
    expect(lines).toContain('listeners=http://127.0.0.1:18083');
    expect(lines).toContain('bootstrap.servers=127.0.0.1:19092');
    expect(lines).toContain('plugin.path=/cache/debezium/dist');
    for (const kind of ['config', 'offset', 'status']) expect(lines).toContain(`${kind}.storage.replication.factor=1`);
    expect(lines).toContain('value.converter.schemas.enable=false');
  });

  it("uses the broker's version of Connect and the pinned Debezium plugin", () => {
    expect(connectCoordinates(settings.stack.kafkaVersion)).toContain('org.apache.kafka:connect-runtime:4.1.2');
    expect(debeziumArtifact(settings.stack.debeziumVersion)).toBe(
      'io.debezium:debezium-connector-postgres:3.6.1.Final:tar.gz:plugin',
    );
    const args = connectJvmArgs(settings, '/libs', '/d');
    expect(args).toContain(ownerMarker(settings.stack.dataDir));
    expect(args.slice(-2)).toEqual(['org.apache.kafka.connect.cli.ConnectDistributed', '/d/worker.properties']);
  });

  it("makes the cluster's worker listen on its node's address and keep its topics on three replicas", () => {
    const instance = { name: 'connect-1' as const, host: '127.0.2.1', bootstrapServers: ['127.0.2.1:9092', 'x:9092'] };
    const lines = workerProperties(settings, '/p', instance).split('\n');
    expect(lines).toContain('listeners=http://127.0.2.1:18083');
    expect(lines).toContain('rest.advertised.host.name=127.0.2.1');
    expect(lines).toContain('bootstrap.servers=127.0.2.1:9092,x:9092');
    for (const kind of ['config', 'offset', 'status']) expect(lines).toContain(`${kind}.storage.replication.factor=3`);
  });
});
