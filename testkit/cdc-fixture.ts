// A CDC pipeline on the real stack: the run's own PostgreSQL schema (with its smss_by_users table),
// Debezium connector, replication slot, publication and topics; removed again by `close`, since a
// forgotten replication slot would make PostgreSQL keep WAL forever.
import pg from 'pg';
import { checkConnectorRunning, deleteConnector } from '../connectors/cdc/connector-rest.ts';
import { type PartName, type RunningPipeline, startParts } from '../runtime/pipeline.ts';
import type { Messaging } from '../runtime/wiring.ts';
import { type PipelineFixture, pipelineFixture, sleep } from './pipeline-fixture.ts';
import { type ReadOptions, type ReadRecord, readTopic } from './read-topic.ts';

export interface CdcFixture extends PipelineFixture {
  /** Plain SQL on the inbox database. */
  readonly sql: pg.Client;
  /** `schema.smss_by_users` of this run. */
  readonly table: string;
  waitForConnector(timeoutMs?: number): Promise<void>;
  /** The change events of the CDC topic as parsed JSON. */
  readChanges(options?: ReadOptions<Record<string, unknown>>): Promise<ReadRecord<Record<string, unknown>>[]>;
}

export function jsonMessaging(messaging: Messaging): Messaging {
  return {
    ...messaging,
    codec: { ...messaging.codec, decode: async <T>(bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as T },
  };
}

export async function cdcFixture(overrides: Record<string, string> = {}): Promise<CdcFixture> {
  const fixture = await pipelineFixture(overrides, { cdc: true });
  const { cdc } = fixture.config;
  const sql = new pg.Client({ connectionString: cdc.postgresUrl });
  await sql.connect();
  return {
    ...fixture,
    sql,
    table: `${cdc.schema}.smss_by_users`,
    async waitForConnector(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          return await checkConnectorRunning(cdc.connectUrl, cdc.connector);
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(300);
        }
      }
    },
    readChanges: (options) => readTopic(jsonMessaging(fixture.messaging), fixture.config.topics.cdc, options),
    async close() {
      await deleteConnector(cdc.connectUrl, cdc.connector).catch(() => undefined);
      // The slot stays active until the deleted connector's task has stopped: retry for a while.
      for (let attempt = 0; attempt < 50; attempt += 1) {
        try {
          await sql.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
            cdc.slot,
          ]);
          break;
        } catch {
          await sleep(200);
        }
      }
      await sql.query(`DROP PUBLICATION IF EXISTS ${cdc.slot}`);
      await sql.query(`DROP SCHEMA IF EXISTS ${cdc.schema} CASCADE`);
      await sql.end();
      await fixture.close();
    },
  };
}

export interface RunningCdcPipeline extends CdcFixture {
  readonly pipeline: RunningPipeline;
}

/** A CDC fixture whose connector runs, with `parts` of the pipeline started on it; `close` stops both. */
export async function runningCdcPipeline(
  parts: readonly PartName[],
  overrides: Record<string, string> = {},
): Promise<RunningCdcPipeline> {
  const fixture = await cdcFixture(overrides);
  try {
    await fixture.waitForConnector();
    const pipeline = await startParts(fixture.config, parts, () => {});
    return {
      ...fixture,
      pipeline,
      async close() {
        await pipeline.stop();
        await fixture.close();
      },
    };
  } catch (error) {
    await fixture.close();
    throw error;
  }
}
