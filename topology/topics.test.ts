import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { cdcTopicSpec, topicSpecs } from './topics.ts';

const specs = (env: Record<string, string> = {}) => {
  const { topics } = loadConfig(env);
  return [...topicSpecs(topics), cdcTopicSpec(topics)];
};

describe('the topics', () => {
  it("leave replication to the broker's defaults unless told", () => {
    for (const spec of specs()) {
      expect(spec.replicationFactor, spec.name).toBe(-1);
      expect(spec.config, spec.name).not.toHaveProperty('min.insync.replicas');
    }
  });

  it('are created with three replicas, two in sync, as a cluster asks', () => {
    const cluster = specs({ SPAMSTREAM_TOPIC_REPLICATION: '3', SPAMSTREAM_TOPIC_MIN_INSYNC_REPLICAS: '2' });
    expect(cluster.map((spec) => spec.name)).toEqual([
      'sms.raw',
      'sms.features',
      'sms.predictions',
      'sms.labels',
      'sms.verdicts',
      'sms.quality',
      'sms.dlq',
      'sms.replays',
      'sms.cdc.inbox',
    ]);
    for (const spec of cluster) {
      expect(spec.replicationFactor, spec.name).toBe(3);
      expect(spec.config['min.insync.replicas'], spec.name).toBe('2');
    }
    // Their own settings stay beside it.
    expect(cluster[7]!.config['cleanup.policy']).toBe('compact,delete');
  });
});
