// Kafka behind two small ports. Processors see only these; connectors/kafka/ implements them with
// kafkajs, connectors/memory/ in memory. One contract suite runs against both.
import type { Observable } from 'rxjs';
import type { Envelope, Origin } from '../core/envelope.ts';

export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Epoch ms; the broker's time when omitted. */
  readonly timestamp?: number;
  /**
   * For a compacted topic where only the newest record of a key matters: a sink may leave out an
   * earlier record of the same topic and key that it writes in the same request (processors/deliver.ts).
   */
  readonly latestOnly?: boolean;
}

/**
 * Contract: `send` resolves when every record is acknowledged by all in-sync replicas; the
 * producer is idempotent, so its own retries never duplicate a record; records with the same key
 * land on the same partition in the order given. It rejects with SpamstreamError('BROKER_UNAVAILABLE')
 * (retriable) when the broker does not answer, and 'BROKER_REJECTED' (not retriable) when it refuses
 * the records themselves (too large, a timestamp out of the broker's bounds); a rejected call may
 * have written some of its records. After a failed call the producer is replaced (a new producer id)
 * before anything else is written, so a broken idempotent sequence never drops later records; a
 * failed first connection is tried again by the next call. Records are sent in requests small
 * enough for the broker's per-batch limit. `close` resolves after pending sends have settled.
 */
export interface RecordWriter {
  send(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** A consumer-group offset: the next record to read from a partition. */
export interface CommitOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * Exactly-once writes for one consumer group: records, and the group's offset of the input partition
 * they were computed from, in one Kafka transaction. Each input partition has its own transactional
 * producer, its id derived from group, topic and partition (Kafka Streams' first exactly-once
 * scheme): whoever claims a partition fences every earlier producer of it, so an instance that was
 * paused or cut off past its session (a zombie) can never commit for a partition it lost.
 * Contract:
 * - `claim(input)` fences earlier producers of the partition (an open transaction of theirs is
 *   aborted; one already committing completes first) and then resolves with the group's committed
 *   offset of it — read after fencing, so no transaction can still move it — or undefined if none.
 * - `sendAndCommit(input, records, offset)` writes the records and commits `offset` for the input
 *   partition in one transaction; a read-committed consumer sees the records exactly when the offset
 *   is committed. On failure it aborts and replaces the producer before anything else is written,
 *   then rejects with BROKER_UNAVAILABLE (retriable: nothing took effect, the same call may be made
 *   again), BROKER_REJECTED (the broker refused a record: nothing took effect) or REVOKED (another
 *   producer committed for the partition since this one claimed it: stop, and read it again). When
 *   the commit request itself fails, the outcome is read back from the committed offset, and the
 *   call resolves if the transaction did commit.
 * - Calls for one partition must not overlap; different partitions may run concurrently.
 * - `close` resolves after every producer disconnected.
 */
export interface TransactionalWriter {
  claim(input: TopicPartition): Promise<string | undefined>;
  sendAndCommit(input: TopicPartition, records: readonly OutgoingRecord[], offset: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A consumer-group subscription as a stream of envelopes (value: the raw bytes, null for a tombstone).
 * Contract:
 * - Backpressure: at most `maxInFlight` records are emitted and not yet acknowledged; the source
 *   fetches no further while that many are open.
 * - `acknowledge(origins)` marks records done. Offsets are committed per partition up to the
 *   highest offset below which every emitted record is done, so a crash replays only unfinished
 *   records (at-least-once), whatever order they finished in.
 * - `acknowledge(origins, commit)` is for a transactional sink: `origins` must be, per partition,
 *   the next unfinished records in emission order (a contiguous run). It hands `commit` the offset
 *   one past each run, to commit with the run's outputs, and marks the records done only once
 *   `commit` resolved; if it rejects, nothing is marked and the rejection is returned. A rejection
 *   with REVOKED (or records of a partition reassigned since they were read) makes the source forget
 *   that partition's open records and read it again from its committed offset.
 * - Before a partition is revoked in a rebalance, the source keeps heartbeating while it waits
 *   (bounded, below the session timeout) for the records it emitted from that partition to be
 *   acknowledged, and commits them: the next owner neither loses nor repeats them. Records still
 *   open at the bound are forgotten: nothing of them is committed, the next owner reads them again.
 * - `close` stops fetching, waits for emitted records to be acknowledged (bounded by a timeout),
 *   commits, leaves the group, and then completes the stream. The stream errors if the consumer
 *   fails in a way it does not recover from by itself.
 * - A bounded source (opened with end offsets, for a replay) emits no record at or past its
 *   partition's end offset, and once every listed partition is committed up to its end it closes
 *   itself as `close` does, completing the stream. Offsets no consumer sees (transaction markers,
 *   aborted records) count as read.
 * - `joined` is false until the consumer first joined its group, and again once `close` began.
 */
export interface RecordSource {
  readonly records: Observable<Envelope<Buffer | null>>;
  readonly groupId: string;
  joined(): boolean;
  acknowledge(origins: readonly Origin[], commit?: (offsets: readonly CommitOffset[]) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
