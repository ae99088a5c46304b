// What exactly-once costs the broker, by the way transactions are cut — kafkajs against a client
// that speaks KIP-447. The pipeline commits one transaction per input partition with input (a
// transactional id per partition is its zombie fence: kafkajs 2.2.4 sends TxnOffsetCommit v0-v1,
// without the group's generation). @platformatic/kafka sends the generation (TxnOffsetCommit v4),
// so one producer may commit everything a fetch brought, across partitions, in one transaction.
// Both pass records through with no work: the same input (6 partitions), fresh topics per run,
// variants alternating round after round. Figures: the broker's CPU per message (from /proc),
// send → commit latency at a fixed rate, and a backlog's rate.
//   node bench/transactions.ts [--rounds 3] [--rate 200] [--seconds 20] [--backlog 20000]
import { parseArgs } from 'node:util';
import { Consumer, type Message, Producer } from '@platformatic/kafka';
import { type Kafka, Kafka as KafkaJs, logLevel } from 'kafkajs';
import { type Config, loadConfig } from '../config/config.ts';
import { dropRunAfterResult } from '../testkit/drop-run.ts';
import { cpuMs, localServerPid, percentile, sleep } from './support.ts';

const PARTITIONS = 6;
// A transaction that starts right after a commit is answered CONCURRENT_TRANSACTIONS until the broker
// has written the last one's markers: both clients retry within milliseconds, as the pipeline's
// writer does (their defaults wait 300 ms and 1 s).
const RETRY_KAFKAJS = { initialRetryTime: 5, maxRetryTime: 1_000, retries: 8 };
const RETRY_PLATFORMATIC = { retryDelay: 5, retries: 8 };
const VALUE_BYTES = 200;

interface Figures {
  readonly backlogMsgsPerS: number;
  readonly brokerUsPerMsgBacklog: number;
  readonly brokerUsPerMsgSteady: number;
  readonly transactionsPerMsgSteady: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A pass-through: started on `input`, it calls `committed(sentAt[])` after each transaction commits. */
type Variant = (names: Names, committed: (sentAt: readonly number[]) => void) => Promise<() => Promise<void>>;

interface Names {
  readonly run: string;
  readonly input: string;
  readonly output: string;
  readonly brokers: readonly string[];
}

const sentAtOf = (value: Buffer | null | undefined) => (value ? value.readDoubleBE(0) : Number.NaN);

/** The pipeline's way: per input partition, its own transactional producer and a transaction per batch. */
const perPartition: Variant = async (names, committed) => {
  const kafka = new KafkaJs({ clientId: names.run, brokers: [...names.brokers], logLevel: logLevel.NOTHING });
  const producers = new Map<number, ReturnType<Kafka['producer']>>();
  const producerOf = async (partition: number) => {
    let producer = producers.get(partition);
    if (!producer) {
      producer = kafka.producer({
        transactionalId: `${names.run}.tx.${partition}`,
        idempotent: true,
        maxInFlightRequests: 1,
        retry: RETRY_KAFKAJS,
      });
      producers.set(partition, producer);
      await producer.connect();
    }
    return producer;
  };
  const groupId = `${names.run}.group`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: names.input, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch, resolveOffset }) => {
      if (batch.messages.length === 0) return;
      const tx = await (await producerOf(batch.partition)).transaction();
      await tx.send({
        topic: names.output,
        messages: batch.messages.map((m) => ({ key: m.key, value: m.value })),
      });
      const offset = (BigInt(batch.messages.at(-1)!.offset) + 1n).toString();
      await tx.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
      });
      await tx.commit();
      resolveOffset(batch.messages.at(-1)!.offset);
      committed(batch.messages.map((m) => sentAtOf(m.value)));
    },
  });
  return async () => {
    await consumer.disconnect();
    for (const producer of producers.values()) await producer.disconnect();
  };
};

/** KIP-447: one producer; what arrived while the last transaction ran goes in the next, across partitions. */
const perFetch: Variant = async (names, committed) => {
  const base = { clientId: names.run, bootstrapBrokers: [...names.brokers] };
  const consumer = new Consumer({ ...base, groupId: `${names.run}.group`, maxWaitTime: 500 });
  const producer = new Producer({
    ...base,
    transactionalId: `${names.run}.tx`,
    idempotent: true,
    ...RETRY_PLATFORMATIC,
  });
  const stream = await consumer.consume({ topics: [names.input], autocommit: false, mode: 'earliest' });
  const waiting: Message[] = [];
  let wake: (() => void) | undefined;
  let running = true;
  stream.on('data', (message: Message) => {
    waiting.push(message);
    wake?.();
  });
  const loop = (async () => {
    while (running) {
      if (waiting.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const batch = waiting.splice(0);
      const tx = await producer.beginTransaction();
      await tx.addConsumer(consumer);
      await tx.send({ messages: batch.map((m) => ({ topic: names.output, key: m.key, value: m.value })) });
      const last = new Map<number, Message>();
      for (const message of batch) last.set(message.partition, message);
      for (const message of last.values()) await tx.addOffset(message);
      await tx.commit();
      committed(batch.map((m) => sentAtOf(m.value)));
    }
  })();
  return async () => {
    running = false;
    wake?.();
    await loop;
    await stream.close();
    await consumer.close();
    await producer.close();
  };
};

async function measure(
  variant: Variant,
  name: string,
  options: { rate: number; seconds: number; backlog: number; brokerPid: number; kafka: Config['kafka'] },
): Promise<Figures> {
  const run = `txbench${Date.now().toString(36)}${name}`;
  const names = { run, input: `${run}.in`, output: `${run}.out`, brokers: options.kafka.brokers };
  const kafka = new KafkaJs({ clientId: run, brokers: [...options.kafka.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [names.input, names.output].map((topic) => ({ topic, numPartitions: PARTITIONS })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  let sent = 0;
  const send = async (count: number) => {
    const messages = Array.from({ length: count }, () => {
      const value = Buffer.alloc(VALUE_BYTES);
      value.writeDoubleBE(Date.now(), 0);
      return { key: `m${sent++}`, value };
    });
    for (let i = 0; i < messages.length; i += 5_000)
      await producer.send({ topic: names.input, acks: -1, messages: messages.slice(i, i + 5_000) });
  };

  let done = 0;
  let transactions = 0;
  let latencies: number[] | undefined;
  let firstCommit = 0;
  const stop = await variant(names, (sentAt) => {
    const now = Date.now();
    if (firstCommit === 0) firstCommit = now;
    done += sentAt.length;
    transactions++;
    if (latencies) for (const t of sentAt) latencies.push(now - t);
  });
  const until = async (count: number) => {
    const deadline = Date.now() + 300_000;
    while (done < count) {
      if (Date.now() > deadline) throw new Error(`${name}: ${done} of ${count} messages after 300 s`);
      await sleep(20);
    }
  };
  try {
    // Warm-up (group join, connections, JIT), then the backlog, then the fixed rate.
    await send(500);
    await until(500);
    const cpuBacklog = cpuMs(options.brokerPid);
    // From the first record sent: the pass-through starts on the backlog while it is being written.
    const started = Date.now();
    await send(options.backlog);
    await until(500 + options.backlog);
    const backlogS = (Date.now() - started) / 1000;
    const backlogCpu = cpuMs(options.brokerPid) - cpuBacklog;

    latencies = [];
    const [doneBefore, transactionsBefore, cpuSteady] = [done, transactions, cpuMs(options.brokerPid)];
    const total = options.rate * options.seconds;
    const t0 = Date.now();
    for (let due = 0; due < total; ) {
      const next = Math.min(total, Math.floor(((Date.now() - t0) * options.rate) / 1000));
      if (next > due) await send(next - due);
      due = next;
      await sleep(10);
    }
    await until(doneBefore + total);
    const steadyCpu = cpuMs(options.brokerPid) - cpuSteady;
    latencies.sort((a, b) => a - b);
    return {
      backlogMsgsPerS: Math.round(options.backlog / backlogS),
      brokerUsPerMsgBacklog: Math.round((backlogCpu * 1000) / options.backlog),
      brokerUsPerMsgSteady: Math.round((steadyCpu * 1000) / total),
      transactionsPerMsgSteady: Number(((transactions - transactionsBefore) / total).toFixed(2)),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
    };
  } finally {
    await stop();
    await producer.disconnect();
    await dropRunAfterResult(options.kafka, run);
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      rate: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '20' },
      backlog: { type: 'string', default: '20000' },
    },
  });
  const config = loadConfig();
  const brokerPid = localServerPid(config, 'kafka');
  if (brokerPid === undefined)
    throw new Error('no Kafka of the local stack runs here: start it with `npx spamstream stack up`');
  const options = {
    rate: Number(values.rate),
    seconds: Number(values.seconds),
    backlog: Number(values.backlog),
    brokerPid,
    kafka: config.kafka,
  };
  const variants: [string, Variant][] = [
    ['kafkajs, a transaction per input partition', perPartition],
    ['@platformatic/kafka, a transaction per fetch (KIP-447)', perFetch],
  ];
  console.log(
    `${options.backlog}-message backlog, then ${options.rate} msg/s for ${options.seconds} s; ${PARTITIONS} partitions`,
  );
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const [label, variant] of variants) {
      const f = await measure(variant, label.startsWith('kafkajs') ? 'a' : 'b', options);
      console.log(
        `round ${round} · ${label}: backlog ${f.backlogMsgsPerS} msg/s, broker ${f.brokerUsPerMsgBacklog} µs/msg · ` +
          `at ${options.rate} msg/s: broker ${f.brokerUsPerMsgSteady} µs/msg, ${f.transactionsPerMsgSteady} transactions/msg, ` +
          `send → commit p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms`,
      );
    }
  }
  process.exit(0);
}
