// RecordCodec (contract: connectors/codec.ts): Avro bodies in the Confluent wire format, with
// schemas looked up by subject and id through a SchemaLookup — the real registry in production,
// a Map in unit tests, so the framing and decoding rules below are tested once for both.
import avro from 'avsc';
import { SpamstreamError } from '../../core/errors.ts';
import type { RecordCodec } from '../codec.ts';

export interface SchemaLookup {
  /** Id of the latest schema registered under the subject; UNKNOWN_SCHEMA when there is none. */
  latestId(subject: string): Promise<number>;
  /** The Avro schema (JSON) registered with the id; UNKNOWN_SCHEMA when the id is unknown. */
  schemaById(id: number): Promise<object>;
}

const MAGIC = 0;
const HEADER_BYTES = 5;

/** How long the latest id of a subject is reused before asking the registry again. */
const LATEST_ID_TTL_MS = 60_000;

export function createAvroCodec(lookup: SchemaLookup, latestIdTtlMs = LATEST_ID_TTL_MS): RecordCodec {
  const writers = new Map<number, Promise<avro.Type>>();
  const latest = new Map<string, { id: Promise<number>; at: number }>();
  const latestId = (subject: string) => {
    const cached = latest.get(subject);
    if (cached && Date.now() - cached.at < latestIdTtlMs) return cached.id;
    const id = lookup.latestId(subject);
    id.catch(() => latest.delete(subject));
    latest.set(subject, { id, at: Date.now() });
    return id;
  };
  const strictWriters = new Map<number, Promise<avro.Type>>();
  const strictReaders = new WeakMap<object, avro.Type>();
  const resolvers = new WeakMap<object, Map<number, avro.Type>>();

  // Failed lookups are forgotten, so a registry that was down is asked again next time.
  const cached = (cache: Map<number, Promise<avro.Type>>, id: number, make: () => Promise<avro.Type>) => {
    let type = cache.get(id);
    if (!type) {
      type = make();
      type.catch(() => cache.delete(id));
      cache.set(id, type);
    }
    return type;
  };
  const writerType = (id: number) =>
    cached(writers, id, async () => avro.Type.forSchema((await lookup.schemaById(id)) as avro.Schema));
  const strictWriterType = (id: number) =>
    cached(strictWriters, id, async () => strictType(await lookup.schemaById(id)));
  const strictReaderType = (schema: object) => {
    let type = strictReaders.get(schema);
    if (!type) strictReaders.set(schema, (type = strictType(schema)));
    return type;
  };
  const resolverFor = (id: number, writer: avro.Type, readerSchema: object, reader: avro.Type) => {
    let byId = resolvers.get(readerSchema);
    if (!byId) resolvers.set(readerSchema, (byId = new Map()));
    let resolver = byId.get(id);
    if (!resolver) {
      try {
        resolver = reader.createResolver(writer) as avro.Type;
      } catch (error) {
        const missing = missingFields(writer, reader);
        if (missing.length > 0)
          throw new SpamstreamError(
            'MISSING_FIELD',
            `schema ${id} lacks required field(s) ${missing.join(', ')} of ${reader.name ?? 'the expected record'}`,
          );
        throw new SpamstreamError(
          'DECODE_FAILED',
          `schema ${id} cannot be read as ${reader.name ?? 'the expected record'}: ${(error as Error).message}`,
        );
      }
      byId.set(id, resolver);
    }
    return resolver;
  };

  return {
    async encode(subject, value) {
      const id = await latestId(subject);
      const type = await writerType(id);
      const paths: string[] = [];
      if (!type.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(record)') })) {
        throw new SpamstreamError(
          'INVALID_FIELD',
          `value does not match the schema of ${subject}: invalid ${paths.join(', ')}`,
        );
      }
      const body = type.toBuffer(value);
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt8(MAGIC, 0);
      header.writeInt32BE(id, 1);
      return Buffer.concat([header, body]);
    },

    async decode<T>(bytes: Buffer, readerSchema?: object): Promise<T> {
      if (bytes.length < HEADER_BYTES || bytes[0] !== MAGIC) {
        throw new SpamstreamError(
          'DECODE_FAILED',
          `not the Confluent wire format (${bytes.length} bytes, first byte ${bytes[0] ?? 'none'})`,
        );
      }
      const id = bytes.readInt32BE(1);
      const writer = await strictWriterType(id);
      const reader = readerSchema ? strictReaderType(readerSchema) : writer;
      const resolver = readerSchema ? resolverFor(id, writer, readerSchema, reader) : undefined;
      try {
        return reader.fromBuffer(bytes.subarray(HEADER_BYTES), resolver as never) as T;
      } catch (error) {
        if (error instanceof SpamstreamError) throw error;
        throw new SpamstreamError(
          'DECODE_FAILED',
          `Avro body does not match schema ${id}: ${(error as Error).message}`,
        );
      }
    },
  };
}

// Avro strings and bytes share one binary encoding. Reading every string as bytes through this
// logical type lets us reject invalid UTF-8 instead of silently turning it into U+FFFD.
const STRICT_UTF8 = 'spamstream-strict-utf8';
const utf8 = new TextDecoder('utf-8', { fatal: true });

class StrictUtf8 extends avro.types.LogicalType {
  override _fromValue(value: Buffer): string {
    try {
      return utf8.decode(value);
    } catch {
      throw new SpamstreamError('INVALID_UTF8', `a string field holds ${value.length} bytes that are not valid UTF-8`);
    }
  }
  override _toValue(value: unknown): Buffer | undefined {
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : undefined;
  }
  override _resolve(type: avro.Type) {
    // The writer's values arrive already read: as strings from a strict twin, as raw bytes otherwise.
    if (avro.Type.isType(type, `logical:${STRICT_UTF8}`)) return (value: unknown) => value;
    if (avro.Type.isType(type, 'string', 'bytes'))
      return (value: unknown) => this._fromValue(Buffer.from(value as Buffer));
    return undefined;
  }
}

/** Fields the reader needs (no default) that the writer does not have. */
function missingFields(writer: avro.Type, reader: avro.Type): string[] {
  const fieldsOf = (type: avro.Type) => (type as { fields?: { name: string; defaultValue(): unknown }[] }).fields ?? [];
  const written = new Set(fieldsOf(writer).map((field) => field.name));
  return fieldsOf(reader)
    .filter((field) => !written.has(field.name) && field.defaultValue() === undefined)
    .map((field) => field.name);
}

const strictType = (schema: object) =>
  avro.Type.forSchema(withStrictStrings(schema) as avro.Schema, { logicalTypes: { [STRICT_UTF8]: StrictUtf8 } });

function withStrictStrings(schema: unknown): unknown {
  if (schema === 'string') return { type: 'bytes', logicalType: STRICT_UTF8 };
  if (Array.isArray(schema)) return schema.map(withStrictStrings);
  if (schema && typeof schema === 'object') {
    const node = schema as Record<string, unknown>;
    if (node.type === 'string' && node.logicalType === undefined)
      return { ...node, type: 'bytes', logicalType: STRICT_UTF8 };
    const out: Record<string, unknown> = { ...node };
    if (node.type && typeof node.type === 'object') out.type = withStrictStrings(node.type);
    if (Array.isArray(node.type)) out.type = withStrictStrings(node.type);
    if (Array.isArray(node.fields))
      out.fields = node.fields.map((f: Record<string, unknown>) => ({ ...f, type: withStrictStrings(f.type) }));
    if (node.items !== undefined) out.items = withStrictStrings(node.items);
    if (node.values !== undefined) out.values = withStrictStrings(node.values);
    return out;
  }
  return schema;
}
