// `topology apply` creates each topic with the replication the settings ask for. One broker holds
// one replica: asked for one in sync, every topic gets it; asked for two replicas, apply refuses
// with Kafka's reason and the setting to change.
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { topicSpecs } from '../../topology/topics.ts';
import { type PipelineFixture, isolatedEnv, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { applyTopology } from '../../topology/apply.ts';
import { applyPorts, connectMessaging } from '../../runtime/wiring.ts';
import { kafkaClient } from '../../testkit/real-ports.ts';
import { dropRun } from '../../testkit/drop-run.ts';

describe('the replication of the topics', () => {
  let fixture: PipelineFixture | undefined;
  const runs: string[] = [];
  afterAll(async () => {
    await fixture?.close();
    for (const run of runs) await dropRun(loadConfig().kafka, run);
  });

  it('gives every topic the replicas and min.insync.replicas set', async () => {
    fixture = await pipelineFixture({ SPAMSTREAM_TOPIC_REPLICATION: '1', SPAMSTREAM_TOPIC_MIN_INSYNC_REPLICAS: '1' });
    const names = topicSpecs(fixture.config.topics).map((spec) => spec.name);
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      for (const topic of topics)
        expect(
          topic.partitions.map((p) => p.replicas.length),
          topic.name,
        ).toEqual(topic.partitions.map(() => 1));
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: names.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['min.insync.replicas'],
        })),
      });
      for (const resource of described.resources) {
        const entry = resource.configEntries.find((e) => e.configName === 'min.insync.replicas');
        expect(entry?.configValue, resource.resourceName).toBe('1');
        expect(entry?.isDefault, resource.resourceName).toBe(false);
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses more replicas than brokers, saying why and which setting asked', async () => {
    const run = `repl${Date.now().toString(36)}`;
    runs.push(run);
    const config = loadConfig({ ...isolatedEnv(run), SPAMSTREAM_TOPIC_REPLICATION: '2' });
    const messaging = connectMessaging(config);
    try {
      const applied = applyTopology(applyPorts(config, messaging), config);
      const error = await applied.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(
        /with 2 replicas each .*SPAMSTREAM_TOPIC_REPLICATION asks for more replicas than the cluster has brokers/,
      );
      expect(error).toMatchObject({ code: 'BROKER_REJECTED' });
    } finally {
      await messaging.close();
    }
  });
});
