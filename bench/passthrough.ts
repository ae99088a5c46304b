// The Kafka ceiling: kafkajs alone moving N records from one topic to another with no work —
// consume a batch, produce it, commit — either plainly (idempotent producer, then commit offsets)
// or in one transaction per batch (outputs + offsets), as the exactly-once pipeline does.
import { type Kafka, type Producer, logLevel, Kafka as KafkaClient } from 'kafkajs';
import type { Config } from '../config/config.ts';
import { dropRunAfterResult } from '../testkit/drop-run.ts';

export interface PassThrough {
  readonly messages: number;
  readonly plainMsgsPerSecond: number;
  readonly transactionalMsgsPerSecond: number;
}

async function createTopics(kafka: Kafka, topics: readonly string[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const specs = topics.map((topic) => ({ topic, numPartitions: partitions }));
    await admin.createTopics({ topics: specs, waitForLeaders: true });
    // KRaft metadata may lag createTopics: wait until every partition has a leader.
    for (let tries = 0; tries < 50; tries += 1) {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (meta.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

async function pass(
  kafka: Kafka,
  input: string,
  output: string,
  messages: number,
  transactional: boolean,
  timeoutMs: number,
): Promise<number> {
  // Named after the output topic, so the run's dropRun deletes the group with the topics.
  const groupId = `${output}.group`;
  const producer: Producer = transactional
    ? kafka.producer({ transactionalId: groupId, idempotent: true, maxInFlightRequests: 1 })
    : kafka.producer({ idempotent: true });
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 1 << 20 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: input, fromBeginning: true });
  let moved = 0;
  let first = 0;
  let done: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    autoCommit: !transactional,
    // One transaction at a time per transactional producer.
    partitionsConsumedConcurrently: transactional ? 1 : 6,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      if (first === 0) first = performance.now();
      const records = batch.messages.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp }));
      const last = batch.messages.at(-1)!.offset;
      if (transactional) {
        const tx = await producer.transaction();
        await tx.send({ topic: output, messages: records });
        const offset = (BigInt(last) + 1n).toString();
        await tx.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
        });
        await tx.commit();
      } else {
        await producer.send({ topic: output, acks: -1, messages: records });
      }
      resolveOffset(last);
      await heartbeat();
      moved += records.length;
      if (moved >= messages) done();
    },
  });
  const timer = setTimeout(() => done(), timeoutMs);
  await finished;
  clearTimeout(timer);
  const seconds = (performance.now() - first) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return moved >= messages ? Math.round(moved / seconds) : Number.NaN;
}

/** `sample` is one record value (the pipeline's Avro bytes, say); N copies are produced first. */
export async function passThrough(
  config: Config,
  sample: Buffer,
  options: { messages: number; timeoutMs?: number },
): Promise<PassThrough> {
  const brokers = [...config.kafka.brokers];
  const kafka = new KafkaClient({ clientId: 'spamstream-bench', brokers, logLevel: logLevel.NOTHING });
  const run = `pass${Date.now().toString(36)}`;
  const [input, plainOut, txOut] = [`${run}.in`, `${run}.out`, `${run}.txout`];
  await createTopics(kafka, [input, plainOut, txOut, `${run}.warm`], 6);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  for (let sent = 0; sent < options.messages; sent += 5_000) {
    const count = Math.min(5_000, options.messages - sent);
    const records = Array.from({ length: count }, (_, i) => ({ key: `m${sent + i}`, value: sample }));
    await producer.send({ topic: input, acks: -1, messages: records });
  }
  await producer.disconnect();
  const timeout = options.timeoutMs ?? 120_000;
  // Warm-up (JIT, connections, page cache), so the first measured mode is not the one paying for it.
  await pass(kafka, input, `${run}.warm`, Math.ceil(options.messages / 3), false, timeout);
  const plain = await pass(kafka, input, plainOut, options.messages, false, timeout);
  const transactional = await pass(kafka, input, txOut, options.messages, true, timeout);
  await dropRunAfterResult(config.kafka, run);
  return { messages: options.messages, plainMsgsPerSecond: plain, transactionalMsgsPerSecond: transactional };
}
