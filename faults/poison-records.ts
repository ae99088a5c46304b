// Poison for sms.raw: every kind of bad input the features processor must dead-letter, each with the
// code it must carry (docs/architecture.md, "Bad input and the dead-letter topic"). Keys are unique, so each dead letter is traced back.
import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import { type SmsRaw, loadSchema } from '../schemas/index.ts';
import { valueSubject } from '../topology/topics.ts';
import type { Harness } from './harness.ts';
import { framed } from './load.ts';

export interface PoisonRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly code: string;
}

/** Kafka refuses a record batch over 1 MiB: these records, 20 in a row, make dead letters far above it. */
export const LARGE_TEXT_BYTES = 300_000;
export const BURST = 20;

const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));

/** `total` poison records in the proportions below, the large bursts among them. */
export async function poisonRecords(h: Harness, total: number): Promise<PoisonRecord[]> {
  const schema = loadSchema('sms-raw') as { name: string; fields: { name: string; type: unknown }[] };
  const rawId = await h.messaging.registry.register(valueSubject(h.config.topics.raw), schema);
  // The same record with its text as bytes: the wire format of a string, but any bytes at all.
  const bytesText = avro.Type.forSchema({
    ...schema,
    fields: schema.fields.map((f) => (f.name === 'text' ? { ...f, type: 'bytes' } : f)),
  } as avro.Schema);
  // A writer schema without `text`, registered under a subject of its own (the raw subject's
  // BACKWARD rule would refuse it).
  const withoutText = { ...schema, fields: schema.fields.filter((f) => f.name !== 'text') };
  const missingId = await h.messaging.registry.register(`${h.run}.poison-value`, withoutText);
  const missingType = avro.Type.forSchema(withoutText as avro.Schema);

  let n = 0;
  const base = (): SmsRaw => ({
    sms_id: `${h.run}-p${n}`,
    sender: 's',
    recipient: 'r',
    text: 'x',
    received_at: Date.now(),
    source: 'poison',
  });
  const kinds: [number, () => Promise<{ value: Buffer; code: string }>][] = [
    [0.15, async () => ({ value: randomBytes(between(1, 300)).fill(between(1, 255), 0, 1), code: 'DECODE_FAILED' })],
    [
      0.15,
      async () => ({ value: framed(0x7f000000 + between(0, 99), randomBytes(between(0, 64))), code: 'UNKNOWN_SCHEMA' }),
    ],
    [
      0.15,
      async () => {
        const whole = await h.load.encode({
          ...base(),
          text: pick(['win a prize now', 'see you at 6?', 'call me back']),
        });
        return { value: whole.subarray(0, between(5, whole.length - 1)), code: 'DECODE_FAILED' };
      },
    ],
    [
      0.15,
      async () => ({
        value: framed(missingId, missingType.toBuffer({ ...base(), text: undefined })),
        code: 'MISSING_FIELD',
      }),
    ],
    [
      0.15,
      async () => {
        const bad = pick([
          [0x68, 0xc3, 0x28],
          [0xff, 0xfe],
          [0x41, 0xe2, 0x82],
          [0xed, 0xa0, 0x80],
          [0xc0, 0xaf],
        ]);
        return {
          value: framed(rawId, bytesText.toBuffer({ ...base(), text: Buffer.from(bad) })),
          code: 'INVALID_UTF8',
        };
      },
    ],
    [
      0.1,
      async () => ({
        value: await h.load.encode({ ...base(), text: 'spam '.repeat(between(820, 2_400)) }),
        code: 'TEXT_TOO_LONG',
      }),
    ],
    [
      0.15,
      async () => ({
        value: await h.load.encode({ ...base(), text: pick(['', ' ', '\n\t ', '   ']) }),
        code: 'EMPTY_TEXT',
      }),
    ],
  ];
  const bursts = Math.max(1, Math.round(total / 3_000));
  const out: PoisonRecord[] = [];
  const add = async (make: () => Promise<{ value: Buffer; code: string }>) => {
    const key = `${h.run}-p${n}`;
    out.push({ key, ...(await make()) });
    n += 1;
  };
  const weights = kinds.reduce((sum, [w]) => sum + w, 0);
  while (out.length < total - bursts * BURST) {
    let roll = Math.random() * weights;
    const kind = kinds.find(([w]) => (roll -= w) < 0) ?? kinds[0]!;
    await add(kind[1]);
  }
  for (let burst = 0; burst < bursts; burst += 1) {
    const at = between(0, out.length);
    const large: PoisonRecord[] = [];
    for (let i = 0; i < BURST; i += 1) {
      const key = `${h.run}-p${n}`;
      large.push({
        key,
        value: await h.load.encode({ ...base(), text: 'x'.repeat(LARGE_TEXT_BYTES) }),
        code: 'TEXT_TOO_LONG',
      });
      n += 1;
    }
    out.splice(at, 0, ...large);
  }
  return out;
}
