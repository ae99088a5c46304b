// The RecordCodec contract (connectors/codec.ts), run against the in-memory registry (unit) and
// the real schema registry (integration). `setup` registers a schema under a subject and returns its id.
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { SpamstreamError } from '../core/errors.ts';
import type { RecordCodec } from './codec.ts';

export interface CodecFixture {
  readonly codec: RecordCodec;
  register(subject: string, schema: object): Promise<number>;
}

const person = (suffix: string) => ({
  type: 'record',
  name: `Person${suffix}`,
  namespace: 'io.spamstream.test',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: 'int' },
    { name: 'nick', type: ['null', 'string'], default: null },
  ],
});

const code = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error instanceof SpamstreamError ? error.code : `not a SpamstreamError: ${String(error)}`;
  }
  return 'no error';
};

export function describeCodecContract(name: string, makeFixture: () => Promise<CodecFixture>) {
  describe(`RecordCodec contract: ${name}`, () => {
    const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

    it('round-trips a record in the Confluent wire format', async () => {
      const { codec, register } = await makeFixture();
      const subject = `test-${unique()}-value`;
      const id = await register(subject, person(unique()));
      const bytes = await codec.encode(subject, { name: 'Zoë 👋 مرحبا', age: 42, nick: null });
      expect(bytes[0]).toBe(0);
      expect(bytes.readInt32BE(1)).toBe(id);
      expect(await codec.decode(bytes)).toEqual({ name: 'Zoë 👋 مرحبا', age: 42, nick: null });
    });

    it('resolves an older writer schema into the reader schema, filling defaults', async () => {
      const { codec, register } = await makeFixture();
      const suffix = unique();
      const subject = `test-${suffix}-value`;
      const reader = person(suffix);
      const older = { ...reader, fields: reader.fields.filter((f) => f.name !== 'nick') };
      await register(subject, older);
      const bytes = await codec.encode(subject, { name: 'a', age: 1 });
      expect(await codec.decode(bytes, reader)).toEqual({ name: 'a', age: 1, nick: null });
    });

    it('rejects a value that does not match the schema with INVALID_FIELD', async () => {
      const { codec, register } = await makeFixture();
      const subject = `test-${unique()}-value`;
      await register(subject, person(unique()));
      expect(await code(codec.encode(subject, { name: 'a', age: 'old' }))).toBe('INVALID_FIELD');
    });

    it('rejects bytes that are not the wire format with DECODE_FAILED', async () => {
      const { codec } = await makeFixture();
      expect(await code(codec.decode(Buffer.from('hello, not avro')))).toBe('DECODE_FAILED');
      expect(await code(codec.decode(Buffer.alloc(0)))).toBe('DECODE_FAILED');
    });

    it('rejects a truncated body with DECODE_FAILED', async () => {
      const { codec, register } = await makeFixture();
      const subject = `test-${unique()}-value`;
      await register(subject, person(unique()));
      const bytes = await codec.encode(subject, { name: 'a long enough name', age: 1, nick: 'n' });
      expect(await code(codec.decode(bytes.subarray(0, bytes.length - 4)))).toBe('DECODE_FAILED');
    });

    it('rejects an unknown schema id with UNKNOWN_SCHEMA', async () => {
      const { codec } = await makeFixture();
      const bytes = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2, 0x61]);
      expect(await code(codec.decode(bytes))).toBe('UNKNOWN_SCHEMA');
    });

    it('rejects a string field that is not valid UTF-8 with INVALID_UTF8', async () => {
      const { codec, register } = await makeFixture();
      const suffix = unique();
      const subject = `test-${suffix}-value`;
      const schema = person(suffix);
      const id = await register(subject, schema);
      // Avro strings and bytes share their encoding: write invalid UTF-8 through a bytes twin.
      const twin = avro.Type.forSchema({
        ...schema,
        fields: [
          { name: 'name', type: 'bytes' },
          { name: 'age', type: 'int' },
          { name: 'nick', type: ['null', 'string'], default: null },
        ],
      } as avro.Schema);
      const header = Buffer.from([0, 0, 0, 0, 0]);
      header.writeInt32BE(id, 1);
      const bytes = Buffer.concat([
        header,
        twin.toBuffer({ name: Buffer.from([0x61, 0xff, 0xfe]), age: 1, nick: null }),
      ]);
      expect(await code(codec.decode(bytes))).toBe('INVALID_UTF8');
      expect(await code(codec.decode(bytes, schema))).toBe('INVALID_UTF8');
    });

    it('names the required fields a writer schema lacks with MISSING_FIELD', async () => {
      const { codec, register } = await makeFixture();
      const suffix = unique();
      const subject = `test-${suffix}-value`;
      await register(subject, {
        type: 'record',
        name: `Person${suffix}`,
        namespace: 'io.spamstream.test',
        fields: [{ name: 'name', type: 'string' }],
      });
      const bytes = await codec.encode(subject, { name: 'a' });
      await expect(codec.decode(bytes, person(suffix))).rejects.toMatchObject({
        code: 'MISSING_FIELD',
        message: expect.stringContaining('age'),
      });
    });

    it('rejects a writer schema that cannot be read as the reader schema with DECODE_FAILED', async () => {
      const { codec, register } = await makeFixture();
      const subject = `test-${unique()}-value`;
      await register(subject, {
        type: 'record',
        name: 'Other',
        fields: [
          { name: 'name', type: 'long' },
          { name: 'age', type: 'int' },
        ],
      });
      const bytes = await codec.encode(subject, { name: 1, age: 2 });
      expect(await code(codec.decode(bytes, person(unique())))).toBe('DECODE_FAILED');
    });
  });
}
