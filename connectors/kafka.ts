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
}

/**
 * Contract: `send` resolves when every record is acknowledged by all in-sync replicas; the
 * producer is idempotent, so its own retries never duplicate a record; records with the same key
 * land on the same partition in the order given. It rejects with SpamstreamError('BROKER_UNAVAILABLE')
 * (retriable) when the broker does not answer, and 'BROKER_REJECTED' (not retriable) when it refuses
 * the records themselves (too large, a timestamp out of the broker's bounds); a rejected call may
 * have written some of its records. `close` resolves after pending sends have settled.
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

/**
 * Writes records and commits a consumer group's offsets in one Kafka transaction: a read-committed
 * consumer sees the records exactly when the offsets are committed. Contract: `sendAndCommit`
 * resolves once the transaction committed; on any failure the transaction is aborted (neither the
 * records nor the offsets take effect) and it rejects with BROKER_UNAVAILABLE (retriable: the same
 * call may be made again) or BROKER_REJECTED. Calls must not overlap. `close` resolves after the
 * producer disconnected.
 */
export interface TransactionalWriter {
  sendAndCommit(records: readonly OutgoingRecord[], groupId: string, offsets: readonly CommitOffset[]): Promise<void>;
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
 * - `acknowledge(origins, commit)` hands those offsets to `commit` instead (a transactional sink
 *   commits them with its records) and marks the records done only once `commit` resolved; if it
 *   rejects, nothing is marked and the rejection is returned. `groupId` names the group to commit for.
 * - Before a partition is revoked in a rebalance, the source waits for the records it emitted from
 *   that partition to be acknowledged and commits them: the next owner neither loses nor repeats them.
 * - `close` stops fetching, waits for emitted records to be acknowledged (bounded by a timeout),
 *   commits, leaves the group, and then completes the stream.
 */
export interface RecordSource {
  readonly records: Observable<Envelope<Buffer | null>>;
  readonly groupId: string;
  acknowledge(origins: readonly Origin[], commit?: (offsets: readonly CommitOffset[]) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}
