// Scenario 5: poison mixed with good messages. Every poison record must reach sms.dlq with its code,
// every good message must be scored, and neither processor may stop.
import type { SmsRaw } from '../schemas/index.ts';
import { type Scenario, withHarness } from './harness.ts';
import { type PoisonRecord, poisonRecords } from './poison-records.ts';

/** Records per request; a large record goes alone (a batch over 1 MiB per partition is refused). */
const CHUNK_RECORDS = 200;
const CHUNK_BYTES = 400_000;

export const poison: Scenario = {
  name: 'poison records',
  run: ({ quick, log }) =>
    withHarness('poison', {}, async (h) => {
      const count = quick ? 1_000 : 10_000;
      const bad = await poisonRecords(h, count);
      const good = await h.load.messages(count);
      // Shuffled together, so poison and good records share partitions and batches.
      const mixed: ({ good: SmsRaw } | { poison: PoisonRecord })[] = [
        ...good.map((g) => ({ good: g })),
        ...bad.map((p) => ({ poison: p })),
      ];
      for (let i = mixed.length - 1; i > 0; i -= 1) {
        const j = Math.floor(Math.random() * (i + 1));
        [mixed[i], mixed[j]] = [mixed[j]!, mixed[i]!];
      }
      const parts = await Promise.all([h.parts.startRunning('features'), h.parts.startRunning('scoring')]);
      log(`  ${bad.length} poison and ${good.length} good records prepared at ${h.elapsed()}`);
      const topic = h.config.topics.raw;
      let chunk: { topic: string; key: string; value: Buffer }[] = [];
      let goods: SmsRaw[] = [];
      let bytes = 0;
      const flush = async () => {
        if (chunk.length === 0) return;
        await h.load.sendRetrying(chunk, 60_000);
        for (const g of goods) h.load.sentIds.push(g.sms_id);
        chunk = [];
        goods = [];
        bytes = 0;
      };
      for (const item of mixed) {
        const record =
          'good' in item
            ? { topic, key: item.good.sms_id, value: await h.load.encode(item.good) }
            : { topic, key: item.poison.key, value: item.poison.value };
        if (bytes + record.value.length > CHUNK_BYTES) await flush();
        chunk.push(record);
        if ('good' in item) goods.push(item.good);
        bytes += record.value.length;
        if (chunk.length >= CHUNK_RECORDS) await flush();
      }
      await flush();
      log(`  produced at ${h.elapsed()}`);
      await h.waitForPredictions();
      log(`  every prediction present at ${h.elapsed()}`);
      const codes = new Map<string, number>();
      for (const p of bad) codes.set(p.code, (codes.get(p.code) ?? 0) + 1);
      h.note(
        `poison sent: ${[...codes].map(([code, n]) => `${n} ${code}`).join(', ')} ` +
          `(${Math.max(1, Math.round(count / 3_000))} bursts of 20 × 300 KB among the TEXT_TOO_LONG)`,
      );
      for (const part of parts)
        h.check(
          part.child.exitCode === null && part.child.signalCode === null,
          `${part.part} stopped during the poison (${part.child.exitCode ?? part.child.signalCode}); log ` +
            `${part.logPath}`,
        );
      await h.parts.stopAll();
      return h.result(poison.name, new Map(bad.map((p) => [p.key, p.code])));
    }),
};
