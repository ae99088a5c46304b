// The Confluent-compatible schema registry (Apicurio's /apis/ccompat/v7 locally), through
// @kafkajs/confluent-schema-registry: the SchemaLookup for the codec, registration under
// BACKWARD compatibility for topology apply, and a readiness ping.
import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { RegistryConfig } from '../../config/config.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { tlsOptions } from '../tls.ts';
import type { SchemaLookup } from './avro-codec.ts';

/** How long any request to the registry may go unanswered. */
const REQUEST_TIMEOUT_MS = 5_000;

type RegistryOptions = ConstructorParameters<typeof SchemaRegistry>[0];

interface TimedRequest {
  timeout(): number | undefined;
  enhance(extras: { timeout: number }): TimedRequest;
}

/** A middleware of mappersmith (the client library's HTTP layer): a request without a time limit gets ours. */
const timeLimit = () => ({
  async prepareRequest(next: () => Promise<TimedRequest>): Promise<TimedRequest> {
    const request = await next();
    return request.timeout() ? request : request.enhance({ timeout: REQUEST_TIMEOUT_MS });
  },
});

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

/** Where the registry is and how to reach it; only the URL is needed for an open one. */
export type RegistryAccess = Pick<RegistryConfig, 'url'> & Partial<RegistryConfig>;

interface Access {
  /** Basic auth (a user name is required, the password may be empty). */
  readonly auth?: { username: string; password: string };
  /** For https with a CA of its own: every request, the client library's and ours, uses it. */
  readonly agent?: HttpsAgent;
}

function accessOf(config: RegistryAccess): Access {
  const https = config.url.startsWith('https:');
  const tls = https && config.caFile ? tlsOptions({ ca: config.caFile }, 'SPAMSTREAM_SCHEMA_REGISTRY') : undefined;
  return {
    ...(config.username ? { auth: { username: config.username, password: config.password ?? '' } } : {}),
    ...(tls ? { agent: new HttpsAgent({ keepAlive: true, ...tls }) } : {}),
  };
}

/**
 * The registry at `url`, and with `fallbackUrls` the next instance in turn while the one in use
 * does not answer (REGISTRY_UNAVAILABLE); the client stays with the last one that answered. Any
 * other failure is the registry's answer and is not retried elsewhere.
 */
export function createSchemaRegistryClient(config: RegistryAccess): SchemaRegistryClient {
  const urls = [config.url, ...(config.fallbackUrls ?? [])];
  if (urls.length === 1) return instanceClient(config);
  const clients = urls.map((url) => instanceClient({ ...config, url }));
  let current = 0;
  const failover = async <T>(use: (client: SchemaRegistryClient) => Promise<T>): Promise<T> => {
    let unanswered: unknown;
    for (let tried = 0; tried < clients.length; tried++) {
      const index = (current + tried) % clients.length;
      try {
        const result = await use(clients[index]!);
        current = index;
        return result;
      } catch (error) {
        if (!(error instanceof SpamstreamError) || error.code !== 'REGISTRY_UNAVAILABLE') throw error;
        unanswered = error;
      }
    }
    throw unanswered;
  };
  return {
    lookup: {
      latestId: (subject) => failover((client) => client.lookup.latestId(subject)),
      schemaById: (id) => failover((client) => client.lookup.schemaById(id)),
    },
    register: (subject, schema) => failover((client) => client.register(subject, schema)),
    ping: () => failover((client) => client.ping()),
  };
}

function instanceClient(config: RegistryAccess): SchemaRegistryClient {
  const access = accessOf(config);
  // The client library's requests have no time limit of their own: one that never gets an answer
  // (a keep-alive connection the registry closed as it was reused) held its schema id's lookup,
  // and every record waiting on it, for good — the full poison scenario's stalls. 5 s, like ours.
  const registry = new SchemaRegistry({
    host: config.url,
    retry: { retries: 2 },
    middlewares: [timeLimit as unknown as NonNullable<RegistryOptions['middlewares']>[number]],
    ...access,
  });
  const json = (method: 'GET' | 'PUT', url: string, body?: unknown) => requestJson(method, url, access, body);

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
          const type = (await registry.getSchema(id)) as unknown as {
            schema(options: { exportAttrs: boolean }): object;
          };
          return type.schema({ exportAttrs: true });
        }),
    },
    async register(subject, schema) {
      // Setting the subject's own rule first keeps the client's compatibility check meaningful:
      // a registry that reports no rule (Apicurio answers NONE) would otherwise refuse re-registration.
      const rule = `${config.url}/config/${encodeURIComponent(subject)}`;
      await call(`compatibility of ${subject}`, () => json('PUT', rule, { compatibility: 'BACKWARD' }));
      const { id } = await call(`registration of ${subject}`, () =>
        registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
          { subject, compatibility: COMPATIBILITY.BACKWARD },
        ),
      );
      return id;
    },
    ping: () => call('subjects', async () => void (await json('GET', `${config.url}/subjects`))),
  };
}

/**
 * One JSON request with the registry's credentials and TLS agent, 5 s at most. Node's fetch takes
 * neither an https.Agent nor a CA, hence node:http(s). A non-2xx answer rejects with its status.
 */
function requestJson(method: 'GET' | 'PUT', url: string, access: Access, body?: unknown): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (payload !== undefined) headers['content-type'] = 'application/vnd.schemaregistry.v1+json';
  if (access.auth) {
    const { username, password } = access.auth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const options = { method, headers, timeout: REQUEST_TIMEOUT_MS, ...(access.agent ? { agent: access.agent } : {}) };
    const request = send(url, options, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          return reject(Object.assign(new Error(`${status} ${text.slice(0, 500)}`), { status }));
        }
        try {
          resolve(text === '' ? undefined : JSON.parse(text));
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** Maps the client's errors onto the catalogue: 404 → UNKNOWN_SCHEMA, 409/422 → INVALID_FIELD, else unavailable. */
function registryError(what: string, error: unknown): SpamstreamError {
  if (error instanceof SpamstreamError) return error;
  const status = (error as { status?: number }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401 || status === 403) {
    const hint = 'check SPAMSTREAM_SCHEMA_REGISTRY_USERNAME and SPAMSTREAM_SCHEMA_REGISTRY_PASSWORD';
    const message = `${what}: the schema registry refused the credentials (${status}): ${hint}`;
    return new SpamstreamError('REGISTRY_UNAVAILABLE', message, { cause: error });
  }
  if (status === 404)
    return new SpamstreamError('UNKNOWN_SCHEMA', `${what}: not found in the registry`, { cause: error });
  if (status === 409 || status === 422)
    return new SpamstreamError('INVALID_FIELD', `${what}: rejected by the registry: ${message}`, { cause: error });
  if (error instanceof Error && error.name.startsWith('ConfluentSchemaRegistry'))
    return new SpamstreamError('INVALID_FIELD', `${what}: ${message}`, { cause: error });
  return new SpamstreamError('REGISTRY_UNAVAILABLE', `${what}: the schema registry did not answer: ${message}`, {
    cause: error,
  });
}
