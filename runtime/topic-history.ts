// Reads a topic's history, from its oldest record to the end it has when the read starts, in a
// consumer group of its own deleted afterwards: what a training job reads of sms.labels and
// sms.features. Records come in order within each partition; what was read is told back per
// partition (the first offset read and the end), for the model card to name.
import { randomUUID } from 'node:crypto';
import { concatMap } from 'rxjs';
import type { Config } from '../config/config.ts';
import type { Envelope } from '../core/envelope.ts';
import type { Messaging } from './wiring.ts';

export interface PartitionRead {
  readonly partition: number;
  /** The first offset read (the oldest kept); equal to `to` when the partition had nothing. */
  readonly from: string;
  /** The end when the read started: offsets below it were read. */
  readonly to: string;
}

export interface HistoryRead {
  readonly topic: string;
  readonly partitions: readonly PartitionRead[];
  readonly records: number;
}

export async function readHistory(
  config: Pick<Config, 'pipeline'>,
  messaging: Pick<Messaging, 'endOffsets' | 'openSource' | 'deleteGroup'>,
  topic: string,
  onRecord: (record: Envelope<Buffer | null>) => void | Promise<void>,
): Promise<HistoryRead> {
  const ends = await messaging.endOffsets(topic);
  const groupId = `${config.pipeline.consumerGroupPrefix}.history.${randomUUID()}`;
  const first = new Map<number, bigint>();
  let records = 0;
  const source = messaging.openSource({
    groupId,
    topics: [topic],
    fromBeginning: true,
    maxInFlight: 1_000,
    partitionsConcurrently: Math.max(1, ends.size),
    processor: 'history',
    endOffsets: [...ends].map(([partition, end]) => ({ topic, partition, offset: end.toString() })),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      source.records
        .pipe(
          concatMap(async (record) => {
            const offset = BigInt(record.origin.offset);
            const seen = first.get(record.origin.partition);
            if (seen === undefined || offset < seen) first.set(record.origin.partition, offset);
            await onRecord(record);
            records++;
            source.acknowledge([record.origin]);
          }),
        )
        .subscribe({ complete: resolve, error: reject });
    });
  } finally {
    await source.close();
    await messaging.deleteGroup(groupId);
  }
  const partitions = [...ends]
    .sort(([a], [b]) => a - b)
    .map(([partition, end]) => ({ partition, from: (first.get(partition) ?? end).toString(), to: end.toString() }));
  return { topic, partitions, records };
}
