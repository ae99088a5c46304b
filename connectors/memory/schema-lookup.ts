// An in-memory schema registry for unit tests: the same SchemaLookup the real registry serves.
import { SpamstreamError } from '../../core/errors.ts';
import type { SchemaLookup } from '../registry/avro-codec.ts';

export interface MemorySchemaLookup extends SchemaLookup {
  register(subject: string, schema: object): number;
}

export function createMemorySchemaLookup(): MemorySchemaLookup {
  const byId = new Map<number, object>();
  const latest = new Map<string, number>();
  return {
    register(subject, schema) {
      const known = [...byId].find(([, s]) => JSON.stringify(s) === JSON.stringify(schema));
      const id = known ? known[0] : byId.size + 1;
      byId.set(id, schema);
      latest.set(subject, id);
      return id;
    },
    async latestId(subject) {
      const id = latest.get(subject);
      if (id === undefined) throw new SpamstreamError('UNKNOWN_SCHEMA', `no schema registered under ${subject}`);
      return id;
    },
    async schemaById(id) {
      const schema = byId.get(id);
      if (!schema) throw new SpamstreamError('UNKNOWN_SCHEMA', `schema id ${id} is not registered`);
      return schema;
    },
  };
}
