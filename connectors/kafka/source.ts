// RecordSource over a kafkajs consumer group (contract: connectors/kafka.ts).
// kafkajs pushes batches; we turn that into a pull with a bound: eachBatch emits a record only
// after reserving an in-flight slot, and returns only once every record it emitted is acknowledged
// and committed. kafkajs starts no new batch for a partition, and finishes no rebalance, while
// eachBatch runs — so revoked partitions are always committed up to what was processed.
import type { Consumer, EachBatchPayload, IHeaders, Kafka } from 'kafkajs';
import { Observable } from 'rxjs';
import { type Envelope, type Origin, envelope } from '../../core/envelope.ts';
import type { Metrics } from '../../core/metrics.ts';
import type { RecordSource } from '../kafka.ts';
import { InFlight } from './in-flight.ts';

export interface KafkaSourceOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** For a group with no committed offset: start at the beginning (true) or the end (false). */
  readonly fromBeginning: boolean;
  readonly maxInFlight: number;
  /** Partitions processed at once by this instance. */
  readonly partitionsConcurrently?: number;
  /** Labels the lag gauge. */
  readonly processor?: string;
  readonly metrics?: Metrics;
  /** How long `close` waits for emitted records to be acknowledged. */
  readonly closeTimeoutMs?: number;
}

const HEARTBEAT_EVERY_MS = 2_000;

export function createKafkaSource(kafka: Kafka, options: KafkaSourceOptions): RecordSource {
  const inFlight = new InFlight(options.maxInFlight);
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    // Room for a slow micro-batch; heartbeats keep flowing while a batch drains.
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
    heartbeatInterval: 3_000,
    maxWaitTimeInMs: 250,
  });
  let closing = false;
  let stopped: Promise<void> | undefined;
  let complete: (() => void) | undefined;

  const commit = async (topic: string, partition: number) => {
    const offset = inFlight.takeCommittable(topic, partition);
    if (offset !== undefined) await consumer.commitOffsets([{ topic, partition, offset }]);
  };

  // Set by close: past it, nobody waits any longer for records that will not be acknowledged.
  let closeDeadline: Promise<void> | undefined;
  const gaveUp = () => closeDeadline?.then(() => true) ?? new Promise<boolean>(() => {});

  const drainAndCommit = async (payload: EachBatchPayload) => {
    const { topic, partition } = payload.batch;
    const drained = inFlight.drained(topic, partition).then(() => true);
    let rebalancing: unknown;
    for (;;) {
      const finished = await Promise.race([drained, gaveUp(), sleep(HEARTBEAT_EVERY_MS).then(() => false)]);
      if (finished) break;
      // A rebalance shows up as a heartbeat error: keep draining (the generation is still valid
      // for commits until we rejoin), commit, and only then let kafkajs rejoin.
      if (!rebalancing) await payload.heartbeat().catch((error: unknown) => (rebalancing = error));
    }
    await commit(topic, partition);
    if (rebalancing) throw rebalancing;
  };

  const records = new Observable<Envelope<Buffer | null>>((subscriber) => {
    complete = () => subscriber.complete();
    const run = async () => {
      await consumer.connect();
      for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 3,
        eachBatch: async (payload) => {
          const { batch } = payload;
          options.metrics?.consumerLag.set({ processor: options.processor ?? options.groupId, topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
          for (const message of batch.messages) {
            if (closing || !payload.isRunning() || payload.isStale()) break;
            await inFlight.reserve();
            const origin: Origin = { topic: batch.topic, partition: batch.partition, offset: message.offset };
            inFlight.emitted(origin);
            payload.resolveOffset(message.offset);
            subscriber.next(envelope({
              key: message.key?.toString('utf8') ?? null,
              value: message.value,
              headers: stringHeaders(message.headers),
              timestamp: Number(message.timestamp),
              origin,
            }));
          }
          // Only when every message was emitted does the batch's end (markers included) count as read.
          if (!closing && payload.isRunning() && !payload.isStale()) inFlight.fetched(batch.topic, batch.partition, batch.lastOffset());
          await drainAndCommit(payload);
        },
      });
    };
    run().catch((error: unknown) => subscriber.error(error));
    return () => {
      void stop();
    };
  });

  const stop = () => (stopped ??= (async () => {
    closing = true;
    closeDeadline = sleep(options.closeTimeoutMs ?? 30_000);
    await Promise.race([Promise.all(inFlight.partitions().map((p) => inFlight.drained(p.topic, p.partition))), closeDeadline]);
    for (const p of inFlight.partitions()) await commit(p.topic, p.partition).catch(() => undefined);
    await consumer.disconnect();
  })());

  return {
    records,
    groupId: options.groupId,
    async acknowledge(origins, commitWith) {
      if (commitWith) return inFlight.finishInTransaction(origins, commitWith);
      inFlight.done(origins);
    },
    close: async () => {
      await stop();
      complete?.();
    },
  };
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
