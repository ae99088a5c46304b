import { describe, expect, it } from 'vitest';
import type { OutgoingRecord, RecordWriter } from '../connectors/kafka.ts';
import { createMemoryKafka } from '../connectors/memory/kafka.ts';
import { createMemorySchemaLookup } from '../connectors/memory/schema-lookup.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { createLog } from '../core/log.ts';
import { type ReplayStatus, loadSchema } from '../schemas/index.ts';
import { createStatusPublisher } from './replay-status.ts';

const TOPIC = 'sms.replays';

const status = (overrides: Partial<ReplayStatus> = {}): ReplayStatus => ({
  group_id: 'spamstream.replay.scoring.0123456789',
  run_id: 'scoring-0123456789-abc',
  kind: 'scoring',
  state: 'running',
  done: 40,
  total: 100,
  messages: 38,
  rate: 19.5,
  eta_seconds: 3,
  host: 'replayer-1',
  started_at: 1_700_000_000_000,
  updated_at: 1_700_000_002_000,
  ...overrides,
});

function setup(wrap: (writer: RecordWriter) => RecordWriter = (writer) => writer) {
  const lookup = createMemorySchemaLookup();
  lookup.register(`${TOPIC}-value`, loadSchema('replay-status'));
  const codec = createAvroCodec(lookup);
  const kafka = createMemoryKafka();
  kafka.createTopic(TOPIC, 1);
  const debug: string[] = [];
  const log = createLog('debug', (line) => debug.push(line));
  const publisher = createStatusPublisher(wrap(kafka.writer()), codec, TOPIC, { log, timeoutMs: 200 });
  const written = async () =>
    Promise.all(
      kafka.records(TOPIC).map(async (r) => ({ key: r.key, value: await codec.decode<ReplayStatus>(r.value) })),
    );
  return { publisher, written, debug };
}

/** A writer whose sends wait until released (or fail, when `failWith` is set). */
function gatedWriter(inner: RecordWriter) {
  const gates: (() => void)[] = [];
  let failWith: Error | undefined;
  const writer: RecordWriter = {
    async send(records: readonly OutgoingRecord[]) {
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failWith) throw failWith;
      await inner.send(records);
    },
    close: () => inner.close(),
  };
  return {
    writer,
    release: () => gates.shift()?.(),
    fail: (error: Error | undefined) => {
      failWith = error;
    },
    waiting: () => gates.length,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the replay status publisher', () => {
  it('writes an Avro record keyed by the replay group, which decodes to the status', async () => {
    const { publisher, written } = setup();
    publisher.publish(status());
    await publisher.finish(status({ state: 'done', done: 100, eta_seconds: 0 }));
    expect(await written()).toEqual([
      { key: status().group_id, value: status() },
      { key: status().group_id, value: status({ state: 'done', done: 100, eta_seconds: 0 }) },
    ]);
  });

  it('drops a record while the previous one is still being written, instead of queueing behind it', async () => {
    let gate!: ReturnType<typeof gatedWriter>;
    const { publisher, written } = setup((w) => (gate = gatedWriter(w)).writer);
    publisher.publish(status({ done: 1 }));
    await tick();
    publisher.publish(status({ done: 2 })); // dropped: the first is still on its way
    expect(gate.waiting()).toBe(1);
    gate.release();
    await tick();
    publisher.publish(status({ done: 3 }));
    await tick();
    gate.release();
    await tick();
    expect((await written()).map((r) => r.value.done)).toEqual([1, 3]);
  });

  it('a failed write is told to the debug log and skipped; the next one is written', async () => {
    let gate!: ReturnType<typeof gatedWriter>;
    const { publisher, written, debug } = setup((w) => (gate = gatedWriter(w)).writer);
    gate.fail(new Error('broker away'));
    publisher.publish(status({ done: 1 }));
    await tick();
    gate.release();
    await tick();
    expect(debug).toEqual([`DEBUG replay ${status().run_id}: progress not published to ${TOPIC}: broker away`]);
    gate.fail(undefined);
    publisher.publish(status({ done: 2 }));
    await tick();
    gate.release();
    await tick();
    expect((await written()).map((r) => r.value.done)).toEqual([2]);
  });

  it('the last record follows a pending one, nothing follows it, and it is waited for at most the timeout', async () => {
    let gate!: ReturnType<typeof gatedWriter>;
    const { publisher, written } = setup((w) => (gate = gatedWriter(w)).writer);
    publisher.publish(status({ done: 50 }));
    await tick();
    const finishing = publisher.finish(status({ state: 'stopped', done: 60 }));
    publisher.publish(status({ done: 70 })); // a tick that was still computing: ignored
    gate.release();
    await tick();
    gate.release();
    await finishing;
    expect((await written()).map((r) => [r.value.state, r.value.done])).toEqual([
      ['running', 50],
      ['stopped', 60],
    ]);

    // A writer that never answers: finish returns once the timeout passed, without an error.
    const hanging = setup((w) => gatedWriter(w).writer);
    const started = Date.now();
    await hanging.publisher.finish(status({ state: 'done' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await hanging.written()).toEqual([]);
  });

  it('a value the schema refuses is skipped like a failed write', async () => {
    const { publisher, written, debug } = setup();
    await publisher.finish(status({ done: 1.5 }));
    expect(await written()).toEqual([]);
    expect(debug[0]).toMatch(/progress not published to sms\.replays: value does not match the schema .*invalid done/);
  });
});
