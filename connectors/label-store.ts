// The quality processor's labels: the latest label of each labelled message, by the partition of
// sms.verdicts it belongs to, so a partition's new owner reads back exactly its labels
// (docs/adr/0016-quality-state.md). connectors/cassandra/ implements it, connectors/memory/ fakes it;
// one contract suite (label-store.contract.ts) runs against both.
import type { SpamLabel } from '../core/message-rules.ts';
import type { TopicPartition } from './kafka.ts';

export interface StoredLabel {
  readonly smsId: string;
  readonly label: SpamLabel;
  /** When the user gave it, epoch ms. */
  readonly labelledAt: number;
}

/**
 * Contract:
 * - `putLabels(partition, rows)` is an idempotent upsert per message of the partition: the label
 *   with the latest `labelledAt` wins whatever the order of writes, and at equal times spam wins
 *   over ham (the greater label), so writes in any order, any number of times, end the same.
 * - `labelledAt` is a whole, non-negative number of epoch ms; otherwise it rejects with
 *   SpamstreamError('INVALID_FIELD') before writing any row of the call.
 * - `labelsOf(partition)` gives every message stored under the partition (of its topic: partitions
 *   of different topics never mix) with its winning label, in no particular order; [] for none.
 * - Both reject with SpamstreamError('STORE_UNAVAILABLE') (retriable) when the store does not answer.
 */
export interface LabelStore {
  putLabels(partition: TopicPartition, rows: readonly StoredLabel[]): Promise<void>;
  labelsOf(partition: TopicPartition): Promise<readonly StoredLabel[]>;
}
