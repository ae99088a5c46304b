// What live quality costs, on the real stack (isolated topics), alone:
//   node --expose-gc bench/quality.ts [--messages 6000] [--labels 2000] [--restore-labels 20000]
// 1. A backlog: N messages' predictions (3 versions) and L labels written to the run's topics (and
//    the predictions to the online store, as scoring writes them); then the verdicts and quality
//    processors in this process: how long until every input is committed, in records a second.
// 2. Restore: R labels stored for one partition; how long a new instance takes to rebuild it.
// 3. Memory: the heap a partition's state holds per labelled message with three predictions.
// 4. What the rejected design would pay per claim: a kafkajs consumer in a fresh group joining and
//    reading a one-partition topic (kafkajs cannot read a partition without a group).
// docs/adr/0016-quality-state.md holds the figures of a run.
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../config/config.ts';
import { createCassandraStores } from '../connectors/cassandra/store.ts';
import type { OutgoingRecord } from '../connectors/kafka.ts';
import type { StoredPrediction } from '../connectors/online-store.ts';
import { PartitionTally, mergeLabelled } from '../processors/quality-state.ts';
import { qualityProcessor } from '../processors/quality.ts';
import { startParts } from '../runtime/pipeline.ts';
import { applyPorts, connectMessaging } from '../runtime/wiring.ts';
import type { SmsLabel, SmsPrediction } from '../schemas/index.ts';
import { applyTopology } from '../topology/apply.ts';
import { valueSubject } from '../topology/topics.ts';
import { dropRun } from '../testkit/drop-run.ts';
import { isolatedEnv } from '../testkit/pipeline-fixture.ts';
import { dropKafkajsTimerWarnings } from '../runtime/warnings.ts';
import { sleep } from './support.ts';

dropKafkajsTimerWarnings();
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '6000' },
    labels: { type: 'string', default: '2000' },
    'restore-labels': { type: 'string', default: '20000' },
  },
});
const MESSAGES = Number(args.messages);
const LABELS = Number(args.labels);
const RESTORE_LABELS = Number(args['restore-labels']);
const VERSIONS = ['v1', 'v2', 'v3'];

const run = `benchq${Date.now().toString(36)}`;
const config = loadConfig({ ...isolatedEnv(run), SPAMSTREAM_TOPIC_PARTITIONS: '6' });
const messaging = connectMessaging(config);
await applyTopology(applyPorts(config, messaging), config);
const stores = await createCassandraStores(config.cassandra);
const t0 = Date.UTC(2026, 0, 1);

const prediction = (i: number, version: string): SmsPrediction => {
  const spam = (i * 7919 + version.charCodeAt(1)) % 10 < 2 ? 0.9 : 0.1;
  return {
    sms_id: `${run}-${i}`,
    model: `m-${version}`,
    model_version: version,
    feature_view: 'v1',
    label: spam > 0.5 ? 'spam' : 'ham',
    spam_probability: spam,
    labels: ['ham', 'spam'],
    scores: [1 - spam, spam],
    threshold: 0.5,
    event_time: t0 + i,
    scored_at: t0 + i + 50,
  };
};
const stored = (p: SmsPrediction): StoredPrediction => ({
  smsId: p.sms_id,
  model: p.model,
  modelVersion: p.model_version,
  featureView: p.feature_view,
  label: p.label,
  spamProbability: p.spam_probability,
  labels: p.labels,
  scores: p.scores,
  threshold: p.threshold,
  eventTime: p.event_time,
  scoredAt: p.scored_at,
});

async function send<T>(topic: string, values: readonly T[], key: (value: T) => string): Promise<void> {
  for (let i = 0; i < values.length; i += 1000) {
    const records: OutgoingRecord[] = await Promise.all(
      values.slice(i, i + 1000).map(async (value) => ({
        topic,
        key: key(value),
        value: await messaging.codec.encode(valueSubject(topic), value),
      })),
    );
    await messaging.writer.send(records);
  }
}

/** Waits until the group has committed every partition of `topic` up to its end; the seconds it took from `since`. */
async function caughtUp(group: string, topic: string, since: number): Promise<number> {
  const ends = await messaging.endOffsets(topic);
  for (;;) {
    const committed = await messaging.committedOffsets(group, topic);
    if ([...ends].every(([p, end]) => (committed.get(p) ?? 0n) >= end)) return (Date.now() - since) / 1000;
    await sleep(100);
  }
}

try {
  // 1. The backlog.
  const predictions = Array.from({ length: MESSAGES }, (_, i) => VERSIONS.map((v) => prediction(i, v))).flat();
  for (let i = 0; i < predictions.length; i += 500)
    await stores.predictions.putPredictions(predictions.slice(i, i + 500).map(stored));
  await send(config.topics.predictions, predictions, (p) => p.sms_id);
  const labels: SmsLabel[] = Array.from({ length: LABELS }, (_, i) => ({
    sms_id: `${run}-${(i * 3) % MESSAGES}`,
    label: i % 5 === 0 ? 'spam' : 'ham',
    labelled_at: t0 + 10_000_000 + i,
    source: 'bench',
  }));
  await send(config.topics.labels, labels, (l) => l.sms_id);
  const started = Date.now();
  const pipeline = await startParts(config, ['verdicts', 'quality'], () => {});
  const prefix = config.pipeline.consumerGroupPrefix;
  const verdictsSeconds = Math.max(
    await caughtUp(`${prefix}.verdicts`, config.topics.predictions, started),
    await caughtUp(`${prefix}.verdicts`, config.topics.labels, started),
  );
  const qualitySeconds = await caughtUp(`${prefix}.quality`, config.topics.verdicts, started);
  await pipeline.stop();
  const inputs = predictions.length + labels.length;
  console.log(
    `backlog: ${predictions.length} predictions + ${labels.length} labels; verdicts caught up in ${verdictsSeconds.toFixed(1)} s ` +
      `(${Math.round(inputs / verdictsSeconds)} records/s), quality in ${qualitySeconds.toFixed(1)} s from the same start ` +
      `(${Math.round(inputs / qualitySeconds)} records/s end to end)`,
  );

  // 2. Restore of one partition holding RESTORE_LABELS labels.
  const partition = { topic: `${run}.restore`, partition: 0 };
  const restoreIds = Array.from({ length: RESTORE_LABELS }, (_, i) => `${run}-${i % MESSAGES}-r${i}`);
  for (let i = 0; i < restoreIds.length; i += 500) {
    const ids = restoreIds.slice(i, i + 500);
    await stores.labels.putLabels(
      partition,
      ids.map((smsId, j) => ({ smsId, label: j % 2 ? 'spam' : 'ham', labelledAt: t0 + j })),
    );
    await stores.predictions.putPredictions(
      ids.flatMap((smsId, j) => VERSIONS.map((v) => stored({ ...prediction(i + j, v), sms_id: smsId }))),
    );
  }
  const processor = qualityProcessor(
    { codec: messaging.codec, labels: stores.labels, predictions: stores.predictions },
    {
      qualityTopic: config.topics.quality,
      partitions: 1,
      windowMs: config.quality.windowMs,
      bucketMs: config.quality.bucketMs,
      policy: { backoffMs: 100 },
    },
  );
  const restoreStarted = performance.now();
  await processor.restore(partition);
  const restoreSeconds = (performance.now() - restoreStarted) / 1000;
  console.log(
    `restore: ${RESTORE_LABELS} labels of one partition, with 3 stored predictions each, in ${restoreSeconds.toFixed(1)} s ` +
      `(${Math.round(RESTORE_LABELS / restoreSeconds)} labels/s)`,
  );

  // 3. Memory per labelled message.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const tally = new PartitionTally(60_000);
    for (let i = 0; i < 100_000; i += 1)
      tally.set(
        `sms-${i.toString(16).padStart(8, '0')}-${run}`,
        mergeLabelled(
          undefined,
          { label: i % 2 ? 'spam' : 'ham', labelledAt: t0 + i * 1000 },
          VERSIONS.map((v) => [v, { label: i % 3 ? 'ham' : 'spam', eventTime: t0 + i, scoredAt: t0 + i + 5 }] as const),
        ),
      );
    gc();
    const bytes = (process.memoryUsage().heapUsed - before) / 100_000;
    console.log(
      `memory: ${Math.round(bytes)} bytes of heap per labelled message with 3 predictions (100,000 messages; ${tally.labelled} kept)`,
    );
  } else console.log('memory: not measured (run with node --expose-gc)');

  // 4. A fresh consumer group joining and reading one partition, as a changelog restore with kafkajs would.
  const kafka = new Kafka({
    clientId: 'bench-quality',
    brokers: [...config.kafka.brokers],
    logLevel: logLevel.NOTHING,
  });
  const joins: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const consumer = kafka.consumer({ groupId: `${run}.join.${i}`, maxWaitTimeInMs: 100 });
    const joinStarted = performance.now();
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.quality, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachMessage: async () => {} });
    await joined;
    joins.push(performance.now() - joinStarted);
    await consumer.disconnect();
  }
  joins.sort((a, b) => a - b);
  console.log(
    `group join: a kafkajs consumer in a fresh group joined in ${joins.map((ms) => Math.round(ms)).join(', ')} ms ` +
      '(this broker: group.initial.rebalance.delay.ms=0; the broker default, 3000, adds 3 s to each)',
  );
} finally {
  await stores.close();
  await messaging.close();
  await dropRun(config.kafka, run);
}
