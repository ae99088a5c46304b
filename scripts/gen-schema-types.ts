// Generates schemas/types.ts from the .avsc files, so the TypeScript types cannot drift from the
// schemas: `npm run gen:types` writes it, and schemas/types.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_NAMES, loadSchema } from '../schemas/index.ts';

type Avro =
  | string
  | Avro[]
  | {
      type: Avro;
      name?: string;
      doc?: string;
      fields?: Field[];
      items?: Avro;
      values?: Avro;
      symbols?: string[];
      logicalType?: string;
    };
interface Field {
  name: string;
  type: Avro;
  doc?: string;
}

const PRIMITIVES: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

function generate(): string {
  const interfaces: string[] = [];
  const seen = new Set<string>();
  const typeOf = (schema: Avro): string => {
    if (typeof schema === 'string') return PRIMITIVES[schema] ?? schema.split('.').pop()!;
    if (Array.isArray(schema)) return schema.map(typeOf).join(' | ');
    switch (schema.type) {
      case 'record':
        return record(schema as { name: string; doc?: string; fields: Field[] });
      case 'array':
        return `${wrap(typeOf(schema.items!))}[]`;
      case 'map':
        return `Record<string, ${typeOf(schema.values!)}>`;
      case 'enum':
        return schema.symbols!.map((s) => `'${s}'`).join(' | ');
      default:
        return typeOf(schema.type);
    }
  };
  const wrap = (t: string) => (t.includes(' | ') ? `(${t})` : t);
  const record = (schema: { name: string; doc?: string; fields: Field[] }): string => {
    const name = schema.name.split('.').pop()!;
    if (seen.has(name)) return name;
    seen.add(name);
    const lines = [`${schema.doc ? `/** ${schema.doc} */\n` : ''}export interface ${name} {`];
    for (const field of schema.fields) {
      if (field.doc) lines.push(`  /** ${field.doc} */`);
      lines.push(`  readonly ${field.name}: ${typeOf(field.type)};`);
    }
    lines.push('}');
    interfaces.push(lines.join('\n'));
    return name;
  };
  for (const name of SCHEMA_NAMES) typeOf(loadSchema(name) as Avro);
  return `// Generated from schemas/*.avsc by scripts/gen-schema-types.ts — do not edit; run \`npm run gen:types\`.\n\n${interfaces.join('\n\n')}\n`;
}

export const schemaTypesSource = generate;

if (import.meta.main) {
  writeFileSync(join(import.meta.dirname, '..', 'schemas', 'types.ts'), generate());
  console.log('wrote schemas/types.ts');
}
