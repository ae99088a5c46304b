// The TransactionalWriter contract (connectors/kafka.ts), run against the in-memory Kafka (unit) and
// a real broker (integration), so a unit test that passes with the fake would pass with the broker.
// A broker that stops answering (BROKER_UNAVAILABLE, a commit whose answer is lost) cannot be made
// to happen in memory: test/integration/broker-faults.test.ts covers those on the real one.
import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, TopicPartition, TransactionalWriter } from './kafka.ts';

export interface TransactionalWriterFixture {
  createTopic(name: string, partitions: number): Promise<void>;
  /** A new writer (a new instance of the group, as after a restart or on another machine). */
  openWriter(groupId: string): TransactionalWriter;
  /** The keys a read-committed consumer sees in the topic, in offset order per partition. */
  committedKeys(topic: string): Promise<string[]>;
  /** The group's committed offset of the partition, undefined when it has none. */
  committedOffset(groupId: string, input: TopicPartition): Promise<string | undefined>;
  /** The largest record value the broker accepts. */
  readonly maxRecordBytes: number;
  /** Starts every topic and group name the suite makes, so the fixture can delete them afterwards. */
  readonly namePrefix?: string;
}

export function describeTransactionalWriterContract(
  name: string,
  makeFixture: () => Promise<TransactionalWriterFixture>,
  timeoutMs = 60_000,
) {
  describe(`TransactionalWriter contract: ${name}`, () => {
    /** A group, an input partition and an output topic of the test's own. */
    async function setUp(fixture: TransactionalWriterFixture) {
      const unique = (what: string) =>
        `${fixture.namePrefix ?? ''}${what}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
      const [inputTopic, output] = [unique('in'), unique('out')];
      await fixture.createTopic(inputTopic, 2);
      await fixture.createTopic(output, 1);
      const record = (key: string, bytes = 8): OutgoingRecord => ({
        topic: output,
        key,
        value: Buffer.alloc(bytes, key),
      });
      return { groupId: unique('group'), input: { topic: inputTopic, partition: 0 }, output, record };
    }

    it(
      'claim answers the committed offset, undefined before any; a commit makes records and offset visible together',
      async () => {
        const fixture = await makeFixture();
        const { groupId, input, output, record } = await setUp(fixture);
        const writer = fixture.openWriter(groupId);
        try {
          expect(await writer.claim(input)).toBeUndefined();
          await writer.sendAndCommit(input, [record('a'), record('b')], '2');
          expect(await fixture.committedKeys(output)).toEqual(['a', 'b']);
          expect(await fixture.committedOffset(groupId, input)).toBe('2');
        } finally {
          await writer.close();
        }
        const restarted = fixture.openWriter(groupId);
        try {
          expect(await restarted.claim(input)).toBe('2');
          await restarted.sendAndCommit(input, [record('c')], '3');
          expect(await fixture.committedKeys(output)).toEqual(['a', 'b', 'c']);
        } finally {
          await restarted.close();
        }
      },
      timeoutMs,
    );

    it(
      'a second claim fences the first writer: its call is REVOKED and writes nothing, the new owner goes on',
      async () => {
        const fixture = await makeFixture();
        const { groupId, input, output, record } = await setUp(fixture);
        const zombie = fixture.openWriter(groupId);
        const owner = fixture.openWriter(groupId);
        try {
          await zombie.claim(input);
          await zombie.sendAndCommit(input, [record('before')], '1');
          expect(await owner.claim(input)).toBe('1');
          await expect(zombie.sendAndCommit(input, [record('zombie')], '2')).rejects.toMatchObject({
            code: 'REVOKED',
          });
          // Revoked stays revoked: the zombie does not come back by trying again.
          await expect(zombie.sendAndCommit(input, [record('zombie-again')], '2')).rejects.toMatchObject({
            code: 'REVOKED',
          });
          await owner.sendAndCommit(input, [record('owner')], '2');
          expect(await fixture.committedKeys(output)).toEqual(['before', 'owner']);
          expect(await fixture.committedOffset(groupId, input)).toBe('2');
        } finally {
          await Promise.all([zombie.close(), owner.close()]);
        }
      },
      timeoutMs,
    );

    it(
      'fencing is per input partition: a claim of one leaves the other partition with its writer',
      async () => {
        const fixture = await makeFixture();
        const { groupId, input, output, record } = await setUp(fixture);
        const other = { topic: input.topic, partition: 1 };
        const first = fixture.openWriter(groupId);
        const second = fixture.openWriter(groupId);
        try {
          await first.claim(input);
          await first.claim(other);
          await second.claim(other);
          await first.sendAndCommit(input, [record('p0')], '1');
          await expect(first.sendAndCommit(other, [record('p1')], '1')).rejects.toMatchObject({ code: 'REVOKED' });
          expect(await fixture.committedKeys(output)).toEqual(['p0']);
        } finally {
          await Promise.all([first.close(), second.close()]);
        }
      },
      timeoutMs,
    );

    it(
      'refuses, as REVOKED, a partition this writer never claimed, and a run ending at or below the committed offset',
      async () => {
        const fixture = await makeFixture();
        const { groupId, input, output, record } = await setUp(fixture);
        const writer = fixture.openWriter(groupId);
        try {
          await expect(writer.sendAndCommit(input, [record('unclaimed')], '1')).rejects.toMatchObject({
            code: 'REVOKED',
          });
          await writer.claim(input);
          await writer.sendAndCommit(input, [record('first')], '5');
          for (const offset of ['5', '3']) {
            await expect(writer.sendAndCommit(input, [record(`again-${offset}`)], offset)).rejects.toMatchObject({
              code: 'REVOKED',
            });
          }
          expect(await fixture.committedKeys(output)).toEqual(['first']);
          expect(await fixture.committedOffset(groupId, input)).toBe('5');
        } finally {
          await writer.close();
        }
      },
      timeoutMs,
    );

    it(
      'all or nothing: a record the broker refuses fails the call as BROKER_REJECTED, its other records and offset unwritten',
      async () => {
        const fixture = await makeFixture();
        const { groupId, input, output, record } = await setUp(fixture);
        const writer = fixture.openWriter(groupId);
        try {
          await writer.claim(input);
          const tooLarge = record('too-large', fixture.maxRecordBytes + 1024);
          await expect(writer.sendAndCommit(input, [record('fine'), tooLarge], '1')).rejects.toMatchObject({
            code: 'BROKER_REJECTED',
          });
          expect(await fixture.committedKeys(output)).toEqual([]);
          expect(await fixture.committedOffset(groupId, input)).toBeUndefined();
          // The writer is still the partition's: the same run without the bad record goes through.
          await writer.sendAndCommit(input, [record('fine')], '1');
          expect(await fixture.committedKeys(output)).toEqual(['fine']);
        } finally {
          await writer.close();
        }
      },
      timeoutMs,
    );
  });
}
