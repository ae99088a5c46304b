// Apicurio's Confluent-compatible API through @kafkajs/confluent-schema-registry: an Avro record through
// Kafka and back, re-registering a subject, and the compatibility rule doing its job. Names are unique per
// run, so the tests can be repeated against a long-lived stack.
import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { registryCall as rawRegistryCall } from '../../testkit/registry-call.ts';
import { createTopicsAndWait } from '../../connectors/kafka/admin.ts';

const config = loadConfig();
const run = randomUUID().slice(0, 8);
const requested: string[] = [];
const registry = new SchemaRegistry({
  host: config.registry.url,
  // Records every URL the client calls, to check that the /apis/ccompat/v7 prefix is kept.
  middlewares: [
    () => ({
      prepareRequest: (next) =>
        next().then((request) => {
          requested.push(request.url());
          return request;
        }),
    }),
  ],
});
const kafka = new Kafka({
  clientId: 'spamstream-stack-test',
  brokers: [...config.kafka.brokers],
  logLevel: logLevel.NOTHING,
});

const record = (name: string, extraFields: object[] = []) => ({
  type: 'record',
  name,
  namespace: 'spamstream.stacktest',
  fields: [{ name: 'id', type: 'string' }, { name: 'score', type: 'double' }, ...extraFields],
});
const avro = (schema: object) => ({ type: SchemaType.AVRO as const, schema: JSON.stringify(schema) });

const registryCall = (method: string, path: string, body?: object) =>
  rawRegistryCall(config.registry.url, method, path, body);

afterAll(() => {
  expect(requested.length).toBeGreaterThan(0);
  for (const url of requested) expect(url.startsWith(`${config.registry.url}/`), url).toBe(true);
});

describe('Avro through the registry and Kafka', () => {
  it('registers, encodes, produces, consumes and decodes the same record', async () => {
    const subject = `stack-test.roundtrip.${run}-value`;
    const topic = `stack-test.avro.${run}`;
    const { id } = await registry.register(avro(record('Scored')), { subject });
    const value = { id: `sms-${run}`, score: 0.875 };
    const encoded = await registry.encode(id, value);
    expect(encoded[0]).toBe(0); // Confluent framing: magic byte, then the 4-byte schema id
    expect(encoded.readInt32BE(1)).toBe(id);

    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic }]);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: value.id, value: encoded }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `stack-test.avro.${run}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<Buffer>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!) });
    });
    await consumer.disconnect();
    expect(await registry.decode(received)).toEqual(value);
  });

  it('registers an existing subject again: same schema, same id', async () => {
    const subject = `stack-test.again.${run}-value`;
    const first = await registry.register(avro(record('Again')), { subject });
    // The client's first registration also set the subject's own rule to BACKWARD, which is what
    // lets the second pass its check of the subject's compatibility.
    expect(await registryCall('GET', `/config/${subject}`)).toEqual({
      status: 200,
      json: { compatibilityLevel: 'BACKWARD' },
    });
    const second = await registry.register(avro(record('Again')), { subject });
    expect(second.id).toBe(first.id);
    expect((await registryCall('GET', `/subjects/${subject}/versions`)).json).toEqual([1]);
  });

  it('needs the subject rule set before registering a subject another tool created (Apicurio answers NONE)', async () => {
    const subject = `stack-test.foreign.${run}-value`;
    expect(
      (await registryCall('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(record('Foreign')) }))
        .status,
    ).toBe(200);
    expect(await registryCall('GET', `/config/${subject}`)).toEqual({
      status: 200,
      json: { compatibilityLevel: 'NONE' },
    });
    await expect(registry.register(avro(record('Foreign')), { subject })).rejects.toThrow(/BACKWARD != NONE/);

    expect((await registryCall('PUT', `/config/${subject}`, { compatibility: 'BACKWARD' })).status).toBe(200);
    const evolved = record('Foreign', [{ name: 'note', type: ['null', 'string'], default: null }]);
    const { id } = await registry.register(avro(evolved), { subject });
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
  });

  it('rejects an incompatible change under BACKWARD: a new field without a default', async () => {
    const subject = `stack-test.incompatible.${run}-value`;
    await registry.register(avro(record('Strict')), { subject });
    const breaking = record('Strict', [{ name: 'language', type: 'string' }]);
    await expect(registry.register(avro(breaking), { subject })).rejects.toMatchObject({ status: 409 });
    expect((await registryCall('GET', `/subjects/${subject}/versions`)).json).toEqual([1]);
  });
});
