// The Confluent-compatible schema registry (Apicurio's /apis/ccompat/v7 locally), through
// @kafkajs/confluent-schema-registry: the SchemaLookup for the codec, registration under
// BACKWARD compatibility for topology apply, and a readiness ping.
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { RegistryConfig } from '../../config/config.ts';
import { SpamstreamError } from '../../core/errors.ts';
import type { SchemaLookup } from './avro-codec.ts';

export interface SchemaRegistryClient {
  readonly lookup: SchemaLookup;
  /**
   * Registers the schema under the subject with BACKWARD compatibility and returns its id.
   * Idempotent: registering the same schema again returns the same id. An incompatible schema
   * rejects with INVALID_FIELD and the registry's message.
   */
  register(subject: string, schema: object): Promise<number>;
  ping(): Promise<void>;
}

export function createSchemaRegistryClient(config: RegistryConfig): SchemaRegistryClient {
  const registry = new SchemaRegistry({ host: config.url, retry: { retries: 2 } });

  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw registryError(what, error);
    }
  };

  return {
    lookup: {
      latestId: (subject) => call(`latest schema of ${subject}`, () => registry.getLatestSchemaId(subject)),
      schemaById: (id) =>
        call(`schema ${id}`, async () => {
          const type = (await registry.getSchema(id)) as unknown as { schema(options: { exportAttrs: boolean }): object };
          return type.schema({ exportAttrs: true });
        }),
    },
    async register(subject, schema) {
      // Setting the subject's own rule first keeps the client's compatibility check meaningful:
      // a registry that reports no rule (Apicurio answers NONE) would otherwise refuse re-registration.
      await call(`compatibility of ${subject}`, () => putJson(`${config.url}/config/${encodeURIComponent(subject)}`, { compatibility: 'BACKWARD' }));
      const { id } = await call(`registration of ${subject}`, () =>
        registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject, compatibility: COMPATIBILITY.BACKWARD }),
      );
      return id;
    },
    ping: () => call('subjects', async () => void (await getJson(`${config.url}/subjects`))),
  };
}

async function putJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw Object.assign(new Error(`${response.status} ${await response.text()}`), { status: response.status });
  return response.json();
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw Object.assign(new Error(`${response.status} ${await response.text()}`), { status: response.status });
  return response.json();
}

/** Maps the client's errors onto the catalogue: 404 → UNKNOWN_SCHEMA, 409/422 → INVALID_FIELD, else unavailable. */
function registryError(what: string, error: unknown): SpamstreamError {
  if (error instanceof SpamstreamError) return error;
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 404) return new SpamstreamError('UNKNOWN_SCHEMA', `${what}: not found in the registry`, { cause: error });
  if (status === 409 || status === 422) return new SpamstreamError('INVALID_FIELD', `${what}: rejected by the registry: ${message}`, { cause: error });
  if (error instanceof Error && error.name.startsWith('ConfluentSchemaRegistry')) return new SpamstreamError('INVALID_FIELD', `${what}: ${message}`, { cause: error });
  return new SpamstreamError('REGISTRY_UNAVAILABLE', `${what}: the schema registry did not answer: ${message}`, { cause: error });
}
