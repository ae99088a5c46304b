import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RecordSource } from '../connectors/kafka.ts';
import { createMemorySchemaLookup } from '../connectors/memory/schema-lookup.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { type Envelope, type Origin, envelope } from '../core/envelope.ts';
import { type SmsPrediction, loadSchema } from '../schemas/index.ts';
import { REPLAY_HEADER } from '../processors/deliver.ts';
import type { PredictionOrigin } from './deps.ts';
import { createPredictionFeed } from './prediction-feed.ts';
import { prediction } from '../testkit/edge-fakes.ts';

function memorySource() {
  const records = new Subject<Envelope<Buffer | null>>();
  const acknowledged: string[] = [];
  let offset = 0;
  const source: RecordSource & { closed: boolean } = {
    records: records.asObservable(),
    groupId: 'live-test',
    joined: () => !source.closed,
    acknowledge: async (origins: readonly Origin[]) => {
      acknowledged.push(...origins.map((o) => o.offset));
    },
    closed: false,
    async close() {
      source.closed = true;
      records.complete();
    },
  };
  const emit = (value: Buffer | null, topic = 'sms.predictions', headers: Record<string, string> = {}) =>
    records.next(
      envelope({
        key: null,
        value,
        headers,
        timestamp: 0,
        origin: { topic, partition: 0, offset: String(offset++) },
      }),
    );
  return { source, emit, acknowledged };
}

async function setup() {
  const lookup = createMemorySchemaLookup();
  lookup.register('sms.predictions-value', loadSchema('sms-predictions'));
  lookup.register('sms.raw-value', loadSchema('sms-raw'));
  const codec = createAvroCodec(lookup);
  const { source, emit, acknowledged } = memorySource();
  const skipped: unknown[] = [];
  const feed = createPredictionFeed(source, codec, {
    onSkip: (reason) => skipped.push(reason),
    rawTopic: 'sms.raw',
    keepTexts: 2,
  });
  const received: SmsPrediction[] = [];
  const origins: PredictionOrigin[] = [];
  feed.subscribe((p, origin) => {
    received.push(p);
    origins.push(origin);
  });
  const encode = (p: SmsPrediction) => codec.encode('sms.predictions-value', p);
  const emitRaw = async (id: string, text: string) =>
    emit(
      await codec.encode('sms.raw-value', {
        sms_id: id,
        sender: '+1',
        recipient: '+2',
        text,
        received_at: 0,
        source: 'test',
      }),
      'sms.raw',
    );
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { feed, source, emit, emitRaw, acknowledged, skipped, received, origins, encode, settle };
}

describe('createPredictionFeed', () => {
  it('decodes predictions in topic order and acknowledges every record', async () => {
    const { emit, received, acknowledged, encode, settle } = await setup();
    emit(await encode(prediction({ sms_id: 'a' })));
    emit(await encode(prediction({ sms_id: 'b', model_version: 'v3' })));
    await settle();
    expect(received.map((p) => [p.sms_id, p.model_version])).toEqual([
      ['a', 'v1'],
      ['b', 'v3'],
    ]);
    expect(received[0]).toEqual(prediction({ sms_id: 'a' }));
    expect(acknowledged).toEqual(['0', '1']);
  });

  it("tells which predictions a replay recomputed, from the record's replay header", async () => {
    const { emit, origins, encode, settle } = await setup();
    emit(await encode(prediction({ sms_id: 'live' })));
    emit(await encode(prediction({ sms_id: 'old' })), 'sms.predictions', { [REPLAY_HEADER]: 'scoring-run-1' });
    await settle();
    expect(origins).toEqual([{}, { replay: 'scoring-run-1' }]);
  });

  it('remembers the texts it reads on the raw topic, the newest few, without emitting them', async () => {
    const { feed, emit, emitRaw, received, acknowledged, encode, settle } = await setup();
    await emitRaw('m1', 'first');
    await emitRaw('m2', 'second');
    await emitRaw('m3', 'third');
    emit(await encode(prediction({ sms_id: 'm3' })));
    await settle();
    expect(received.map((p) => p.sms_id)).toEqual(['m3']);
    expect(acknowledged).toEqual(['0', '1', '2', '3']);
    expect([feed.textOf!('m1'), feed.textOf!('m2'), feed.textOf!('m3')]).toEqual([undefined, 'second', 'third']);
  });

  it('skips tombstones and undecodable records, acknowledging them too', async () => {
    const { emit, received, acknowledged, skipped, encode, settle } = await setup();
    emit(null);
    emit(Buffer.from('not avro at all'));
    emit(Buffer.from([0, 0, 0, 0, 99, 1, 2]));
    emit(await encode(prediction({ sms_id: 'ok' })));
    await settle();
    expect(received.map((p) => p.sms_id)).toEqual(['ok']);
    expect(acknowledged).toEqual(['0', '1', '2', '3']);
    expect(skipped).toHaveLength(2);
  });

  it('a listener that throws neither ends the feed nor starves the others', async () => {
    const { feed, emit, received, encode, settle } = await setup();
    feed.subscribe(() => {
      throw new Error('broken page');
    });
    emit(await encode(prediction({ sms_id: 'x' })));
    emit(await encode(prediction({ sms_id: 'y' })));
    await settle();
    expect(received.map((p) => p.sms_id)).toEqual(['x', 'y']);
  });

  it('stops calling a listener once it unsubscribes, and closes the source', async () => {
    const { feed, source, emit, encode, settle } = await setup();
    const seen: string[] = [];
    const unsubscribe = feed.subscribe((p) => seen.push(p.sms_id));
    emit(await encode(prediction({ sms_id: 'one' })));
    await settle();
    unsubscribe();
    emit(await encode(prediction({ sms_id: 'two' })));
    await settle();
    expect(seen).toEqual(['one']);
    await feed.close();
    expect(source.closed).toBe(true);
  });
});
