import { describe, expect, it } from 'vitest';
import { busiest, coordinatorPartition, javaHashCode } from './cluster-nodes.ts';

describe('where Kafka keeps a group or a transactional id', () => {
  it("hashes as Java's String.hashCode, overflowing as an int", () => {
    expect(javaHashCode('')).toBe(0);
    expect(javaHashCode('hello')).toBe(99162322);
    expect(javaHashCode('hello world')).toBe(1794106052);
    expect(javaHashCode('polygenelubricants')).toBe(-2147483648);
  });

  it("takes the partition from the hash's absolute value, 0 for the one int without one", () => {
    expect(coordinatorPartition('hello', 50)).toBe(99162322 % 50);
    // Checked against Kafka 4.1's own answer (kafka-consumer-groups --describe --state): partition 8.
    expect(javaHashCode('spamstream.features')).toBeLessThan(0);
    expect(coordinatorPartition('spamstream.features', 50)).toBe(8);
    expect(coordinatorPartition('polygenelubricants', 50)).toBe(0);
  });

  it('names the broker counted most, the lowest id on a tie', () => {
    expect(
      busiest(
        new Map([
          [1, 2],
          [2, 5],
          [3, 5],
        ]),
      ),
    ).toBe(2);
    expect(busiest(new Map([[3, 1]]))).toBe(3);
  });
});
