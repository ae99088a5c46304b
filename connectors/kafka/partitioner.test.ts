import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { javaCompatiblePartitioner, murmur2 } from './partitioner.ts';

const partitions = (count: number, leaderless: readonly number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
  }));

describe('murmur2', () => {
  it("returns the Java client's values (Kafka's own test cases)", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });
});

describe('javaCompatiblePartitioner', () => {
  it("puts every key where kafkajs' DefaultPartitioner puts it", () => {
    const ours = javaCompatiblePartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys: (string | Buffer)[] = ['', 'é', 'sms-1', 'smş-ünïcode-🙂', 'x'.repeat(100), 'y'.repeat(300)];
    for (let i = 0; i < 2_000; i++) keys.push(randomBytes(i % 41), `sms-${i}-${randomBytes(i % 9).toString('hex')}`);
    for (const count of [1, 2, 3, 6, 7, 12]) {
      const partitionMetadata = partitions(count);
      for (const key of keys) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        expect(ours(args), `key ${JSON.stringify(key)}, ${count} partitions`).toBe(theirs(args));
      }
    }
  });

  it('keeps a partition the record names', () => {
    const args = { topic: 't', partitionMetadata: partitions(6), message: { key: 'k', value: null, partition: 4 } };
    expect(javaCompatiblePartitioner()(args)).toBe(4);
  });

  it('spreads keyless records over the partitions that have a leader, in turn', () => {
    const partition = javaCompatiblePartitioner();
    const partitionMetadata = partitions(4, [1]);
    const chosen = Array.from({ length: 6 }, () =>
      partition({ topic: 't', partitionMetadata, message: { value: null } }),
    );
    expect(new Set(chosen)).toEqual(new Set([0, 2, 3]));
    expect(chosen[3]).toBe(chosen[0]);
  });
});

// patches/kafkajs+2.2.4.patch rewrites this grouping to push each record once: it copied a
// partition's array for every record, quadratic in the records of a send.
describe("kafkajs' grouping of a send's records (patched)", () => {
  const groupMessagesPerPartition = createRequire(import.meta.url)('kafkajs/src/producer/groupMessagesPerPartition.js');

  it('gives each partition its records in the order they were sent', () => {
    const messages = Array.from({ length: 5_000 }, (_, i) => ({ key: `sms-${i % 97}`, value: String(i) }));
    const partitioner = javaCompatiblePartitioner();
    const partitionMetadata = partitions(6);
    const grouped: Record<string, typeof messages> = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata,
      messages,
      partitioner,
    });
    for (const [partition, records] of Object.entries(grouped)) {
      const expected = messages.filter(
        (m) => partitioner({ topic: 't', partitionMetadata, message: m }) === Number(partition),
      );
      expect(records).toEqual(expected);
    }
    expect(Object.values(grouped).flat()).toHaveLength(messages.length);
  });
});
