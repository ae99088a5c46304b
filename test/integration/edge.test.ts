// The HTTP edge on the real stack, wired as production wires it: runtime/pipeline.ts `startParts`
// runs both processors with the committed ONNX models and the edge on Kafka, the schema registry
// and Cassandra; a message posted to /sms comes back through /features, /predictions and the live
// event stream. Topics and consumer groups are unique to this run (testkit/pipeline-fixture.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { availableModels } from '../../connectors/model-runtime.ts';
import { createKafkaClient } from '../../connectors/kafka/client.ts';
import { createSchemaRegistryClient } from '../../connectors/registry/schema-registry.ts';
import { startEdge } from '../../edge/server.ts';
import { edgeHealthChecks } from '../../runtime/edge-wiring.ts';
import { testDeps } from '../../testkit/edge-fakes.ts';
import { connectStores } from '../../runtime/wiring.ts';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import { type PipelineFixture, isolatedEnv, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { ConfigError, loadConfig } from '../../config/config.ts';

const SPAM =
  'WINNER!! You have been selected to receive a £900 cash prize. To claim call 09061701461 now. Valid 12hrs only';
const HAM = 'Are we still on for dinner at 7? I can pick up the bread on the way';

let fixture: PipelineFixture;
let pipeline: RunningPipeline;
let kafka: Kafka;
let address: string;
let run: string;
const models = availableModels('models');

/**
 * Production's live feed reads sms.predictions from "now" in a group of its own (`<prefix>.live.<uuid>`).
 * Until that group has its partitions, "now" is not fixed yet; so wait for it before producing.
 */
async function liveGroupAssigned(timeoutMs = 60_000): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(`${run}.live.`));
      if (ids.length > 0) {
        const { groups } = await admin.describeGroups(ids);
        const stable = groups.find((g) => g.state === 'Stable' && g.members.some((m) => m.memberAssignment.length > 0));
        if (stable) return stable.groupId;
      }
      if (Date.now() > deadline) throw new Error(`no live group of ${run} got its partitions within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  fixture = await pipelineFixture({
    SPAMSTREAM_TOPIC_PARTITIONS: '2',
    SPAMSTREAM_EDGE_HOST: '127.0.0.1',
    SPAMSTREAM_API_KEY: 'integration-key',
    SPAMSTREAM_EDGE_LOG_LEVEL: 'silent',
  });
  run = fixture.run;
  kafka = createKafkaClient(fixture.config.kafka, '-edge-it');
  pipeline = await startParts(fixture.config, ['features', 'scoring', 'edge'], () => {});
  address = pipeline.edge!.address;
  await liveGroupAssigned();
});

afterAll(async () => {
  await pipeline?.stop();
  await fixture?.close();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${address}${path}`, init);
const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const postSms = (text: string, headers: Record<string, string> = {}) =>
  postJson(
    '/sms',
    { senderId: '+447700900123', recipientId: '+447700900456', text },
    { 'x-api-key': 'integration-key', ...headers },
  );

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
  const ends = await fixture.messaging.endOffsets(fixture.config.topics.raw);
  return [...ends.values()].reduce((sum, end) => sum + Number(end), 0);
}

interface Prediction {
  modelVersion: string;
  label: string;
  spamProbability: number;
  eventTime: number;
}

describe('the edge on the real stack', () => {
  it('is ready: Kafka, the registry and Cassandra answer', async () => {
    const res = await api('/ready');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { checks: { name: string; ok: boolean }[] };
    expect(body.checks.map((check) => [check.name, check.ok])).toEqual([
      ['kafka', true],
      ['registry', true],
      ['cassandra', true],
    ]);
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

    const stored = await eventually<{ verdict: Prediction; predictions: Prediction[] }>(
      `/predictions/${smsId}`,
      (body) => body.predictions.length === models.length,
    );
    expect(stored.predictions.map((p) => p.modelVersion)).toEqual(models);
    // No SPAMSTREAM_CHAMPION: the answer is the version with the best card F1 of those committed, v3.
    expect(stored.verdict).toEqual(stored.predictions.find((p) => p.modelVersion === 'v3'));
    expect(((await (await api('/models')).json()) as { champion: string }).champion).toBe('v3');
    for (const prediction of stored.predictions) {
      expect(prediction.label).toBe('spam');
      // The synchronous endpoint runs the processors' code: the same text gets the same probability.
      const sync = (await (
        await postJson(`/models/${prediction.modelVersion}/predict`, { text: SPAM })
      ).json()) as Prediction;
      expect(Math.abs(sync.spamProbability - prediction.spamProbability)).toBeLessThan(1e-6);
    }

    const features = (await (await api(`/features/${smsId}`)).json()) as {
      views: { view: string; values: number[]; eventTime: number }[];
    };
    expect(features.views.map((v) => v.view)).toEqual(['v1', 'v2']);
    expect(features.views.every((v) => v.eventTime === stored.predictions[0]!.eventTime)).toBe(true);
    const computed = (await (await postJson('/models/v3/features', { text: SPAM })).json()) as {
      views: { view: string; values: number[] }[];
    };
    expect(features.views.map((v) => v.values)).toEqual(computed.views.map((v) => v.values));

    const only = (await (await api(`/features/${smsId}?views=v2`)).json()) as { views: { view: string }[] };
    expect(only.views.map((v) => v.view)).toEqual(['v2']);
    const query = (await (
      await postJson('/features/query', { smsIds: [smsId, `${run}-unknown`], views: ['v1'] })
    ).json()) as { results: { smsId: string; found: boolean }[] };
    expect(query.results.map((r) => [r.smsId, r.found])).toEqual([
      [smsId, true],
      [`${run}-unknown`, false],
    ]);

    // The live stream carried one prediction per model for the message, from sms.predictions.
    const deadline = Date.now() + 30_000;
    while (
      (streamed.match(new RegExp(`"smsId":"${smsId}"`, 'g')) ?? []).length < models.length &&
      Date.now() < deadline
    ) {
      const { value, done } = await reader.read();
      if (done) break;
      streamed += value;
    }
    await reader.cancel();
    expect((streamed.match(new RegExp(`"smsId":"${smsId}"`, 'g')) ?? []).length).toBe(models.length);
    // With the start of its text, which the live feed read from sms.raw (predictions carry none).
    expect(streamed).toContain(`"smsId":"${smsId}","model"`);
    expect(streamed).toContain(`"text":${JSON.stringify(SPAM.slice(0, 40)).slice(0, -1)}`);
  });

  it('scores a harmless message as ham', async () => {
    const res = await postSms(HAM);
    const { smsId } = (await res.json()) as { smsId: string };
    const stored = await eventually<{ predictions: Prediction[] }>(
      `/predictions/${smsId}`,
      (body) => body.predictions.length === models.length,
    );
    expect(stored.predictions.map((p) => p.label)).toEqual(models.map(() => 'ham'));
  });

  it('refuses writes without the API key and bad input, writing nothing', async () => {
    const before = await rawRecordCount();
    expect(
      (await postJson('/sms', { senderId: '+447700900123', recipientId: '+447700900456', text: 'hi' })).status,
    ).toBe(401);
    expect((await postSms('')).status).toBe(400);
    const bad = await api('/sms', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'integration-key' },
      body: '{"text":',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'INVALID_REQUEST' });
    expect(await rawRecordCount()).toBe(before);
  });

  it('reports HTTP latency and the processors in one scrape', async () => {
    const text = await (await api('/metrics')).text();
    expect(text).toMatch(
      /spamstream_http_request_duration_seconds_count\{method="POST",route="\/sms",status="202"\} [1-9]/,
    );
    expect(text).toMatch(/spamstream_records_processed_total\{processor="features",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/spamstream_inference_seconds_count\{model_version="v1"\} [1-9]/);
  });

  it('does not start with a champion that is not among the models it scores', async () => {
    const config = loadConfig({ ...isolatedEnv(run), SPAMSTREAM_CHAMPION: 'v9', SPAMSTREAM_EDGE_PORT: '0' });
    const error = await startParts(config, ['scoring'], () => {}).then(
      () => new Error('started'),
      (reason: unknown) => reason as Error,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/SPAMSTREAM_CHAMPION=v9: no such model is scored \(loaded: v1, v2, v3;/);
  });

  it('is not ready, naming the dependency, when one does not answer', async () => {
    // Production's checks against the real servers, except a registry nobody listens for.
    const stores = await connectStores(fixture.config);
    const unreachable = createSchemaRegistryClient({ url: 'http://127.0.0.1:1' });
    const broken = await startEdge(
      testDeps({
        config: { port: 0, logLevel: 'silent' },
        health: edgeHealthChecks(fixture.config, { ...fixture.messaging, registry: unreachable }, stores),
      }),
    );
    try {
      const res = await fetch(`${broken.address}/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('NOT_READY');
      expect(body.message).toMatch(/^unreachable: registry \(/);
    } finally {
      await broken.close();
      await stores.close();
    }
  });
});
