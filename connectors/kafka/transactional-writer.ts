// TransactionalWriter over kafkajs transactional producers (contract: connectors/kafka.ts): one
// producer per input partition, transactional id `<prefix>.<topic>.<partition>`, one transaction
// per call — records, then the group's offset of that partition, then commit.
//
// kafkajs does not implement KIP-447: its offset commits inside a transaction carry no group generation, so
// the broker cannot tell a zombie's commit from the owner's. A transactional id per input partition
// restores the fence: the new owner's claim (InitProducerId) bumps the id's epoch, after which
// every request of the old producer is refused, and an open transaction of it is aborted.
import type { Kafka, Producer, Transaction } from 'kafkajs';
import { SpamstreamError } from '../../core/errors.ts';
import type { TopicPartition, TransactionalWriter } from '../kafka.ts';
import { type CompressionOf, uncompressed } from './compression.ts';
import { DEFAULT_MAX_BATCH_BYTES, chunked, produceBatches, produceError, settleWithin } from './produce.ts';
import { javaCompatiblePartitioner } from './partitioner.ts';

export interface TransactionalWriterOptions {
  readonly groupId: string;
  /** Transactional ids are `<prefix>.<topic>.<partition>`: the same for every instance of the group. */
  readonly transactionalIdPrefix: string;
  /** The broker aborts a transaction open longer than this; kafkajs' retries must end well before. */
  readonly transactionTimeoutMs: number;
  readonly maxBatchBytes?: number;
  /** Default: nothing compressed. */
  readonly compressionOf?: CompressionOf;
  /** The group's committed offset of a partition, or undefined if it has none. */
  committedOffset(groupId: string, input: TopicPartition): Promise<string | undefined>;
}

interface Claimed {
  /** Undefined after a failure: the next call claims the partition again before writing. */
  producer?: Producer;
  /** The group's offset of the partition as this writer last knew it committed. */
  committed: string | undefined;
}

export function createTransactionalWriter(kafka: Kafka, options: TransactionalWriterOptions): TransactionalWriter {
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  const compressionOf = options.compressionOf ?? uncompressed;
  const claimed = new Map<string, Claimed>();
  const key = (input: TopicPartition) => `${input.topic}.${input.partition}`;

  const newProducer = (input: TopicPartition): Producer =>
    kafka.producer({
      transactionalId: `${options.transactionalIdPrefix}.${key(input)}`,
      transactionTimeout: options.transactionTimeoutMs,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: javaCompatiblePartitioner,
      // After a commit the broker writes its markers asynchronously, and the next transaction's first
      // request is answered CONCURRENT_TRANSACTIONS until it has: retry within milliseconds, and give
      // up (the producer is then replaced) long before the broker's transaction timeout.
      retry: { initialRetryTime: 5, maxRetryTime: Math.max(50, options.transactionTimeoutMs / 10), retries: 8 },
    });

  /** A new producer for the partition, its transactional id initialised: every older producer of it is fenced. */
  const fence = async (input: TopicPartition): Promise<{ producer: Producer; committed: string | undefined }> => {
    const producer = newProducer(input);
    try {
      await producer.connect();
      // kafkajs initialises the transactional id (InitProducerId, which bumps its epoch) only at
      // the first transaction, not at connect: begin one now, and end it before it holds anything.
      await (await producer.transaction()).abort();
      return { producer, committed: await options.committedOffset(options.groupId, input) };
    } catch (error) {
      await settleWithin(5_000, producer.disconnect());
      throw produceError(error, `claiming ${key(input)}`);
    }
  };

  const retire = async (state: Claimed) => {
    const { producer } = state;
    state.producer = undefined;
    if (producer) await settleWithin(5_000, producer.disconnect());
  };

  /**
   * After a failure: a new producer, and the committed offset read back. It tells what happened —
   * `offset` committed (the failed commit did take effect), still what this writer last committed
   * (nothing took effect: write again), or anything else (another producer committed: REVOKED).
   */
  const recover = async (input: TopicPartition, state: Claimed, offset: string): Promise<'committed' | 'ready'> => {
    await retire(state);
    const fresh = await fence(input);
    if (fresh.committed === offset) {
      state.producer = fresh.producer;
      state.committed = offset;
      return 'committed';
    }
    if (fresh.committed !== state.committed) {
      await settleWithin(5_000, fresh.producer.disconnect());
      claimed.delete(key(input));
      throw new SpamstreamError(
        'REVOKED',
        `${key(input)} was committed to ${fresh.committed} by another producer (this one had ${state.committed})`,
      );
    }
    state.producer = fresh.producer;
    return 'ready';
  };

  return {
    async claim(input) {
      const previous = claimed.get(key(input));
      claimed.delete(key(input));
      if (previous) await retire(previous);
      const { producer, committed } = await fence(input);
      claimed.set(key(input), { producer, committed });
      return committed;
    },

    async sendAndCommit(input, records, offset) {
      const state = claimed.get(key(input));
      if (!state) throw new SpamstreamError('REVOKED', `${key(input)} is not claimed by this instance`);
      // A run that ends at or below the committed offset was written already, by this producer or
      // another: writing it again would duplicate it and move the group's offset backwards.
      if (state.committed !== undefined && BigInt(offset) <= BigInt(state.committed))
        throw new SpamstreamError(
          'REVOKED',
          `${key(input)} is committed to ${state.committed} already: a run ending before ${offset} is not written again`,
        );
      if (!state.producer && (await recover(input, state, offset)) === 'committed') return;
      const producer = state.producer!;
      let transaction: Transaction | undefined;
      let committing = false;
      try {
        transaction = await producer.transaction();
        for (const chunk of chunked(records, maxBatchBytes))
          for (const batch of produceBatches(chunk, compressionOf)) await transaction.sendBatch({ acks: -1, ...batch });
        await transaction.sendOffsets({
          consumerGroupId: options.groupId,
          topics: [{ topic: input.topic, partitions: [{ partition: input.partition, offset }] }],
        });
        committing = true;
        await transaction.commit();
        state.committed = offset;
      } catch (error) {
        if (!committing) await settleWithin(5_000, transaction?.abort() ?? Promise.resolve());
        const failure = produceError(error, `transaction of ${records.length} record(s) for ${key(input)}`);
        if (failure.code === 'REVOKED') {
          claimed.delete(key(input));
          await retire(state);
          throw failure;
        }
        // Whatever state kafkajs' producer is in now (a failed EndTxn leaves it COMMITTING for
        // good), it is not used again.
        await retire(state);
        if (committing) {
          // Did the commit take effect? Only the committed offset can tell.
          const outcome = await recover(input, state, offset).catch((recoveryError: unknown) => {
            if (recoveryError instanceof SpamstreamError && recoveryError.code === 'REVOKED') throw recoveryError;
            return 'unknown' as const; // the next call recovers
          });
          if (outcome === 'committed') return;
        }
        throw failure;
      }
    },

    async close() {
      const states = [...claimed.values()];
      claimed.clear();
      await Promise.all(states.map(retire));
    },
  };
}
