import { describe, expect, it } from 'vitest';
import { clusterNodeProperties, kafkaCoordinates, kafkaJvmArgs, newClusterId, serverProperties } from './kafka.ts';
import { testSettings } from '../testkit/stack-settings.ts';

const properties = (text: string) =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );

describe('serverProperties', () => {
  it('configures one combined broker and controller on the configured loopback ports', () => {
    const p = properties(
      serverProperties(
        testSettings({ SPAMSTREAM_KAFKA_PORT: '19092', SPAMSTREAM_KAFKA_CONTROLLER_PORT: '19093' }),
        '/data/kafka',
      ),
    );
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(p.get('log.dirs')).toBe('/data/kafka');
  });

  it('sizes internal topics for one broker and lets groups form at once', () => {
    const p = properties(serverProperties(testSettings(), '/d'));
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
    ]) {
      expect(p.get(key), key).toBe('1');
    }
    expect(p.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(p.get('auto.create.topics.enable')).toBe('false');
  });

  it('takes overrides for a private broker: a key replaces its line in place, new keys follow', () => {
    const plain = serverProperties(testSettings(), '/d');
    const overrides = { listeners: 'SASL_PLAINTEXT://127.0.0.1:1', 'sasl.enabled.mechanisms': 'SCRAM-SHA-256' };
    const lines = serverProperties(testSettings(), '/d', overrides).trim().split('\n');
    const at = (all: string[]) => all.findIndex((line) => line.startsWith('listeners='));
    expect(lines.filter((line) => line.startsWith('listeners='))).toEqual(['listeners=SASL_PLAINTEXT://127.0.0.1:1']);
    expect(at(lines)).toBe(at(plain.trim().split('\n')));
    expect(lines.at(-1)).toBe('sasl.enabled.mechanisms=SCRAM-SHA-256');
    expect(serverProperties(testSettings(), '/d', {})).toBe(plain);
  });
});

describe('newClusterId', () => {
  it('is 16 bytes in URL-safe base64 without padding', () => {
    expect(newClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('draws again when the id would start with a dash', () => {
    const draws = [Buffer.from([0xf8, ...Array(15).fill(1)]), Buffer.alloc(16, 7)];
    const id = newClusterId(() => draws.shift()!);
    expect(id.startsWith('-')).toBe(false);
    expect(draws).toHaveLength(0);
  });
});

describe('kafkaJvmArgs and coordinates', () => {
  it('uses the configured heap, carries the stack marker and a wildcard class path', () => {
    const settings = testSettings({ SPAMSTREAM_KAFKA_HEAP_MB: '768' });
    const args = kafkaJvmArgs(settings, '/cache/kafka/libs', '/stack/kafka');
    expect(args).toEqual(
      expect.arrayContaining([
        '-Xms768m',
        '-Xmx768m',
        `-Dspamstream.stack=${settings.stack.dataDir}`,
        '-Dlog4j2.configurationFile=/stack/kafka/log4j2.properties',
      ]),
    );
    expect(args.slice(-2)).toEqual(['-cp', '/cache/kafka/libs/*']);
  });

  it('fetches the server, the tools and a log4j2 binding of one version', () => {
    const coordinates = kafkaCoordinates('4.1.2');
    expect(coordinates).toContain('org.apache.kafka:kafka_2.13:4.1.2');
    expect(coordinates).toContain('org.apache.kafka:kafka-tools:4.1.2');
    const log4j = coordinates.filter((c) => c.startsWith('org.apache.logging.log4j:')).map((c) => c.split(':')[2]);
    expect(new Set(log4j).size).toBe(1);
  });
});

describe('clusterNodeProperties', () => {
  const settings = testSettings({ SPAMSTREAM_STACK_NODES: '3' });
  const node = {
    name: 'kafka-2' as const,
    id: 2,
    host: '127.0.2.2',
    voters: '1@127.0.2.1:9093,2@127.0.2.2:9093,3@127.0.2.3:9093',
    clusterIdFile: '/s/kafka-1/cluster-id',
  };
  const p = properties(serverProperties(settings, '/d', clusterNodeProperties(settings, node)));

  it("is one voter of the quorum of three, listening on its node's address", () => {
    expect(p.get('node.id')).toBe('2');
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('controller.quorum.voters')).toBe(node.voters);
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.2.2:9092,CONTROLLER://127.0.2.2:9093');
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.2.2:9092');
  });

  it('keeps the offsets, the transaction state and topics made without saying on three replicas, two in sync', () => {
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'default.replication.factor',
    ])
      expect(p.get(key), key).toBe('3');
    expect(p.get('transaction.state.log.min.isr')).toBe('2');
    expect(p.get('min.insync.replicas')).toBe('2');
    expect(p.get('auto.create.topics.enable')).toBe('false');
  });
});
