// The HTTP edge on the real stack: Kafka, the schema registry and Cassandra, both processors with
// the committed ONNX models, and the edge wired from the real connectors — a message posted to
// /sms comes back through /features, /predictions and the live event stream. Topics and consumer
// groups are unique to this run, so it neither sees nor disturbs other runs on the same servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { type Config, loadConfig } from '../../config/config.ts';
import { createMetrics } from '../../core/metrics.ts';
import { applyOnlineStoreSchema } from '../../connectors/cassandra/schema.ts';
import { type CassandraStores, createCassandraClient, createCassandraStores } from '../../connectors/cassandra/store.ts';
import type { RecordWriter } from '../../connectors/kafka.ts';
import { ensureTopics, pingKafka } from '../../connectors/kafka/admin.ts';
import { createKafkaClient } from '../../connectors/kafka/client.ts';
import { createKafkaSource } from '../../connectors/kafka/source.ts';
import { createTransactionalWriter } from '../../connectors/kafka/transactional-writer.ts';
import { createKafkaWriter } from '../../connectors/kafka/writer.ts';
import type { SpamModel } from '../../connectors/model-runtime.ts';
import { loadModels } from '../../connectors/onnx/load.ts';
import { createAvroCodec } from '../../connectors/registry/avro-codec.ts';
import { createSchemaRegistryClient } from '../../connectors/registry/schema-registry.ts';
import type { EdgeDeps } from '../../edge/deps.ts';
import { createSmsIngest } from '../../edge/ingest.ts';
import { type ClosablePredictionFeed, createPredictionFeed } from '../../edge/prediction-feed.ts';
import { type RunningEdge, startEdge } from '../../edge/server.ts';
import { featureViews } from '../../features/index.ts';
import { scoringModelOf } from '../../models/scoring.ts';
import { applyTopology } from '../../topology/apply.ts';
import { type RunningProcessor, buildTopology } from '../../topology/build.ts';

const run = `edge-it-${Date.now().toString(36)}`;
const base = loadConfig();
const config: Config = {
  ...base,
  topics: { ...base.topics, raw: `${run}.raw`, features: `${run}.features`, predictions: `${run}.predictions`, dlq: `${run}.dlq`, partitions: 2 },
  pipeline: { ...base.pipeline, consumerGroupPrefix: run },
  edge: { ...base.edge, host: '127.0.0.1', port: 0, apiKey: 'integration-key', logLevel: 'silent' },
};

const SPAM = 'WINNER!! You have been selected to receive a £900 cash prize. To claim call 09061701461 now. Valid 12hrs only';
const HAM = 'Are we still on for dinner at 7? I can pick up the bread on the way';

let kafka: Kafka;
let writer: RecordWriter;
let stores: CassandraStores;
let models: SpamModel[];
let processors: RunningProcessor[] = [];
let feed: ClosablePredictionFeed;
let edge: RunningEdge;
let deps: EdgeDeps;

beforeAll(async () => {
  kafka = createKafkaClient(config.kafka, '-edge-it');
  writer = createKafkaWriter(kafka);
  const registry = createSchemaRegistryClient(config.registry);
  const codec = createAvroCodec(registry.lookup);
  await applyTopology({
    ensureTopics: (topics) => ensureTopics(kafka, topics),
    registerSchema: (subject, schema) => registry.register(subject, schema),
    async applyStoreSchema() {
      const admin = createCassandraClient(config.cassandra);
      try {
        await applyOnlineStoreSchema(admin, config.cassandra);
      } finally {
        await admin.shutdown();
      }
    },
  }, config);
  stores = await createCassandraStores(config.cassandra);
  models = await loadModels(config.pipeline.modelsDir);
  const metrics = createMetrics({ defaultMetrics: false });

  const topology = buildTopology({
    openSource: (options) => createKafkaSource(kafka, { ...options, metrics }),
    openTransactionalWriter: (groupId) => createTransactionalWriter(kafka, { transactionalId: `${groupId}.${run}`, transactionTimeoutMs: config.pipeline.transactionTimeoutMs }),
    writer,
    codec,
    featureStore: stores.features,
    predictionStore: stores.predictions,
    views: featureViews,
    models: models.map(scoringModelOf),
    metrics,
  }, config);
  processors = [topology.processor('features').start(), topology.processor('scoring').start()];

  feed = createPredictionFeed(
    createKafkaSource(kafka, { groupId: `${run}.live`, topics: [config.topics.predictions], fromBeginning: true, maxInFlight: 100, processor: 'live' }),
    codec,
  );
  deps = {
    config: config.edge,
    features: stores.features,
    predictions: stores.predictions,
    idempotency: stores.idempotency,
    ingest: createSmsIngest(writer, codec, config.topics.raw),
    views: featureViews,
    models,
    health: [
      { name: 'kafka', check: () => pingKafka(kafka) },
      { name: 'registry', check: () => registry.ping() },
      { name: 'cassandra', check: () => stores.ping() },
    ],
    feed,
    metrics,
  };
  edge = await startEdge(deps);
});

afterAll(async () => {
  await edge?.close();
  await Promise.all(processors.map((processor) => processor.stop()));
  await feed?.close();
  await writer?.close();
  await stores?.close();
  await Promise.all((models ?? []).map((model) => model.close()));
});

const api = (path: string, init: RequestInit = {}) => fetch(`${edge.address}${path}`, init);
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const postSms = (text: string, headers: Record<string, string> = {}) =>
  postJson('/sms', { senderId: '+447700900123', recipientId: '+447700900456', text }, { 'x-api-key': 'integration-key', ...headers });

/** Polls `path` until it answers 200 and `done` holds of its body. */
async function eventually<T>(path: string, done: (body: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(path);
    if (res.status === 200) {
      const body = (await res.json()) as T;
      if (done(body)) return body;
    } else if (res.status !== 404) {
      throw new Error(`${path}: ${res.status} ${await res.text()}`);
    }
    if (Date.now() > deadline) throw new Error(`${path} did not get there within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The raw topic's record count: the sum of its partitions' end offsets (the topic is this run's own). */
async function rawRecordCount(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(config.topics.raw);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

interface Prediction { modelVersion: string; label: string; spamProbability: number; eventTime: number }

describe('the edge on the real stack', () => {
  it('is ready: Kafka, the registry and Cassandra answer', async () => {
    const res = await api('/ready');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: { name: string; ok: boolean }[] };
    expect(body.checks.map((check) => [check.name, check.ok])).toEqual([['kafka', true], ['registry', true], ['cassandra', true]]);
  });

  it('takes a message onto sms.raw once, streams its predictions, and serves its features and predictions', async () => {
    // Listen first, as a person with the page open would.
    const events = await api('/events');
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let streamed = '';

    const first = await postSms(SPAM, { 'idempotency-key': `${run}-order-1` });
    expect(first.status).toBe(202);
    const { smsId } = (await first.json()) as { smsId: string };
    const retry = await postSms(SPAM, { 'idempotency-key': `${run}-order-1` });
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as { smsId: string }).smsId).toBe(smsId);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await rawRecordCount()).toBe(1);

    const stored = await eventually<{ predictions: Prediction[] }>(`/predictions/${smsId}`, (body) => body.predictions.length === models.length);
    expect(stored.predictions.map((p) => p.modelVersion)).toEqual(models.map((m) => m.card.version));
    for (const prediction of stored.predictions) {
      expect(prediction.label).toBe('spam');
      // The synchronous endpoint runs the processors' code: the same text gets the same probability.
      const sync = (await (await postJson(`/models/${prediction.modelVersion}/predict`, { text: SPAM })).json()) as Prediction;
      expect(Math.abs(sync.spamProbability - prediction.spamProbability)).toBeLessThan(1e-6);
    }

    const features = (await (await api(`/features/${smsId}`)).json()) as { views: { view: string; values: number[]; eventTime: number }[] };
    expect(features.views.map((v) => v.view)).toEqual(['v1', 'v2']);
    expect(features.views.every((v) => v.eventTime === stored.predictions[0]!.eventTime)).toBe(true);
    const computed = (await (await postJson('/models/v3/features', { text: SPAM })).json()) as { views: { view: string; values: number[] }[] };
    expect(features.views.map((v) => v.values)).toEqual(computed.views.map((v) => v.values));

    const only = (await (await api(`/features/${smsId}?views=v2`)).json()) as { views: { view: string }[] };
    expect(only.views.map((v) => v.view)).toEqual(['v2']);
    const query = (await (await postJson('/features/query', { smsIds: [smsId, `${run}-unknown`], views: ['v1'] })).json()) as { results: { smsId: string; found: boolean }[] };
    expect(query.results.map((r) => [r.smsId, r.found])).toEqual([[smsId, true], [`${run}-unknown`, false]]);

    // The live stream carried one prediction per model for the message, from sms.predictions.
    const deadline = Date.now() + 30_000;
    while ((streamed.match(new RegExp(`"smsId":"${smsId}"`, 'g')) ?? []).length < models.length && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      streamed += value;
    }
    await reader.cancel();
    expect((streamed.match(new RegExp(`"smsId":"${smsId}"`, 'g')) ?? []).length).toBe(models.length);
  });

  it('scores a harmless message as ham', async () => {
    const res = await postSms(HAM);
    const { smsId } = (await res.json()) as { smsId: string };
    const stored = await eventually<{ predictions: Prediction[] }>(`/predictions/${smsId}`, (body) => body.predictions.length === models.length);
    expect(stored.predictions.map((p) => p.label)).toEqual(models.map(() => 'ham'));
  });

  it('refuses writes without the API key and bad input, writing nothing', async () => {
    const before = await rawRecordCount();
    expect((await postJson('/sms', { senderId: '+447700900123', recipientId: '+447700900456', text: 'hi' })).status).toBe(401);
    expect((await postSms('')).status).toBe(400);
    const bad = await api('/sms', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'integration-key' }, body: '{"text":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'INVALID_REQUEST' });
    expect(await rawRecordCount()).toBe(before);
  });

  it('reports HTTP latency and the processors in one scrape', async () => {
    const text = await (await api('/metrics')).text();
    expect(text).toMatch(/spamstream_http_request_duration_seconds_count\{method="POST",route="\/sms",status="202"\} [1-9]/);
    expect(text).toMatch(/spamstream_records_processed_total\{processor="features",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/spamstream_inference_seconds_count\{model_version="v1"\} [1-9]/);
  });

  it('is not ready, naming the dependency, when one does not answer', async () => {
    const unreachable = createSchemaRegistryClient({ url: 'http://127.0.0.1:1' });
    const broken = await startEdge({ ...deps, health: [deps.health[0]!, { name: 'registry', check: () => unreachable.ping() }, deps.health[2]!] });
    try {
      const res = await fetch(`${broken.address}/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('NOT_READY');
      expect(body.message).toMatch(/^unreachable: registry \(/);
    } finally {
      await broken.close();
    }
  });
});
