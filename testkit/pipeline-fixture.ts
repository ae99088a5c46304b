// An isolated pipeline on the real stack: its own topics, consumer groups and message ids, so
// integration tests can run again and again against a long-lived stack.
import { type Config, loadConfig } from '../config/config.ts';
import type { OutgoingRecord } from '../connectors/kafka.ts';
import { readSmsCsv } from '../features/sms-csv.ts';
import type { FeatureStore } from '../connectors/online-store.ts';
import { type Messaging, applyPorts, connectMessaging, connectStores, topologyPorts } from '../runtime/wiring.ts';
import { buildTopology } from '../topology/build.ts';
import type { SmsRaw } from '../schemas/index.ts';
import { applyTopology } from '../topology/apply.ts';
import { valueSubject } from '../topology/topics.ts';
import { type ReadOptions, type ReadRecord, readTopic } from './read-topic.ts';
import { dropRun } from './drop-run.ts';
import { DATA_CSV } from './data-set.ts';

export interface PipelineFixture {
  readonly config: Config;
  readonly messaging: Messaging;
  readonly run: string;
  produceRaw(messages: readonly SmsRaw[]): Promise<void>;
  produceBytes(records: readonly { key: string; value: Buffer }[]): Promise<void>;
  /** Every record of a topic, read to its end (and on until `options.until` holds). */
  readTopic<T>(topic: string, options?: ReadOptions<T>): Promise<ReadRecord<T>[]>;
  close(): Promise<void>;
}

/** The environment of a pipeline with topics and consumer groups of its own, named after `run`. */
export function isolatedEnv(run: string): Record<string, string | undefined> {
  return {
    ...process.env,
    SPAMSTREAM_TOPIC_RAW: `${run}.sms.raw`,
    SPAMSTREAM_TOPIC_FEATURES: `${run}.sms.features`,
    SPAMSTREAM_TOPIC_PREDICTIONS: `${run}.sms.predictions`,
    SPAMSTREAM_TOPIC_LABELS: `${run}.sms.labels`,
    SPAMSTREAM_TOPIC_VERDICTS: `${run}.sms.verdicts`,
    SPAMSTREAM_TOPIC_QUALITY: `${run}.sms.quality`,
    SPAMSTREAM_TOPIC_DLQ: `${run}.sms.dlq`,
    SPAMSTREAM_TOPIC_REPLAYS: `${run}.sms.replays`,
    SPAMSTREAM_GROUP_PREFIX: run,
    SPAMSTREAM_TOPIC_CDC: `${run}.sms.cdc.inbox`,
    // A connector, slot and table per run cost PostgreSQL and Connect: only CDC tests ask (cdcEnv).
    SPAMSTREAM_CDC: 'off',
  };
}

/** `isolatedEnv` with CDC on: a connector, replication slot and PostgreSQL schema of the run's own. */
export function cdcEnv(run: string): Record<string, string | undefined> {
  const id = run.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return {
    ...isolatedEnv(run),
    SPAMSTREAM_CDC: 'on',
    SPAMSTREAM_CDC_SCHEMA: id,
    SPAMSTREAM_CDC_CONNECTOR: `${run}-inbox`,
    SPAMSTREAM_CDC_SLOT: id,
  };
}

export async function pipelineFixture(
  overrides: Record<string, string> = {},
  options: { cdc?: boolean } = {},
): Promise<PipelineFixture> {
  const run = `it${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const config = loadConfig({
    ...(options.cdc ? cdcEnv(run) : isolatedEnv(run)),
    SPAMSTREAM_TOPIC_PARTITIONS: '4',
    SPAMSTREAM_EDGE_PORT: '0',
    ...overrides,
  });
  const messaging = connectMessaging(config);
  await applyTopology(applyPorts(config, messaging), config);
  const send = (records: OutgoingRecord[]) => messaging.writer.send(records);
  return {
    config,
    messaging,
    run,
    async produceRaw(messages) {
      const subject = valueSubject(config.topics.raw);
      const records = await Promise.all(
        messages.map(async (raw) => ({
          topic: config.topics.raw,
          key: raw.sms_id,
          value: await messaging.codec.encode(subject, raw),
        })),
      );
      for (let i = 0; i < records.length; i += 500) await send(records.slice(i, i + 500));
    },
    produceBytes: (records) => send(records.map((r) => ({ topic: config.topics.raw, ...r }))),
    readTopic: (topic, options) => readTopic(messaging, topic, { brokers: config.kafka.brokers, ...options }),
    async close() {
      await messaging.close();
      await dropRun(config.kafka, run);
    },
  };
}

/** A plain message `<run>-<n>` (a fixed time, a harmless text unless given), for tests that count ids. */
export const plainMessage = (run: string, n: number | string, text = `hello number ${n}, see you at six`): SmsRaw => ({
  sms_id: `${run}-${n}`,
  sender: '+447700900000',
  recipient: '+447700900001',
  text,
  received_at: 1_700_000_000_000,
  source: 'test',
});

/** The first `count` labelled messages of the shared data set, under ids unique to this run. */
export async function labelledMessages(run: string, count: number): Promise<(SmsRaw & { label: string })[]> {
  const out: (SmsRaw & { label: string })[] = [];
  for await (const row of readSmsCsv(DATA_CSV, { requireLabel: true, maxTextBytes: 4096, onProblem: () => {} })) {
    out.push({
      sms_id: `${run}-${row.smsId}`,
      sender: '+447700900000',
      recipient: '+447700900001',
      text: row.text,
      received_at: Date.now(),
      source: 'test',
      label: row.label!,
    });
    if (out.length === count) break;
  }
  return out;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One instance of the topology's features processor over the fixture's real connections, the
 * production wiring (runtime/wiring.ts), with its feature store wrapped where a test needs a slow
 * or failing write.
 */
export async function featuresInstance(
  fixture: PipelineFixture,
  wrap: (store: FeatureStore) => FeatureStore = (store) => store,
) {
  const stores = await connectStores(fixture.config);
  const ports = topologyPorts(
    fixture.config,
    fixture.messaging,
    { features: wrap(stores.features), predictions: stores.predictions, labels: stores.labels },
    [],
  );
  const running = buildTopology(ports, fixture.config).processor('features').start();
  return {
    running,
    async stop() {
      await running.stop();
      await stores.close();
    },
  };
}
