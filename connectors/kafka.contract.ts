// The RecordSource/RecordWriter contract (connectors/kafka.ts), run against the in-memory Kafka
// (unit) and a real broker (integration). Each test uses fresh topic and group names.
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../core/envelope.ts';
import type { CommitOffset, RecordSource, RecordWriter } from './kafka.ts';

export interface KafkaFixture {
  createTopic(name: string, partitions: number): Promise<void>;
  readonly writer: RecordWriter;
  source(options: {
    groupId: string;
    topics: readonly string[];
    maxInFlight: number;
    closeTimeoutMs?: number;
    endOffsets?: readonly CommitOffset[];
  }): RecordSource;
}

const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const text = (record: Envelope<Buffer | null>) => record.value?.toString('utf8');

/** Reads `count` records, acknowledging those `ack` picks, then closes the source. */
async function consume(
  source: RecordSource,
  count: number,
  ack: (record: Envelope<Buffer | null>) => boolean = () => true,
) {
  const seen = firstValueFrom(source.records.pipe(take(count), toArray()));
  const records = await seen;
  source.acknowledge(records.filter(ack).map((r) => r.origin));
  await source.close();
  return records;
}

export function describeKafkaContract(name: string, makeFixture: () => Promise<KafkaFixture>, timeoutMs = 60_000) {
  describe(`Kafka ports contract: ${name}`, () => {
    it(
      'delivers key, value, headers and timestamp, in order per key',
      async () => {
        const kafka = await makeFixture();
        const topic = unique('contract');
        await kafka.createTopic(topic, 3);
        const sent = Array.from({ length: 20 }, (_, i) => ({
          topic,
          key: `k${i % 4}`,
          value: Buffer.from(`m${i}`),
          headers: { n: String(i) },
          timestamp: 1_700_000_000_000 + i,
        }));
        await kafka.writer.send(sent);
        const records = await consume(kafka.source({ groupId: unique('g'), topics: [topic], maxInFlight: 100 }), 20);
        expect(records.map(text).sort()).toEqual(sent.map((r) => r.value.toString()).sort());
        const first = records.find((r) => text(r) === 'm5')!;
        expect(first).toMatchObject({ key: 'k1', headers: { n: '5' }, timestamp: 1_700_000_000_005 });
        for (const key of ['k0', 'k1', 'k2', 'k3']) {
          const order = records.filter((r) => r.key === key).map((r) => Number(text(r)!.slice(1)));
          expect(order).toEqual([...order].sort((a, b) => a - b));
        }
      },
      timeoutMs,
    );

    it(
      'is joined once it has read from its group, and not after close',
      async () => {
        const kafka = await makeFixture();
        const topic = unique('contract');
        await kafka.createTopic(topic, 1);
        const source = kafka.source({ groupId: unique('g'), topics: [topic], maxInFlight: 10 });
        expect(source.joined()).toBe(false);
        await kafka.writer.send([{ topic, key: 'k', value: Buffer.from('m0') }]);
        const seen: Envelope<Buffer | null>[] = [];
        const subscription = source.records.subscribe((r) => seen.push(r));
        await waitFor(() => seen.length === 1, timeoutMs);
        expect(source.joined()).toBe(true);
        source.acknowledge([seen[0]!.origin]);
        await source.close();
        expect(source.joined()).toBe(false);
        subscription.unsubscribe();
      },
      timeoutMs,
    );

    it(
      'emits no more than maxInFlight unacknowledged records',
      async () => {
        const kafka = await makeFixture();
        const topic = unique('contract');
        await kafka.createTopic(topic, 1);
        await kafka.writer.send(
          Array.from({ length: 9 }, (_, i) => ({ topic, key: 'k', value: Buffer.from(`m${i}`) })),
        );
        const source = kafka.source({ groupId: unique('g'), topics: [topic], maxInFlight: 3 });
        const seen: Envelope<Buffer | null>[] = [];
        const subscription = source.records.subscribe((r) => seen.push(r));
        await waitFor(() => seen.length >= 3, timeoutMs);
        await new Promise((r) => setTimeout(r, 500));
        expect(seen).toHaveLength(3);
        source.acknowledge(seen.map((r) => r.origin));
        await waitFor(() => seen.length >= 6, timeoutMs);
        expect(seen.length).toBeLessThanOrEqual(6);
        source.acknowledge(seen.slice(3).map((r) => r.origin));
        await waitFor(() => seen.length === 9, timeoutMs);
        source.acknowledge(seen.slice(6).map((r) => r.origin));
        await source.close();
        subscription.unsubscribe();
      },
      timeoutMs,
    );

    it(
      'commits only what was acknowledged, up to the first unfinished record',
      async () => {
        const kafka = await makeFixture();
        const topic = unique('contract');
        const groupId = unique('g');
        await kafka.createTopic(topic, 1);
        await kafka.writer.send(
          Array.from({ length: 6 }, (_, i) => ({ topic, key: 'k', value: Buffer.from(`m${i}`) })),
        );
        // m0, m1 finished; m2 not; m3, m4 finished out of order; m5 never read.
        await consume(
          kafka.source({ groupId, topics: [topic], maxInFlight: 5, closeTimeoutMs: 500 }),
          5,
          (r) => text(r) !== 'm2',
        );
        const again = await consume(kafka.source({ groupId, topics: [topic], maxInFlight: 10 }), 4);
        expect(again.map(text)).toEqual(['m2', 'm3', 'm4', 'm5']);
      },
      timeoutMs,
    );

    it(
      'a bounded source emits the records below its end offsets, commits them and completes by itself',
      async () => {
        const kafka = await makeFixture();
        const topic = unique('contract');
        const empty = unique('contract');
        const groupId = unique('g');
        await kafka.createTopic(topic, 1);
        await kafka.createTopic(empty, 1);
        await kafka.writer.send(
          Array.from({ length: 6 }, (_, i) => ({ topic, key: 'k', value: Buffer.from(`m${i}`) })),
        );
        const endOffsets = [
          { topic, partition: 0, offset: '4' },
          { topic: empty, partition: 0, offset: '0' },
        ];
        const readToEnd = async () => {
          const source = kafka.source({ groupId, topics: [topic, empty], maxInFlight: 10, endOffsets });
          const seen: Envelope<Buffer | null>[] = [];
          await new Promise<void>((resolve, reject) =>
            source.records.subscribe({
              next: (record) => {
                seen.push(record);
                void source.acknowledge([record.origin]);
              },
              complete: resolve,
              error: reject,
            }),
          );
          return seen.map(text);
        };
        expect(await readToEnd()).toEqual(['m0', 'm1', 'm2', 'm3']);
        // Run again, it is already at its end: it completes at once, reading nothing.
        expect(await readToEnd()).toEqual([]);
        // Its commits stand: the group goes on from the end offset.
        const rest = await consume(kafka.source({ groupId, topics: [topic], maxInFlight: 10 }), 2);
        expect(rest.map(text)).toEqual(['m4', 'm5']);
      },
      timeoutMs,
    );
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
