import { describe, expect, it } from 'vitest';
import { createMemoryKafka } from '../connectors/memory/kafka.ts';
import { createMemorySchemaLookup } from '../connectors/memory/schema-lookup.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { SpamstreamError } from '../core/errors.ts';
import { type SmsRaw, loadSchema } from '../schemas/index.ts';
import { createLabelIngest, createSmsIngest } from './ingest.ts';

const raw: SmsRaw = {
  sms_id: 'sms-1',
  sender: '+447700900123',
  recipient: '+447700900456',
  text: 'hi £5 ✓',
  received_at: 1_700_000_000_000,
  source: 'api',
};

function setup() {
  const kafka = createMemoryKafka();
  kafka.createTopic('sms.raw', 3);
  const lookup = createMemorySchemaLookup();
  lookup.register('sms.raw-value', loadSchema('sms-raw'));
  const codec = createAvroCodec(lookup);
  return { kafka, codec, ingest: createSmsIngest(kafka.writer(), codec, 'sms.raw') };
}

describe('createSmsIngest', () => {
  it('writes the Avro-encoded message keyed by its id, stamped with its event time', async () => {
    const { kafka, codec, ingest } = setup();
    await ingest.submit(raw);
    const records = kafka.records('sms.raw');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ key: 'sms-1', timestamp: raw.received_at });
    expect(await codec.decode(records[0]!.value, loadSchema('sms-raw'))).toEqual(raw);
  });

  it('rejects, writing nothing, when the registry has no schema for the topic', async () => {
    const kafka = createMemoryKafka();
    kafka.createTopic('sms.raw', 1);
    const ingest = createSmsIngest(kafka.writer(), createAvroCodec(createMemorySchemaLookup()), 'sms.raw');
    await expect(ingest.submit(raw)).rejects.toBeInstanceOf(SpamstreamError);
    expect(kafka.records('sms.raw')).toHaveLength(0);
  });
});

describe('createLabelIngest', () => {
  it('writes the Avro-encoded label keyed by its message, stamped with the time it was given', async () => {
    const kafka = createMemoryKafka();
    kafka.createTopic('sms.labels', 3);
    const lookup = createMemorySchemaLookup();
    lookup.register('sms.labels-value', loadSchema('sms-labels'));
    const codec = createAvroCodec(lookup);
    const label = { sms_id: 'sms-1', label: 'spam', labelled_at: 1_700_000_000_500, source: 'api' };
    await createLabelIngest(kafka.writer(), codec, 'sms.labels').submit(label);
    const records = kafka.records('sms.labels');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ key: 'sms-1', timestamp: label.labelled_at });
    expect(await codec.decode(records[0]!.value, loadSchema('sms-labels'))).toEqual(label);
  });
});
