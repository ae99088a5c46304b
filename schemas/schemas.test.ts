import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { schemaTypesSource } from '../scripts/gen-schema-types.ts';
import { SCHEMA_NAMES, loadSchema } from './index.ts';

describe('schemas', () => {
  it('generated types match the .avsc files (run `npm run gen:types` when this fails)', () => {
    expect(readFileSync(join(import.meta.dirname, 'types.ts'), 'utf8')).toBe(schemaTypesSource());
  });

  it.each(SCHEMA_NAMES)('%s is a valid Avro schema that round-trips a record', (name) => {
    const type = avro.Type.forSchema(loadSchema(name) as avro.Schema);
    const sample = type.random();
    expect(type.fromBuffer(type.toBuffer(sample))).toEqual(sample);
  });

  it('sms.raw keeps accepting records written before `source` existed (BACKWARD)', () => {
    const current = avro.Type.forSchema(loadSchema('sms-raw') as avro.Schema);
    const older = avro.Type.forSchema({
      ...(loadSchema('sms-raw') as { fields: { name: string }[] }),
      fields: (loadSchema('sms-raw') as { fields: { name: string }[] }).fields.filter((f) => f.name !== 'source'),
    } as avro.Schema);
    const resolver = current.createResolver(older);
    const bytes = older.toBuffer({ sms_id: 'a', sender: 's', recipient: 'r', text: 't', received_at: 1 });
    expect(current.fromBuffer(bytes, resolver)).toMatchObject({ sms_id: 'a', source: 'unknown' });
  });
});
