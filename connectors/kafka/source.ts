// RecordSource over a kafkajs consumer group (contract: connectors/kafka.ts).
// kafkajs pushes batches; we turn that into a pull with a bound: eachBatch emits a record only
// after reserving an in-flight slot, and returns only once every record it emitted is acknowledged
// and committed. kafkajs starts no new batch for a partition, and finishes no rebalance, while
// eachBatch runs — so revoked partitions are committed up to what was processed. While eachBatch
// waits (for a slot, for acknowledgements) it keeps heartbeating, so the session never expires
// under a slow pipeline; once a rebalance is announced it stops emitting and drains, within a bound.
// What a partition is doing (claiming, reading, draining …) and whether the source still runs is
// the pure state machine of partition-lifecycle.ts; this file does the I/O it calls for.
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { Observable } from 'rxjs';
import { type Envelope, type Origin, envelope } from '../../core/envelope.ts';
import { SpamstreamError } from '../../core/errors.ts';
import type { Metrics } from '../../core/metrics.ts';
import type { CommitOffset, RecordSource, TopicPartition } from '../kafka.ts';
import { registerCompressionCodecs } from './compression.ts';
import { InFlight } from './in-flight.ts';
import { type SourceEvent, initialLife, mustClaim, next, released, running } from './partition-lifecycle.ts';
import { settleWithin } from './produce.ts';
import { watchStalls } from './stall-watch.ts';

export interface KafkaSourceOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** For a group with no committed offset: start at the beginning (true) or the end (false). */
  readonly fromBeginning: boolean;
  readonly maxInFlight: number;
  /** Most bytes a fetch brings, in all and per partition (kafkajs: 10 MiB and 1 MiB). */
  readonly fetchMaxBytes?: number;
  /** Partitions processed at once by this instance. */
  readonly partitionsConcurrently?: number;
  /** Labels the lag gauge. */
  readonly processor?: string;
  readonly metrics?: Metrics;
  /** How long `close` waits for emitted records to be acknowledged. */
  readonly closeTimeoutMs?: number;
  /** The consumer's session: without a heartbeat for this long, the group reassigns its partitions. */
  readonly sessionTimeoutMs?: number;
  /**
   * How long a partition being revoked may take to drain; past it, its open records are forgotten
   * (the next owner reads them again). Below the session timeout and the rebalance timeout.
   */
  readonly drainTimeoutMs?: number;
  /**
   * Called before the first record of each new assignment of a partition is emitted: a
   * transactional sink fences the partition's earlier writers here and answers the committed
   * offset, read after fencing. Records below it are skipped.
   */
  readonly claim?: (input: TopicPartition) => Promise<string | undefined>;
  /**
   * Called for each partition this instance held and a rejoin gave to another member: a stateful
   * processor forgets its state of it (the new owner rebuilds it when it claims it).
   */
  readonly release?: (input: TopicPartition) => void;
  /** Lines for an operator's debug log (expected retries, rebalances). */
  readonly debug?: (line: string) => void;
  /** Problems an operator must see: records in flight that stopped finishing. */
  readonly warn?: (line: string) => void;
  /** How long records may be in flight with none finishing before `warn` says so (default 60 s). */
  readonly stallWarningMs?: number;
  /**
   * A bounded source (a replay): per partition, the offset where reading stops. Records at or past
   * it are not emitted, and the stream completes once every listed partition is committed up to it.
   */
  readonly endOffsets?: readonly CommitOffset[];
}

const DEFAULT_SESSION_TIMEOUT_MS = 30_000;

export function createKafkaSource(kafka: Kafka, options: KafkaSourceOptions): RecordSource {
  registerCompressionCodecs(); // batches come compressed however their producer chose
  const inFlight = new InFlight(options.maxInFlight);
  const sessionTimeout = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
  const heartbeatEvery = Math.max(100, Math.floor(sessionTimeout / 10));
  const drainTimeout = options.drainTimeoutMs ?? Math.floor((sessionTimeout * 2) / 3);
  const debug = options.debug ?? (() => {});
  const stalls = watchStalls(inFlight, options);
  const consumer: Consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout,
    rebalanceTimeout: Math.max(60_000, sessionTimeout),
    heartbeatInterval: heartbeatEvery,
    maxWaitTimeInMs: 250,
    ...(options.fetchMaxBytes === undefined
      ? {}
      : { maxBytes: options.fetchMaxBytes, maxBytesPerPartition: options.fetchMaxBytes }),
  });
  let life = initialLife;
  const report = (event: SourceEvent) => {
    life = next(life, event);
  };
  const closing = () => life.mode === 'closing';
  let stopped: Promise<void> | undefined;
  let complete: (() => void) | undefined;
  const tpKey = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;
  // Topic names never hold ':' (Kafka allows letters, digits, '.', '_' and '-').
  const tpOf = (key: string): TopicPartition => {
    const at = key.lastIndexOf(':');
    return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
  };
  const ends = new Map(
    (options.endOffsets ?? []).map((o) => [
      tpKey(o),
      { tp: { topic: o.topic, partition: o.partition }, end: BigInt(o.offset) },
    ]),
  );
  /** Bounded: the group's commits when the run began (partitions this run never commits stay there). */
  const startedAt = new Map<string, bigint>();

  let member = false;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    member = true;
    const before = life;
    const assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => tpKey({ topic, partition })),
    );
    report({ type: 'joined', assigned });
    for (const key of released(before, life)) options.release?.(tpOf(key));
  });

  const commit = async (tp: TopicPartition) => {
    const offset = inFlight.committable(tp);
    if (offset === undefined) return;
    await consumer.commitOffsets([{ ...tp, offset }]);
    inFlight.committed(tp, offset);
  };

  /** Waits for `work` while heartbeating; a heartbeat refused because of a rebalance is remembered, not thrown. */
  const heartbeating = async <T>(
    payload: EachBatchPayload,
    work: Promise<T>,
    rebalance: { error?: unknown },
  ): Promise<T> => {
    const settled = work.then((value) => ({ value }));
    for (;;) {
      const result = await Promise.race([settled, sleep(heartbeatEvery)]);
      if (result) return result.value;
      // Heartbeats during a rebalance still keep the session alive: keep sending them.
      await payload.heartbeat().catch((error: unknown) => {
        if (!rebalance.error)
          debug(`${options.groupId}: heartbeat answered ${(error as Error).message}; draining before rejoining`);
        rebalance.error ??= error;
      });
    }
  };

  /** A new assignment of the partition: fence its earlier writers, learn where it really stands. */
  const claim = async (
    payload: EachBatchPayload,
    tp: TopicPartition,
    rebalance: { error?: unknown },
  ): Promise<bigint | undefined> => {
    let committed: string | undefined;
    if (options.claim) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          committed = await heartbeating(payload, options.claim(tp), rebalance);
          break;
        } catch (error) {
          if (!(error instanceof SpamstreamError) || !error.retriable || rebalance.error || closing()) throw error;
          debug(`${options.groupId}: claiming ${tpKey(tp)} failed (${error.message}); trying again`);
          await heartbeating(payload, sleep(Math.min(100 * 2 ** attempt, 5_000)), rebalance);
        }
      }
    }
    inFlight.assign(tp, committed);
    report({ type: 'claimed', partition: tpKey(tp) });
    return committed === undefined ? undefined : BigInt(committed);
  };

  const drainAndCommit = async (payload: EachBatchPayload, tp: TopicPartition, rebalance: { error?: unknown }) => {
    report({ type: 'drain', partition: tpKey(tp) });
    const drained = inFlight.drained(tp).then(() => true);
    // Unbounded while all is well; bounded once the partition may be leaving this instance.
    let deadline: Promise<boolean> | undefined;
    for (;;) {
      if (!deadline && (rebalance.error || closing()))
        deadline = sleep(closing() ? (options.closeTimeoutMs ?? 30_000) : drainTimeout).then(() => false);
      const finished = await heartbeating(
        payload,
        Promise.race([drained, ...(deadline ? [deadline] : []), sleep(heartbeatEvery).then(() => undefined)]),
        rebalance,
      );
      if (finished === true) break;
      if (finished === false) {
        debug(
          `${options.groupId}: ${tpKey(tp)} did not drain in time; its ${inFlight.count} open record(s) are left to the next owner`,
        );
        inFlight.forget(tp);
        report({ type: 'drain-timed-out', partition: tpKey(tp) });
        return;
      }
    }
    const committed = await commit(tp).then(
      () => true,
      (error: unknown) => {
        // Not committed: the records are read again (by the next owner, or after the rejoin).
        debug(`${options.groupId}: commit of ${tpKey(tp)} failed: ${(error as Error).message}`);
        if (!rebalance.error) throw error;
        return false;
      },
    );
    if (committed) report({ type: 'committed', partition: tpKey(tp) });
  };

  /** Bounded: once every partition is committed up to its end, the source closes and completes. */
  const checkEnd = () => {
    if (!options.endOffsets || !running(life)) return;
    for (const [k, { tp, end }] of ends) {
      const position = inFlight.committedOffset(tp) ?? startedAt.get(k);
      if (end > 0n && (position === undefined || position < end)) return;
    }
    report({ type: 'finishing' });
    void stop().then(
      () => complete?.(),
      () => complete?.(),
    );
  };

  /**
   * A fetch holding only transaction markers or aborted records never reaches eachBatch, so
   * nothing would commit past them: a bounded source whose end lies behind such offsets would
   * never finish. With nothing open on the partition, the commit moves past them here.
   */
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const bound = ends.get(tpKey(payload));
    if (!bound || payload.batchSize !== 0 || closing()) return;
    const tp = bound.tp;
    const last = BigInt(payload.lastOffset);
    if (last < 0n || inFlight.firstOpen(tp) !== undefined) return;
    inFlight.fetched(tp, String(last < bound.end ? last : bound.end - 1n));
    commit(tp).then(checkEnd, (error: unknown) =>
      debug(`${options.groupId}: commit of ${tpKey(tp)} failed: ${(error as Error).message}`),
    );
  });

  const records = new Observable<Envelope<Buffer | null>>((subscriber) => {
    complete = () => subscriber.complete();
    // A crash kafkajs restarts (a broker gone for a while) is chatter; one it does not is the end.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) debug(`${options.groupId}: consumer restarting after ${payload.error.message}`);
      else if (!closing())
        subscriber.error(
          new SpamstreamError(
            'BROKER_UNAVAILABLE',
            `consumer group ${options.groupId} stopped: ${payload.error.message}`,
            { cause: payload.error },
          ),
        );
    });
    const emit = (message: KafkaMessage, origin: Origin) =>
      subscriber.next(
        envelope({
          key: message.key?.toString('utf8') ?? null,
          value: message.value,
          headers: stringHeaders(message.headers),
          timestamp: Number(message.timestamp),
          origin,
        }),
      );
    const run = async () => {
      if (options.endOffsets) {
        for (const [tp, offset] of await groupOffsets(kafka, options.groupId, options.topics))
          startedAt.set(tp, offset);
      }
      await consumer.connect();
      for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
      checkEnd();
      if (!running(life)) return;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 3,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const tp = { topic: batch.topic, partition: batch.partition };
          const rebalance: { error?: unknown } = {};
          const live = () => running(life) && !rebalance.error && payload.isRunning() && !payload.isStale();
          options.metrics?.consumerLag.set(
            { processor: options.processor ?? options.groupId, topic: tp.topic, partition: String(tp.partition) },
            Number(batch.offsetLag()),
          );

          const first = batch.firstOffset();
          report({ type: 'batch', partition: tpKey(tp) });
          if (mustClaim(life, tpKey(tp))) {
            const committed = await claim(payload, tp, rebalance);
            if (committed !== undefined && first !== null && BigInt(first) > committed) {
              // kafkajs read from further on than the partition is committed: go back.
              consumer.seek({ ...tp, offset: committed.toString() });
              return;
            }
          }
          // What is committed is never emitted again, in this batch or any later one: after a hand-back
          // kafkajs reads on from where this instance was, which may lie far below what another owner
          // committed since. (Not a seek: a batch often starts at a transaction marker just below.)
          const skipBelow = inFlight.committedOffset(tp);
          const generation = inFlight.generation(tp);
          const end = ends.get(tpKey(tp))?.end;
          let lastRead = BigInt(batch.lastOffset());
          for (const message of batch.messages) {
            if (!live()) break;
            if (end !== undefined && BigInt(message.offset) >= end) {
              // Bounded and at the end: everything below it was fetched; read no further here.
              lastRead = end - 1n;
              payload.pause();
              break;
            }
            if (skipBelow !== undefined && BigInt(message.offset) < skipBelow) {
              payload.resolveOffset(message.offset);
              continue;
            }
            let reserved = inFlight.tryReserve();
            while (!reserved && live()) {
              await heartbeating(payload, inFlight.room(), rebalance);
              reserved = inFlight.tryReserve();
            }
            if (!reserved) break;
            // Stopping, rebalancing, or handed back meanwhile (a failed transaction): emit no more.
            if (!live() || inFlight.generation(tp) !== generation) {
              inFlight.unreserve();
              break;
            }
            const origin = inFlight.emitted({ ...tp, offset: message.offset });
            payload.resolveOffset(message.offset);
            emit(message, origin);
          }
          // Only when every message was emitted does the batch's end (markers included) count as read.
          if (end !== undefined && lastRead >= end) lastRead = end - 1n;
          if (live() && inFlight.generation(tp) === generation && lastRead >= 0n)
            inFlight.fetched(tp, lastRead.toString());
          await drainAndCommit(payload, tp, rebalance);
          if (rebalance.error) throw rebalance.error;
          checkEnd();
        },
      });
    };
    run().catch((error: unknown) => subscriber.error(error));
    return () => {
      void stop();
    };
  });

  const stop = () =>
    (stopped ??= (async () => {
      report({ type: 'closing' });
      stalls.stop();
      const deadline = sleep(options.closeTimeoutMs ?? 30_000);
      await Promise.race([Promise.all(inFlight.partitions().map((tp) => inFlight.drained(tp))), deadline]);
      for (const tp of inFlight.partitions()) await commit(tp).catch(() => undefined);
      // Everything is committed by now. A consumer kafkajs restarted by itself (its broker came back)
      // can keep disconnect() waiting for good on a connection it is still opening.
      await settleWithin(5_000, consumer.disconnect());
    })());

  /** After a failed transaction: forget the partition's open records and read it again from its commit. */
  const handBack = (origins: readonly Origin[]) => {
    for (const origin of origins) {
      const tp = { topic: origin.topic, partition: origin.partition };
      if (inFlight.generation(tp) !== origin.generation) continue; // handed back already
      const first = inFlight.firstOpen(tp) ?? origin.offset;
      inFlight.forget(tp);
      report({ type: 'handed-back', partition: tpKey(tp) });
      consumer.seek({ ...tp, offset: first });
    }
  };

  return {
    records,
    groupId: options.groupId,
    joined: () => member && !closing(),
    async acknowledge(origins, commitWith) {
      if (!commitWith) {
        inFlight.done(origins);
        stalls.progressed();
        return;
      }
      try {
        await inFlight.finishInTransaction(origins, commitWith);
        stalls.progressed();
        checkEnd();
      } catch (error) {
        if (error instanceof SpamstreamError && error.code === 'REVOKED') handBack(origins);
        throw error;
      }
    },
    close: async () => {
      await stop();
      complete?.();
    },
  };
}

/** A consumer group's committed offsets (`topic:partition` → offset); partitions without one are left out. */
async function groupOffsets(kafka: Kafka, groupId: string, topics: readonly string[]): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const found = await admin.fetchOffsets({ groupId, topics: [...topics] });
    return new Map(
      found.flatMap(({ topic, partitions }) =>
        partitions
          .filter((p) => Number(p.offset) >= 0)
          .map((p) => [`${topic}:${p.partition}`, BigInt(p.offset)] as const),
      ),
    );
  } finally {
    await admin.disconnect();
  }
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

const sleep = (ms: number) => new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());
