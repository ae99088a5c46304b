// The Debezium connector of the inbox table, registered in Kafka Connect through its REST API.
// The configuration is the file debezium-postgres.json beside this one, with `${name}` placeholders
// filled from the settings: per-run names (connector, slot, schema, topic) keep tests apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CdcConfig, type TopicsConfig, postgresConnectionUrl } from '../../config/config.ts';
import { SpamstreamError } from '../../core/errors.ts';

export const CONNECTOR_FILE = join(import.meta.dirname, 'debezium-postgres.json');

/** The connector's configuration: the file with every `${name}` replaced; an unknown name throws. */
export function connectorConfig(
  cdc: CdcConfig,
  topics: Pick<TopicsConfig, 'cdc'>,
  template = readFileSync(CONNECTOR_FILE, 'utf8'),
): Record<string, string> {
  const url = new URL(postgresConnectionUrl(cdc));
  const values: Record<string, string> = {
    host: cdc.databaseHost || url.hostname,
    port: url.port || '5432',
    user: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, '') || 'postgres',
    connector: cdc.connector,
    slot: cdc.slot,
    schema: cdc.schema,
    topic: topics.cdc,
  };
  const raw = JSON.parse(template) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(raw).map(([key, value]) => [
      key,
      value.replace(/\$\{(\w+)\}/g, (_, name: string) => {
        if (!(name in values)) throw new Error(`${CONNECTOR_FILE}: unknown placeholder \${${name}} in ${key}`);
        return values[name]!;
      }),
    ]),
  );
}

export interface ConnectorState {
  readonly connector: string;
  /** One state per task: RUNNING, FAILED, PAUSED, UNASSIGNED… */
  readonly tasks: readonly { id: number; state: string; trace?: string }[];
}

async function call(method: string, url: string, body?: unknown): Promise<Response> {
  try {
    return await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause =
      (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new SpamstreamError('STORE_UNAVAILABLE', `Kafka Connect: ${method} ${url}: ${cause}`);
  }
}

/**
 * Creates or updates the connector (`PUT /connectors/<name>/config` is idempotent); resolves with
 * whether it was created. Connect refusing the configuration rejects with its message.
 */
export async function putConnector(
  connectUrl: string,
  name: string,
  config: Record<string, string>,
): Promise<'created' | 'updated'> {
  const response = await call('PUT', `${connectUrl}/connectors/${encodeURIComponent(name)}/config`, config);
  if (!response.ok)
    throw new Error(
      `Kafka Connect refused connector ${name} (${response.status}): ${(await response.text()).slice(0, 1000)}`,
    );
  return response.status === 201 ? 'created' : 'updated';
}

/** The connector's and its tasks' states, or undefined when there is no such connector. */
export async function connectorState(connectUrl: string, name: string): Promise<ConnectorState | undefined> {
  const response = await call('GET', `${connectUrl}/connectors/${encodeURIComponent(name)}/status`);
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new SpamstreamError('STORE_UNAVAILABLE', `Kafka Connect: status of ${name} answered ${response.status}`);
  const body = (await response.json()) as {
    connector: { state: string };
    tasks: { id: number; state: string; trace?: string }[];
  };
  return { connector: body.connector.state, tasks: body.tasks };
}

/** Rejects unless the connector and all its (at least one) tasks are RUNNING: the `/ready` check. */
export async function checkConnectorRunning(connectUrl: string, name: string): Promise<void> {
  const state = await connectorState(connectUrl, name);
  if (!state) throw new Error(`connector ${name} is not registered (run topology apply)`);
  const failed = state.tasks.filter((task) => task.state !== 'RUNNING');
  if (state.connector !== 'RUNNING' || state.tasks.length === 0 || failed.length > 0) {
    const tasks = state.tasks.map((task) => `task ${task.id} ${task.state}`).join(', ') || 'no task yet';
    throw new Error(`connector ${name} is ${state.connector} (${tasks})`);
  }
}

/** Deletes the connector (tests clean up after themselves); a missing one is fine. */
export async function deleteConnector(connectUrl: string, name: string): Promise<void> {
  const response = await call('DELETE', `${connectUrl}/connectors/${encodeURIComponent(name)}`);
  if (!response.ok && response.status !== 404)
    throw new Error(`Kafka Connect: DELETE ${name} answered ${response.status}`);
}

/**
 * Restarts the connector's failed tasks, if any: Kafka Connect never does by itself, so a Debezium
 * task that started while PostgreSQL was away stays FAILED until asked. Resolves with how many
 * tasks had failed (0: nothing was asked).
 */
export async function restartFailedTasks(connectUrl: string, name: string): Promise<number> {
  const state = await connectorState(connectUrl, name);
  const failed = state?.tasks.filter((task) => task.state === 'FAILED').length ?? 0;
  if (!state || (failed === 0 && state.connector !== 'FAILED')) return 0;
  const url = `${connectUrl}/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=true`;
  const response = await call('POST', url);
  if (!response.ok)
    throw new SpamstreamError('STORE_UNAVAILABLE', `Kafka Connect: restart of ${name} answered ${response.status}`);
  return Math.max(failed, 1);
}
