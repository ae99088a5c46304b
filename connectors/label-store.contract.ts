// The label store contract (see label-store.ts) as one vitest suite, run against the in-memory fake
// (unit) and real Cassandra (integration). Every test uses a topic of its own, so the suite can run
// against a long-lived keyspace that keeps rows from earlier runs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelStore, StoredLabel } from './label-store.ts';

export interface LabelStoreUnderTest {
  readonly labels: LabelStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const partitionOf = () => ({ topic: `contract.${randomUUID()}`, partition: 3 });
const sorted = (rows: readonly StoredLabel[]) => [...rows].sort((a, b) => a.smsId.localeCompare(b.smsId));

export function describeLabelStoreContract(name: string, make: () => Promise<LabelStoreUnderTest>): void {
  describe(`label store contract: ${name}`, () => {
    let store: LabelStoreUnderTest;
    beforeAll(async () => {
      store = await make();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('reads back every label of the partition, and nothing for another partition or topic', async () => {
      const p = partitionOf();
      const rows: StoredLabel[] = [
        { smsId: 'a', label: 'spam', labelledAt: T0 },
        { smsId: 'b', label: 'ham', labelledAt: T0 + 1 },
      ];
      await store.labels.putLabels(p, rows);
      expect(sorted(await store.labels.labelsOf(p))).toEqual(rows);
      expect(await store.labels.labelsOf({ ...p, partition: 4 })).toEqual([]);
      expect(await store.labels.labelsOf({ ...p, topic: `${p.topic}-other` })).toEqual([]);
    });

    it('keeps the label given last whatever the order of writes; the same write again changes nothing', async () => {
      const p = partitionOf();
      const later = { smsId: 'm', label: 'ham' as const, labelledAt: T0 + 10 };
      const earlier = { smsId: 'm', label: 'spam' as const, labelledAt: T0 };
      await store.labels.putLabels(p, [later]);
      await store.labels.putLabels(p, [earlier]);
      await store.labels.putLabels(p, [later]);
      expect(await store.labels.labelsOf(p)).toEqual([later]);
      const other = partitionOf();
      await store.labels.putLabels(other, [earlier, later]);
      expect(await store.labels.labelsOf(other)).toEqual([later]);
    });

    it('at equal times keeps spam, in either order', async () => {
      for (const order of [
        ['ham', 'spam'],
        ['spam', 'ham'],
      ] as const) {
        const p = partitionOf();
        for (const label of order) await store.labels.putLabels(p, [{ smsId: 'tie', label, labelledAt: T0 }]);
        expect(await store.labels.labelsOf(p)).toEqual([{ smsId: 'tie', label: 'spam', labelledAt: T0 }]);
      }
    });

    it('refuses a time that is not whole epoch milliseconds, writing nothing of the call', async () => {
      const p = partitionOf();
      for (const labelledAt of [-1, 1.5, Number.NaN]) {
        await expect(
          store.labels.putLabels(p, [
            { smsId: 'fine', label: 'spam', labelledAt: T0 },
            { smsId: 'bad', label: 'spam', labelledAt },
          ]),
        ).rejects.toMatchObject({ code: 'INVALID_FIELD' });
      }
      expect(await store.labels.labelsOf(p)).toEqual([]);
    });
  });
}
