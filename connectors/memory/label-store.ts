// The label store in memory, for unit tests: the Cassandra store's rules (label-store.ts), the latest
// label given wins and at equal times the greater label.
import { laterLabel } from '../../core/message-rules.ts';
import type { LabelStore, StoredLabel } from '../label-store.ts';
import { writeTimestampMicros } from '../cassandra/rows.ts';

export function createMemoryLabelStore(): LabelStore {
  const partitions = new Map<string, Map<string, StoredLabel>>();
  const keyOf = (p: { topic: string; partition: number }) => `${p.topic}:${p.partition}`;
  return {
    async putLabels(partition, rows) {
      for (const row of rows) writeTimestampMicros(row.labelledAt); // refuses a bad time before writing any
      let labels = partitions.get(keyOf(partition));
      if (!labels) partitions.set(keyOf(partition), (labels = new Map()));
      for (const row of rows) {
        const known = labels.get(row.smsId);
        if (!known || laterLabel(known, row) === row) labels.set(row.smsId, { ...row });
      }
    },
    async labelsOf(partition) {
      return [...(partitions.get(keyOf(partition))?.values() ?? [])];
    },
  };
}
