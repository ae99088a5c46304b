// The partitioner of both Kafka writers: the Java client's default for keyed records, so a key lands
// on the same partition whichever client wrote it. It gives the partitions kafkajs' DefaultPartitioner
// gives (partitioner.test.ts compares them), but computes murmur2 in 32-bit integer arithmetic, as
// Java does: kafkajs computes it with 64-bit Long objects, a dozen allocations per four bytes of key,
// paid for every record a processor writes (about a tenth of the scoring processor's allocations).
import { randomInt } from 'node:crypto';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 of `data`, as the Java client's `Utils.murmur2` returns it (a signed 32-bit int). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const whole = length & ~3;
  let h = SEED ^ length;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    h = Math.imul(h, M) ^ Math.imul(k, M);
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[whole]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

// Keys are short ids: encode them into one reused buffer instead of a new one per record.
const scratch = Buffer.allocUnsafe(256);
const keyBytes = (key: Buffer | string): Uint8Array => {
  if (typeof key !== 'string') return key;
  if (key.length * 3 <= scratch.length) return scratch.subarray(0, scratch.write(key, 0, 'utf8'));
  return Buffer.from(key, 'utf8');
};

/**
 * A record's partition: the one it names; else murmur2 of its key, made positive, modulo the
 * topic's partition count; else the next partition with a leader, in turn per topic.
 */
export const javaCompatiblePartitioner: ICustomPartitioner = () => {
  const turns = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      return (murmur2(keyBytes(message.key)) & 0x7fffffff) % partitionMetadata.length;
    }
    const turn = (turns.get(topic) ?? randomInt(2 ** 31 - 1)) + 1;
    turns.set(topic, turn);
    const led = partitionMetadata.filter((p) => p.leader >= 0);
    if (led.length === 0) return (turn & 0x7fffffff) % partitionMetadata.length;
    return led[(turn & 0x7fffffff) % led.length]!.partitionId;
  };
};
