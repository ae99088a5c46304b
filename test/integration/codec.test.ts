// The RecordCodec contract against the real schema registry, directly and through a fallback list.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCodecContract } from '../../connectors/codec.contract.ts';
import { createAvroCodec } from '../../connectors/registry/avro-codec.ts';
import { createSchemaRegistryClient } from '../../connectors/registry/schema-registry.ts';
import { config } from '../../testkit/real-ports.ts';
import { type HttpPeer, startHttpPeer } from '../../testkit/http-peer.ts';

describeCodecContract('Apicurio through @kafkajs/confluent-schema-registry', async () => {
  const registry = createSchemaRegistryClient(config.registry);
  return { codec: createAvroCodec(registry.lookup), register: (subject, schema) => registry.register(subject, schema) };
});

// The same contract through a registry whose first instance is down: every call goes to the next.
describeCodecContract('a registry whose first instance does not answer, and its fallback', async () => {
  const registry = createSchemaRegistryClient({
    ...config.registry,
    url: 'http://127.0.0.1:1',
    fallbackUrls: [config.registry.url],
  });
  return { codec: createAvroCodec(registry.lookup), register: (subject, schema) => registry.register(subject, schema) };
});

describe('registry fallback', () => {
  let refused = 0;
  let failing: HttpPeer;
  let failingUrl = '';
  beforeAll(async () => {
    // An instance that answers every request with 503, as one that is shutting down would.
    failing = await startHttpPeer((_request, response) => {
      refused++;
      response.writeHead(503).end('unavailable');
    });
    failingUrl = failing.url;
  });
  afterAll(() => failing.close());

  it('moves to the instance that answers and stays with it', async () => {
    const registry = createSchemaRegistryClient({
      ...config.registry,
      url: failingUrl,
      fallbackUrls: [config.registry.url],
    });
    const subject = `fallback-${randomUUID()}-value`;
    const id = await registry.register(subject, { type: 'record', name: 'Fallback', fields: [] });
    expect(refused).toBeGreaterThan(0);
    const before = refused;
    expect(await registry.lookup.latestId(subject)).toBe(id);
    await registry.ping();
    expect(refused).toBe(before);
  });

  it('passes on what an answering registry says, without trying elsewhere', async () => {
    const registry = createSchemaRegistryClient({ ...config.registry, fallbackUrls: [failingUrl] });
    const before = refused;
    await expect(registry.lookup.latestId(`missing-${randomUUID()}-value`)).rejects.toMatchObject({
      code: 'UNKNOWN_SCHEMA',
    });
    expect(refused).toBe(before);
  });

  it('fails as unavailable when no instance answers', async () => {
    const registry = createSchemaRegistryClient({ url: failingUrl, fallbackUrls: ['http://127.0.0.1:1'] });
    await expect(registry.ping()).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
  });
});
