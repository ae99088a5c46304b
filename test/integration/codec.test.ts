// The RecordCodec contract against the real schema registry.
import { describeCodecContract } from '../../connectors/codec.contract.ts';
import { createAvroCodec } from '../../connectors/registry/avro-codec.ts';
import { createSchemaRegistryClient } from '../../connectors/registry/schema-registry.ts';
import { config } from '../../testkit/real-ports.ts';

describeCodecContract('Apicurio through @kafkajs/confluent-schema-registry', async () => {
  const registry = createSchemaRegistryClient(config.registry);
  return { codec: createAvroCodec(registry.lookup), register: (subject, schema) => registry.register(subject, schema) };
});
