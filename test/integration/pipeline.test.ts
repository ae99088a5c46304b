// The whole pipeline on the real stack: Kafka, the schema registry, Cassandra and the ONNX models.
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStores } from '../../runtime/wiring.ts';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import { availableModels } from '../../connectors/model-runtime.ts';
import type { CassandraStores } from '../../connectors/cassandra/store.ts';
import { type DeadLetter, type SmsPrediction, type SmsRaw, loadSchema } from '../../schemas/index.ts';
import { type PipelineFixture, labelledMessages, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const MESSAGES = 1_000;
const quiet = () => {};

describe('pipeline end to end', () => {
  let fixture: PipelineFixture;
  let pipeline: RunningPipeline;
  let stores: CassandraStores;
  const models = availableModels('models');

  beforeAll(async () => {
    fixture = await pipelineFixture();
    stores = await connectStores(fixture.config);
    pipeline = await startParts(fixture.config, ['features', 'scoring'], quiet);
  });

  afterAll(async () => {
    await pipeline?.stop();
    await stores?.close();
    await fixture?.close();
  });

  it(`scores ${MESSAGES} labelled messages exactly once per model, and dead-letters junk with its reason`, async () => {
    const messages = await labelledMessages(fixture.run, MESSAGES);
    const started = Date.now();
    await fixture.produceRaw(messages);

    const rawId = (
      await fixture.messaging.codec.encode(`${fixture.config.topics.raw}-value`, { ...messages[0]!, sms_id: 'probe' })
    ).readInt32BE(1);
    const junk = await junkRecords(fixture, rawId);
    await fixture.produceBytes(junk.map(({ key, value }) => ({ key, value })));

    const predictions = await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
      until: (r) => r.length >= MESSAGES * models.length,
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[pipeline] ${MESSAGES} messages × ${models.length} models scored in ${seconds.toFixed(1)} s (${Math.round(MESSAGES / seconds)} messages/s, end to end on the real stack)`,
    );

    const perPair = new Map<string, number>();
    for (const { value } of predictions)
      perPair.set(
        `${value.sms_id}|${value.model_version}`,
        (perPair.get(`${value.sms_id}|${value.model_version}`) ?? 0) + 1,
      );
    expect(perPair.size).toBe(MESSAGES * models.length);
    expect([...perPair.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(predictions.map((p) => p.value.model_version))).toEqual(new Set(models));

    // The models are good: on these labelled messages the best is right almost always.
    const byId = new Map(messages.map((m) => [m.sms_id, m.label]));
    for (const version of models) {
      const mine = predictions.filter((p) => p.value.model_version === version);
      const accuracy = mine.filter((p) => p.value.label === byId.get(p.value.sms_id)).length / mine.length;
      expect(accuracy, `accuracy of ${version}`).toBeGreaterThan(0.9);
    }

    const letters = await fixture.readTopic<DeadLetter>(fixture.config.topics.dlq, {
      until: (r) => r.length >= junk.length,
    });
    expect(letters.map((l) => l.value.error_code).sort()).toEqual(junk.map((j) => j.code).sort());
    for (const letter of letters) {
      const sent = junk.find((j) => j.key === letter.record.key)!;
      expect(letter.value).toMatchObject({
        processor: 'features',
        source_topic: fixture.config.topics.raw,
        retriable: false,
      });
      expect(letter.value.value).toEqual(sent.value);
      expect(letter.value.error_reason.length).toBeGreaterThan(5);
    }

    const sample = messages[7]!;
    const features = await stores.features.getFeatures(sample.sms_id);
    expect(features.map((f) => f.view).sort()).toEqual(['v1', 'v2']);
    expect(features[0]!.eventTime).toBe(sample.received_at);
    const stored = await stores.predictions.getPredictions(sample.sms_id);
    expect(stored.map((p) => p.modelVersion).sort()).toEqual([...models].sort());
  });

  it('keeps the newest features when an older event of the same message is replayed later', async () => {
    const id = `${fixture.run}-replayed`;
    const newer: SmsRaw = {
      sms_id: id,
      sender: 's',
      recipient: 'r',
      text: 'WIN CASH NOW!!! call 09061701461',
      received_at: Date.now(),
      source: 'test',
    };
    const older: SmsRaw = {
      ...newer,
      text: 'see you at lunch',
      received_at: newer.received_at - 86_400_000,
      source: 'replay',
    };
    await fixture.produceRaw([newer]);
    await waitUntil(
      'both views of the message are stored',
      async () => (await stores.features.getFeatures(id)).length === 2,
    );
    await fixture.produceRaw([older]);
    // The older event went all the way through: its predictions are on the topic…
    await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
      until: (records) => {
        const mine = records.filter((r) => r.value.sms_id === id);
        return mine.some((r) => r.value.event_time === older.received_at);
      },
      timeoutMs: 20_000,
    });
    // …yet the online store still holds the newer event's values.
    const [v1] = await stores.features.getFeatures(id, ['v1']);
    expect(v1!.eventTime).toBe(newer.received_at);
    const predictions = await stores.predictions.getPredictions(id);
    expect(predictions.every((p) => p.eventTime === newer.received_at)).toBe(true);
  });

  it('scores a message whose event time lies days ahead (outputs keep the accepted record timestamp)', async () => {
    const id = `${fixture.run}-future`;
    await fixture.produceRaw([
      {
        sms_id: id,
        sender: 's',
        recipient: 'r',
        text: 'hello from the future',
        received_at: Date.now() + 3 * 86_400_000,
        source: 'test',
      },
    ]);
    await waitUntil(
      'every model scored the message',
      async () => (await stores.predictions.getPredictions(id)).length === models.length,
    );
  });
});

/** One record for each kind of bad input, with the code it must be dead-lettered with. */
async function junkRecords(fixture: PipelineFixture, rawSchemaId: number) {
  const run = fixture.run;
  const encode = (raw: SmsRaw) => fixture.messaging.codec.encode(`${fixture.config.topics.raw}-value`, raw);
  const base: SmsRaw = {
    sms_id: `${run}-junk`,
    sender: 's',
    recipient: 'r',
    text: 'x',
    received_at: Date.now(),
    source: 'test',
  };
  // Invalid UTF-8 in the text, written through a twin schema where text is bytes (same encoding).
  const schema = loadSchema('sms-raw') as { fields: { name: string; type: unknown }[] };
  const twin = avro.Type.forSchema({
    ...schema,
    fields: schema.fields.map((f) => (f.name === 'text' ? { ...f, type: 'bytes' } : f)),
  } as avro.Schema);
  const header = Buffer.from([0, 0, 0, 0, 0]);
  header.writeInt32BE(rawSchemaId, 1);
  return [
    { key: `${run}-j1`, code: 'DECODE_FAILED', value: Buffer.from('{"sms_id": "not avro"}') },
    { key: `${run}-j2`, code: 'UNKNOWN_SCHEMA', value: Buffer.from([0, 0x7f, 0x00, 0x00, 0x01, 2, 0x61]) },
    { key: `${run}-j3`, code: 'EMPTY_TEXT', value: await encode({ ...base, sms_id: `${run}-j3`, text: '  ' }) },
    {
      key: `${run}-j4`,
      code: 'TEXT_TOO_LONG',
      value: await encode({ ...base, sms_id: `${run}-j4`, text: 'x'.repeat(5_000) }),
    },
    {
      key: `${run}-j5`,
      code: 'INVALID_UTF8',
      value: Buffer.concat([
        header,
        twin.toBuffer({ ...base, sms_id: `${run}-j5`, text: Buffer.from([0x68, 0xc3, 0x28]) }),
      ]),
    },
    { key: `${run}-j6`, code: 'INVALID_FIELD', value: await encode({ ...base, sms_id: 'has spaces in id' }) },
  ];
}
