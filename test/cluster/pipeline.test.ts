// The whole pipeline on the local cluster with nothing set but SPAMSTREAM_STACK_NODES=3: every default
// is the cluster's, so what it checks is what `SPAMSTREAM_STACK_NODES=3 npm start` runs.
import cassandra from 'cassandra-driver';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableModels } from '../../connectors/model-runtime.ts';
import { viewIds } from '../../features/index.ts';
import { TABLES } from '../../connectors/cassandra/tables.ts';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import type { SmsPrediction } from '../../schemas/index.ts';
import { type PipelineFixture, labelledMessages, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { kafkaClient } from '../../testkit/real-ports.ts';
import { topicSpecs } from '../../topology/topics.ts';

const MESSAGES = 300;
const quiet = () => {};

describe('the pipeline on the local cluster', () => {
  let fixture: PipelineFixture;
  let pipeline: RunningPipeline;
  const models = availableModels('models');
  const admin = kafkaClient().admin();

  beforeAll(async () => {
    fixture = await pipelineFixture();
    await admin.connect();
    pipeline = await startParts(fixture.config, ['features', 'scoring'], quiet);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await admin.disconnect();
    await fixture?.close();
  });

  /** min.insync.replicas and the replicas of every partition, per topic. */
  async function replication(names: readonly string[]) {
    const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })),
    });
    return names.map((name) => ({
      name,
      replicas: [...new Set(topics.find((t) => t.name === name)!.partitions.map((p) => p.replicas.length))],
      minInsync: described.resources
        .find((r) => r.resourceName === name)!
        .configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue,
    }));
  }

  it('runs on the cluster by default: three brokers, three Cassandra nodes, two registries, LOCAL_QUORUM', () => {
    const { kafka, cassandra: store, registry } = fixture.config;
    expect(kafka.brokers).toHaveLength(3);
    expect(store.contactPoints).toHaveLength(3);
    expect(registry.fallbackUrls).toHaveLength(1);
    expect(store).toMatchObject({
      localDataCenter: 'dc1',
      replicationFactor: 3,
      readConsistency: 'LOCAL_QUORUM',
      writeConsistency: 'LOCAL_QUORUM',
      serialConsistency: 'LOCAL_SERIAL',
    });
  });

  it('creates every topic with three replicas, two of them in sync, and the keyspace with three in the data centre', async () => {
    const names = topicSpecs(fixture.config.topics).map((spec) => spec.name);
    for (const topic of await replication(names))
      expect(topic, topic.name).toEqual({ ...topic, replicas: [3], minInsync: '2' });
    const client = new cassandra.Client({
      contactPoints: [...fixture.config.cassandra.contactPoints],
      localDataCenter: fixture.config.cassandra.localDataCenter,
    });
    try {
      const row = (
        await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [
          fixture.config.cassandra.keyspace,
        ])
      ).first();
      expect(row?.get('replication')).toEqual({
        class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
        dc1: '3',
      });
    } finally {
      await client.shutdown();
    }
  });

  it(`scores ${MESSAGES} messages exactly once per model, every row on all three replicas`, async () => {
    const messages = await labelledMessages(fixture.run, MESSAGES);
    await fixture.produceRaw(messages);
    const predictions = await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
      until: (r) => r.length >= MESSAGES * models.length,
      timeoutMs: 240_000,
    });
    const pairs = new Set(predictions.map(({ value }) => `${value.sms_id}|${value.model_version}`));
    expect(predictions).toHaveLength(MESSAGES * models.length);
    expect(pairs.size).toBe(MESSAGES * models.length);

    // Read at ALL: every replica answers, so a row missing from one of them would show.
    const client = new cassandra.Client({
      contactPoints: [...fixture.config.cassandra.contactPoints],
      localDataCenter: fixture.config.cassandra.localDataCenter,
      keyspace: fixture.config.cassandra.keyspace,
      queryOptions: { consistency: cassandra.types.consistencies.all, prepare: true },
    });
    try {
      const entries = async (table: string) =>
        Promise.all(
          messages.map(async ({ sms_id }) => {
            const row = (await client.execute(`SELECT encoded FROM ${table} WHERE sms_id = ?`, [sms_id])).first();
            return Object.keys(row?.get('encoded') ?? {}).length;
          }),
        );
      expect(new Set(await entries(TABLES.features))).toEqual(new Set([viewIds.length]));
      expect(new Set(await entries(TABLES.predictions))).toEqual(new Set([models.length]));
    } finally {
      await client.shutdown();
    }
  });

  it("keeps the brokers' consumer offsets and transaction state on three replicas, two in sync", async () => {
    // Both exist once the processors have committed a transaction (the test before).
    for (const topic of await replication(['__consumer_offsets', '__transaction_state']))
      expect(topic, topic.name).toEqual({ ...topic, replicas: [3], minInsync: '2' });
  });

  it('shares the schemas between the two registry instances: an id handed out by one is known to the other', async () => {
    const [first, second] = [fixture.config.registry.url, fixture.config.registry.fallbackUrls[0]!];
    const schema = JSON.stringify({ type: 'record', name: `R${fixture.run}`, fields: [{ name: 'a', type: 'string' }] });
    const registered = await fetch(`${first}/subjects/${fixture.run}-probe-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema }),
    });
    expect(registered.status).toBe(200);
    const { id } = (await registered.json()) as { id: number };
    // kafkasql: the other instance learns it from the journal topic, in the moment it takes to read it.
    let known: Response | undefined;
    for (let attempt = 0; attempt < 50 && known?.status !== 200; attempt += 1) {
      known = await fetch(`${second}/schemas/ids/${id}`);
      if (known.status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(known?.status).toBe(200);
    expect(JSON.parse(((await known!.json()) as { schema: string }).schema)).toEqual(JSON.parse(schema));
  });
});
