import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { envelope } from '../core/envelope.ts';
import { SpamstreamError } from '../core/errors.ts';
import { createMetrics } from '../core/metrics.ts';
import { fail, ok } from '../core/result.ts';
import type { CommitOffset, OutgoingRecord, RecordWriter, TransactionalWriter } from '../connectors/kafka.ts';
import type { DeadLetter } from '../schemas/index.ts';
import { ORIGIN_HEADER, deliver, newestOfEachKey } from './deliver.ts';
import type { Flow, SinkRecord } from './flow.ts';
import { TOPICS, memoryPipeline } from '../testkit/memory-pipeline.ts';

const flow = (offset: number, result: Flow<readonly SinkRecord[]>['value']['result']): Flow<readonly SinkRecord[]> =>
  envelope({
    key: `k${offset}`,
    value: { input: Buffer.from(`in${offset}`), result },
    headers: {},
    timestamp: 0,
    origin: { topic: TOPICS.raw, partition: 0, offset: String(offset) },
  });
const output = (key: string): OutgoingRecord => ({ topic: TOPICS.features, key, value: Buffer.from(key) });

function setup(refuse: (record: OutgoingRecord) => boolean) {
  const pipeline = memoryPipeline();
  const inner = pipeline.kafka.writer();
  const writer: RecordWriter = {
    async send(records) {
      if (records.some(refuse)) throw new SpamstreamError('BROKER_REJECTED', 'RECORD_TOO_LARGE');
      await inner.send(records);
    },
    close: () => inner.close(),
  };
  const acknowledged: string[] = [];
  const metrics = createMetrics({ defaultMetrics: false });
  const operator = deliver(
    {
      writer,
      metrics,
      codec: pipeline.codec,
      source: { groupId: 'g', acknowledge: async (origins) => void acknowledged.push(...origins.map((o) => o.offset)) },
    },
    { processor: 'features', dlqTopic: TOPICS.dlq, batchSize: 10, waitMs: 1, policy: { backoffMs: 1 } },
  );
  return { ...pipeline, operator, acknowledged, metrics };
}

describe('deliver', () => {
  it('writes outputs with lineage, dead-letters failures, then acknowledges the inputs', async () => {
    const { operator, kafka, codec, acknowledged } = setup(() => false);
    const [report] = await lastValueFrom(
      from([flow(0, ok([output('a')])), flow(1, fail('EMPTY_TEXT', 'blank'))]).pipe(operator, toArray()),
    );
    expect(report).toMatchObject({ records: 1, deadLetters: 1 });
    expect(kafka.records(TOPICS.features)[0]!.headers[ORIGIN_HEADER]).toBe(`${TOPICS.raw}/0@0`);
    const letter = await codec.decode<DeadLetter>(kafka.records(TOPICS.dlq)[0]!.value);
    expect(letter).toMatchObject({
      error_code: 'EMPTY_TEXT',
      error_reason: 'blank',
      source_offset: 1,
      value: Buffer.from('in1'),
    });
    expect(acknowledged).toEqual(['0', '1']);
  });

  it('writes the records of an input with a bad part, and the bad part as a dead letter of the input', async () => {
    const { operator, kafka, codec, acknowledged, metrics } = setup(() => false);
    const part = { deadLetter: fail('INVALID_FIELD', 'user_label "spma" is not spam or ham') };
    const [report] = await lastValueFrom(from([flow(0, ok([output('a'), part]))]).pipe(operator, toArray()));
    expect(report).toMatchObject({ records: 1, deadLetters: 1 });
    expect(kafka.records(TOPICS.features).map((r) => r.key)).toEqual(['a']);
    const letter = await codec.decode<DeadLetter>(kafka.records(TOPICS.dlq)[0]!.value);
    expect(letter).toMatchObject({ error_code: 'INVALID_FIELD', source_offset: 0, value: Buffer.from('in0') });
    expect(kafka.records(TOPICS.dlq)[0]!.headers[ORIGIN_HEADER]).toBe(`${TOPICS.raw}/0@0`);
    expect(acknowledged).toEqual(['0']);
    const counted = (await metrics.deadLetters.get()).values.map((v) => [v.labels.code, v.value]);
    expect(counted).toEqual([['INVALID_FIELD', 1]]);
  });

  it('writes, of records where only the newest of a key matters, the last of each key in a write', async () => {
    const { operator, kafka } = setup(() => false);
    const counts = (key: string, n: number): OutgoingRecord => ({
      topic: TOPICS.quality,
      key,
      value: Buffer.from(`${key}=${n}`),
      latestOnly: true,
    });
    await lastValueFrom(
      from([
        flow(0, ok([counts('p0', 1), output('a')])),
        flow(1, ok([counts('p0', 2), counts('p1', 1)])),
        flow(2, ok([output('a'), counts('p0', 3)])),
      ]).pipe(operator, toArray()),
    );
    expect(
      kafka
        .records(TOPICS.quality)
        .map((r) => r.value.toString())
        .sort(),
    ).toEqual(['p0=3', 'p1=1']);
    // Records of other topics, even with the same key, are all written.
    expect(kafka.records(TOPICS.features).map((r) => r.key)).toEqual(['a', 'a']);
    const plain = [output('x'), output('x')];
    expect(newestOfEachKey(plain)).toBe(plain);
  });

  it('dead-letters only the record whose output the broker refuses, and delivers the rest', async () => {
    const { operator, kafka, codec, acknowledged } = setup((record) => record.key === 'huge');
    await lastValueFrom(
      from([flow(0, ok([output('a')])), flow(1, ok([output('huge')])), flow(2, ok([output('b')]))]).pipe(
        operator,
        toArray(),
      ),
    );
    expect(
      kafka
        .records(TOPICS.features)
        .map((r) => r.key)
        .sort(),
    ).toEqual(['a', 'b']);
    const letter = await codec.decode<DeadLetter>(kafka.records(TOPICS.dlq)[0]!.value);
    expect(letter).toMatchObject({ error_code: 'BROKER_REJECTED', source_offset: 1, retriable: false });
    expect(acknowledged.sort()).toEqual(['0', '1', '2']);
  });

  it('writes a dead letter the broker refuses (it carries the original bytes) without them, and goes on', async () => {
    const original = Buffer.from('an original far too large for the dead-letter topic');
    const carries = (record: OutgoingRecord) => record.value.includes(original);
    const { operator, kafka, codec, acknowledged } = setup(carries);
    const withOriginal = (offset: number, result: Flow<readonly SinkRecord[]>['value']['result']) => {
      const f = flow(offset, result);
      return { ...f, value: { ...f.value, input: original } };
    };
    const part = { deadLetter: fail('INVALID_FIELD', 'user_label "spma" is not spam or ham') };
    const [report] = await lastValueFrom(
      from([
        flow(0, ok([output('a')])),
        withOriginal(1, fail('EMPTY_TEXT', 'blank')),
        withOriginal(2, ok([output('b'), part])),
      ]).pipe(operator, toArray()),
    );
    expect(report).toMatchObject({ records: 1, deadLetters: 2 });
    expect(kafka.records(TOPICS.features).map((r) => r.key)).toEqual(['a']);
    const letters = await Promise.all(kafka.records(TOPICS.dlq).map((r) => codec.decode<DeadLetter>(r.value)));
    // The failed input keeps its own code; the input whose dead part was refused is refused whole.
    expect(letters.map((l) => [l.source_offset, l.error_code, l.value])).toEqual([
      [1, 'EMPTY_TEXT', null],
      [2, 'BROKER_REJECTED', null],
    ]);
    expect(letters[0]!.error_reason).toMatch(/^blank \(the original value, \d+ bytes, is left out/);
    expect(acknowledged.sort()).toEqual(['0', '1', '2']);
  });

  it('stops the processor, acknowledging nothing, when even the dead letter is refused', async () => {
    const { operator, acknowledged } = setup(() => true);
    await expect(lastValueFrom(from([flow(0, ok([output('a')]))]).pipe(operator))).rejects.toMatchObject({
      code: 'BROKER_REJECTED',
    });
    expect(acknowledged).toEqual([]);
  });

  it("with a transactional writer, commits each partition's outputs with its next offset, retrying an aborted transaction whole", async () => {
    const { kafka, codec } = memoryPipeline();
    const committed: string[] = [];
    let attempts = 0;
    const transactional: TransactionalWriter = {
      claim: async () => undefined,
      async sendAndCommit(input, records, offset) {
        attempts += 1;
        if (attempts === 1) throw new SpamstreamError('BROKER_UNAVAILABLE', 'transaction aborted: coordinator moved');
        await kafka.writer().send(records);
        committed.push(`${input.topic}/${input.partition}@${offset}`);
      },
      close: async () => {},
    };
    const acknowledged: string[] = [];
    const source = {
      groupId: 'g',
      async acknowledge(
        origins: readonly { topic: string; partition: number; offset: string }[],
        commit?: (offsets: readonly CommitOffset[]) => Promise<void>,
      ) {
        const last = origins.at(-1)!;
        await commit!([{ topic: last.topic, partition: last.partition, offset: String(Number(last.offset) + 1) }]);
        acknowledged.push(...origins.map((o) => `${o.partition}@${o.offset}`));
      },
    };
    const unused: RecordWriter = {
      send: async () => expect.unreachable('the plain writer is not used'),
      close: async () => {},
    };
    const operator = deliver(
      { writer: unused, transactional, codec, source },
      { processor: 'features', dlqTopic: TOPICS.dlq, batchSize: 10, waitMs: 1, policy: { backoffMs: 1 } },
    );
    const onPartition = (partition: number, offset: number, key: string) =>
      envelope({
        ...flow(offset, ok([output(key)])),
        origin: { topic: TOPICS.raw, partition, offset: String(offset) },
      });
    await lastValueFrom(
      from([onPartition(0, 0, 'a'), onPartition(1, 7, 'x'), onPartition(0, 1, 'b')]).pipe(operator, toArray()),
    );
    expect(attempts).toBe(3);
    expect(
      kafka
        .records(TOPICS.features)
        .map((r) => r.key)
        .sort(),
    ).toEqual(['a', 'b', 'x']);
    expect(committed.sort()).toEqual([`${TOPICS.raw}/0@2`, `${TOPICS.raw}/1@8`]);
    expect(acknowledged.sort()).toEqual(['0@0', '0@1', '1@7']);
  });

  it('drops, without a dead letter, the records of a partition reassigned while they were in flight', async () => {
    const { codec, kafka } = memoryPipeline();
    const transactional: TransactionalWriter = {
      claim: async () => undefined,
      sendAndCommit: async () => {
        throw new SpamstreamError('REVOKED', 'fenced by a newer producer');
      },
      close: async () => {},
    };
    const source = {
      groupId: 'g',
      acknowledge: async (_o: unknown, commit?: (offsets: readonly CommitOffset[]) => Promise<void>) =>
        commit!([{ topic: TOPICS.raw, partition: 0, offset: '1' }]),
    };
    const operator = deliver(
      { writer: kafka.writer(), transactional, codec, source },
      { processor: 'features', dlqTopic: TOPICS.dlq, batchSize: 10, waitMs: 1, policy: { backoffMs: 1 } },
    );
    const [report] = await lastValueFrom(from([flow(0, fail('EMPTY_TEXT', 'blank'))]).pipe(operator, toArray()));
    expect(report).toMatchObject({ records: 0, deadLetters: 0, revoked: 1 });
    expect(kafka.records(TOPICS.dlq)).toHaveLength(0);
  });
});
