import { describeCodecContract } from '../codec.contract.ts';
import { createAvroCodec } from '../registry/avro-codec.ts';
import { createMemorySchemaLookup } from './schema-lookup.ts';

describeCodecContract('in-memory registry', async () => {
  const lookup = createMemorySchemaLookup();
  return { codec: createAvroCodec(lookup), register: async (subject, schema) => lookup.register(subject, schema) };
});
