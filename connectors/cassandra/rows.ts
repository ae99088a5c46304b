// Rows of the online store tables <-> the interface types. Pure functions, so they are unit-tested
// without a server; store.ts only moves these values to and from the driver.
//
// Layout: one row per message per table, `sms_id` → `map<text, blob>` keyed by view id (model
// version); each entry is one serialized StoredFeatures (StoredPrediction) — see encode* below.
// A message is one UPDATE adding its entries to the map: one mutation of one partition with one
// cell per view, where one row per view cost a batch of rows of five cells each
// (docs/adr/0004-online-store-rows-and-entry-format.md). Map additions (`m = m + ?`) write
// no tombstone, so views written at different times coexist.
//
// Newest event wins without reading first: every entry is written `USING TIMESTAMP` = its event
// time in microseconds, and Cassandra keeps, per map entry, the value with the highest write
// timestamp — so the guard holds per view and per model version. An older event arriving later
// loses, and replaying an event rewrites an identical entry.
// Tie rule: when two writes of one key carry the same event time, Cassandra keeps the greater
// serialized value, compared as unsigned bytes. Every entry starts with its format, then its event
// time, then its computed_at / scored_at (big-endian, non-negative), so of two results for one
// event the one computed last wins whole; only when that is equal too do the remaining bytes
// decide. Between formats, the newer one wins: a recomputation replaces an entry of an old format.
import type { StoredFeatures, StoredPrediction } from '../online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';

/** A result row as the driver returns it: column name -> decoded value. */
export type CqlRow = Readonly<Record<string, unknown>>;

/** The write timestamp for a row with this event time (epoch ms), in microseconds. */
export function writeTimestampMicros(eventTime: number): number {
  if (!Number.isSafeInteger(eventTime) || eventTime < 0 || !Number.isSafeInteger(eventTime * 1000)) {
    throw new SpamstreamError('INVALID_FIELD', `event time ${eventTime} is not a whole number of epoch milliseconds`);
  }
  return eventTime * 1000;
}

/** `UPDATE … USING TIMESTAMP ? SET encoded = encoded + ? WHERE sms_id = ?`: binds [timestamp, entries, smsId]. */
export const upsertCql = (table: string): string =>
  `UPDATE ${table} USING TIMESTAMP ? SET encoded = encoded + ? WHERE sms_id = ?`;

/**
 * Formats of the entries; a reader meeting another one fails loudly instead of misreading it.
 * Feature entries of format 2 write whole-number values as varints, so more messages share a batch
 * under Cassandra's batch warning (docs/adr/0004-online-store-rows-and-entry-format.md). Format 1
 * entries (every value a double) are still read.
 */
const FEATURES_FORMAT = 2;
const PREDICTION_FORMAT = 1;
/** How a list of numbers is written: every value a double, or every value a whole number as a zigzag varint. */
const DOUBLES = 0;
const VARINTS = 1;
/** Whole numbers up to this magnitude are varints (at most 5 bytes); anything else keeps all 8. */
const VARINT_LIMIT = 2 ** 31;

const isVarint = (value: number) => Number.isInteger(value) && Math.abs(value) <= VARINT_LIMIT && !Object.is(value, -0);

/** A small big-endian writer: numbers as Cassandra would order them, strings and lists length-prefixed. */
class Writer {
  #buffer: Buffer;
  #at = 0;
  /** `expected`: the bytes the entry will likely take, so that it is written without growing. */
  constructor(expected = 512) {
    this.#buffer = Buffer.allocUnsafe(expected);
  }
  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(grown, 0, 0, this.#at);
    this.#buffer = grown;
  }
  u8(value: number): this {
    this.#room(1);
    this.#at = this.#buffer.writeUInt8(value, this.#at);
    return this;
  }
  u32(value: number): this {
    this.#room(4);
    this.#at = this.#buffer.writeUInt32BE(value, this.#at);
    return this;
  }
  i32(value: number): this {
    this.#room(4);
    this.#at = this.#buffer.writeInt32BE(value, this.#at);
    return this;
  }
  time(ms: number): this {
    this.#room(8);
    this.#at = this.#buffer.writeBigInt64BE(BigInt(ms), this.#at);
    return this;
  }
  f64(value: number): this {
    this.#room(8);
    this.#at = this.#buffer.writeDoubleBE(value, this.#at);
    return this;
  }
  f64s(values: readonly number[]): this {
    this.u32(values.length);
    this.#room(8 * values.length);
    // An index, not for…of: the array iterator showed in the features processor's allocations.
    for (let i = 0; i < values.length; i++) this.#at = this.#buffer.writeDoubleBE(values[i]!, this.#at);
    return this;
  }
  /** Numbers in the shortest exact form: varints when every one is a whole number (see VARINTS), else doubles. */
  numbers(values: readonly number[]): this {
    let whole = true;
    for (let i = 0; i < values.length && whole; i++) whole = isVarint(values[i]!);
    if (!whole) return this.u8(DOUBLES).f64s(values);
    this.u8(VARINTS).u32(values.length);
    this.#room(5 * values.length);
    for (let i = 0; i < values.length; i++) {
      // Zigzag: 0, -1, 1, -2 … become 0, 1, 2, 3 …, so small magnitudes of either sign stay short.
      let rest = values[i]! < 0 ? -2 * values[i]! - 1 : 2 * values[i]!;
      while (rest >= 0x80) {
        this.#buffer[this.#at++] = (rest % 0x80) | 0x80;
        rest = Math.floor(rest / 0x80);
      }
      this.#buffer[this.#at++] = rest;
    }
    return this;
  }
  str(value: string): this {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.u32(bytes);
    this.#room(bytes);
    this.#at += this.#buffer.write(value, this.#at, 'utf8');
    return this;
  }
  strs(values: readonly string[]): this {
    this.u32(values.length);
    for (const v of values) this.str(v);
    return this;
  }
  done(): Buffer {
    if (this.#at === this.#buffer.length) return this.#buffer;
    return Buffer.from(this.#buffer.subarray(0, this.#at));
  }
}

class Reader {
  #at = 0;
  readonly buffer: Buffer;
  readonly what: string;
  constructor(buffer: Buffer, what: string) {
    this.buffer = buffer;
    this.what = what;
  }
  #take(bytes: number): number {
    if (this.#at + bytes > this.buffer.length) this.#fail('is truncated');
    const at = this.#at;
    this.#at += bytes;
    return at;
  }
  u8(): number {
    return this.buffer.readUInt8(this.#take(1));
  }
  u32(): number {
    return this.buffer.readUInt32BE(this.#take(4));
  }
  i32(): number {
    return this.buffer.readInt32BE(this.#take(4));
  }
  time(): number {
    return Number(this.buffer.readBigInt64BE(this.#take(8)));
  }
  f64(): number {
    return this.buffer.readDoubleBE(this.#take(8));
  }
  f64s(): number[] {
    const count = this.u32();
    const at = this.#take(count * 8);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.buffer.readDoubleBE(at + i * 8);
    return out;
  }
  numbers(): number[] {
    const kind = this.u8();
    if (kind === DOUBLES) return this.f64s();
    if (kind !== VARINTS) this.#fail(`has numbers of kind ${kind}`);
    const count = this.u32();
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      let zigzag = 0;
      let scale = 1;
      for (;;) {
        const byte = this.buffer[this.#take(1)]!;
        zigzag += (byte & 0x7f) * scale;
        if (byte < 0x80) break;
        scale *= 0x80;
        if (scale > 2 ** 35) this.#fail('has a varint longer than 5 bytes');
      }
      out[i] = zigzag % 2 === 1 ? -(zigzag + 1) / 2 : zigzag / 2;
    }
    return out;
  }
  str(): string {
    const bytes = this.u32();
    const at = this.#take(bytes);
    return this.buffer.toString('utf8', at, at + bytes);
  }
  strs(): string[] {
    return Array.from({ length: this.u32() }, () => this.str());
  }
  end(): void {
    if (this.#at !== this.buffer.length) this.#fail('has trailing bytes');
  }
  #fail(why: string): never {
    throw new SpamstreamError('INTERNAL', `online store entry ${this.what} ${why}`);
  }
}

export const encodeFeatures = (r: StoredFeatures): Buffer =>
  new Writer(1 + 8 + 8 + 4 + 1 + 4 + 8 * r.values.length)
    .u8(FEATURES_FORMAT)
    .time(r.eventTime)
    .time(r.computedAt)
    .i32(r.viewVersion)
    .numbers(r.values)
    .done();

export const encodePrediction = (r: StoredPrediction): Buffer =>
  new Writer()
    .u8(PREDICTION_FORMAT)
    .time(r.eventTime)
    .time(r.scoredAt)
    .f64(r.spamProbability)
    .f64(r.threshold)
    .str(r.model)
    .str(r.featureView)
    .str(r.label)
    .strs(r.labels)
    .f64s(r.scores)
    .done();

function reader(bytes: unknown, what: string, formats: readonly number[]): { read: Reader; format: number } {
  if (!Buffer.isBuffer(bytes)) throw new SpamstreamError('INTERNAL', `online store entry ${what} is not a blob`);
  const read = new Reader(bytes, what);
  const format = read.u8();
  if (!formats.includes(format)) {
    const known = formats.join(' or ');
    throw new SpamstreamError('INTERNAL', `online store entry ${what} has format ${format}, not ${known}`);
  }
  return { read, format };
}

export function decodeFeatures(smsId: string, view: string, bytes: unknown): StoredFeatures {
  const { read, format } = reader(bytes, `${smsId}/${view}`, [1, FEATURES_FORMAT]);
  const eventTime = read.time();
  const computedAt = read.time();
  const viewVersion = read.i32();
  const values = format === 1 ? read.f64s() : read.numbers();
  read.end();
  return { smsId, view, viewVersion, values, eventTime, computedAt };
}

export function decodePrediction(smsId: string, modelVersion: string, bytes: unknown): StoredPrediction {
  const { read } = reader(bytes, `${smsId}/${modelVersion}`, [PREDICTION_FORMAT]);
  const eventTime = read.time();
  const scoredAt = read.time();
  const spamProbability = read.f64();
  const threshold = read.f64();
  const row = {
    smsId,
    modelVersion,
    model: read.str(),
    featureView: read.str(),
    label: read.str(),
    spamProbability,
    labels: read.strs(),
    scores: read.f64s(),
    threshold,
    eventTime,
    scoredAt,
  };
  read.end();
  return row;
}

/**
 * Bind values of the upserts of `rows`: one statement per message and event time, holding every
 * entry of it. Validates every event time first, so a bad one rejects the call before any write.
 * A key twice in one call with one event time goes to a second statement: Cassandra, not this
 * function, decides between them (the tie rule above).
 */
function upserts<T extends { readonly smsId: string; readonly eventTime: number }>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  encode: (row: T) => Buffer,
): unknown[][] {
  const stamps = rows.map((row) => writeTimestampMicros(row.eventTime));
  const statements: { smsId: string; stamp: number; entries: Record<string, Buffer> }[] = [];
  const open = new Map<string, (typeof statements)[number]>();
  rows.forEach((row, i) => {
    const group = `${row.eventTime}|${row.smsId}`;
    const key = keyOf(row);
    let statement = open.get(group);
    if (!statement || key in statement.entries) {
      statement = { smsId: row.smsId, stamp: stamps[i]!, entries: {} };
      statements.push(statement);
      open.set(group, statement);
    }
    statement.entries[key] = encode(row);
  });
  return statements.map((s) => [s.stamp, s.entries, s.smsId]);
}

export const featureUpserts = (rows: readonly StoredFeatures[]): unknown[][] =>
  upserts(rows, (r) => r.view, encodeFeatures);
export const predictionUpserts = (rows: readonly StoredPrediction[]): unknown[][] =>
  upserts(rows, (r) => r.modelVersion, encodePrediction);

/** The keys of a message's entries in UTF-8 byte order (as Cassandra orders text map keys); `only` those if given. */
function keysOf(entries: unknown, only?: readonly string[]): string[] {
  if (entries === null || entries === undefined) return [];
  if (typeof entries !== 'object') throw new SpamstreamError('INTERNAL', 'online store column encoded is not a map');
  const keys = Object.keys(entries).filter((key) => !only || only.includes(key));
  return keys.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

const entriesOf = (row: CqlRow) => row.encoded as Record<string, unknown> | null | undefined;

export function featuresFromRow(smsId: string, row: CqlRow, views?: readonly string[]): StoredFeatures[] {
  const entries = entriesOf(row);
  return keysOf(entries, views).map((view) => decodeFeatures(smsId, view, entries![view]));
}

export function predictionsFromRow(smsId: string, row: CqlRow): StoredPrediction[] {
  const entries = entriesOf(row);
  return keysOf(entries).map((modelVersion) => decodePrediction(smsId, modelVersion, entries![modelVersion]));
}
