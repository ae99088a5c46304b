// Scenario 8: change data capture with Kafka Connect killed and PostgreSQL restarted mid-stream. All
// private: a broker (Connect's group and internal topics have fixed names, so a second worker on the
// shared broker would join the shared Connect cluster), a PostgreSQL and a Connect worker with
// Debezium, none of the shared stack's. Rows are inserted into the run's inbox table throughout;
// each must come out scored exactly once (Debezium re-sends after a restart; the cdc processor
// drops what it already saw).
import pg from 'pg';
import { checkConnectorRunning } from '../connectors/cdc/connector-rest.ts';
import { connectServer } from '../stack/kafka-connect.ts';
import { serverJava } from '../stack/java.ts';
import { postgresServer } from '../stack/postgres.ts';
import { closedPorts } from '../testkit/ports.ts';
import { type PrivateServer, startPrivateServer } from '../testkit/private-server.ts';
import { type SecondBroker, startSecondBroker } from '../testkit/second-broker.ts';
import { type Harness, type Scenario, failedResult, withHarness } from './harness.ts';
import { sleep } from './parts.ts';

interface Servers {
  broker?: SecondBroker;
  postgres?: PrivateServer;
  connect?: PrivateServer;
}

export const cdc: Scenario = {
  name: 'CDC: Connect killed, PostgreSQL restarted',
  async run({ quick, log }) {
    const started = Date.now();
    const servers: Servers = {};
    try {
      servers.broker = await startSecondBroker();
      const brokers = servers.broker.brokers.join(',');
      const [postgresPort, connectPort] = await closedPorts(2);
      [servers.postgres, servers.connect] = await Promise.all([
        startPrivateServer({
          name: 'postgres',
          env: { SPAMSTREAM_POSTGRES_PORT: String(postgresPort) },
          server: postgresServer,
          stopSignal: 'SIGINT',
        }),
        startPrivateServer({
          name: 'connect',
          env: {
            SPAMSTREAM_CONNECT_PORT: String(connectPort),
            SPAMSTREAM_KAFKA_BROKERS: brokers,
            SPAMSTREAM_CONNECT_HEAP_MB: '384',
          },
          server: (settings) => connectServer(settings, () => serverJava(settings.stack)),
        }),
      ]);
      log(`  private broker, PostgreSQL and Connect up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      const { postgres, connect } = servers as Required<Servers>;
      return await withHarness(
        'cdc',
        {
          SPAMSTREAM_CDC: 'on',
          SPAMSTREAM_KAFKA_BROKERS: brokers,
          SPAMSTREAM_POSTGRES_URL: postgres.settings.cdc.postgresUrl,
          SPAMSTREAM_CONNECT_URL: connect.settings.cdc.connectUrl,
        },
        (h) => scenario(h, quick, log, postgres, connect),
      );
    } catch (error) {
      return failedResult(cdc.name, error, undefined, started);
    } finally {
      for (const server of [servers.connect, servers.postgres, servers.broker])
        await server?.dispose().catch(() => undefined);
    }
  },
};

async function scenario(
  h: Harness,
  quick: boolean,
  log: (line: string) => void,
  postgres: PrivateServer,
  connect: PrivateServer,
) {
  const rows = quick ? 2_000 : 10_000;
  const rate = quick ? 100 : 200;
  await waitForConnector(h);
  await Promise.all([h.parts.startRunning('cdc'), h.parts.startRunning('features'), h.parts.startRunning('scoring')]);
  // Rows flow until after the last fault, however long the servers take to come back.
  const limit = { rows: Number.POSITIVE_INFINITY };
  const inserting = insertRows(h, limit, rate);
  await h.load.waitForSent(rows * 0.25);
  const connectDown = Date.now();
  await connect.kill();
  log(`  Connect killed at ${h.elapsed()}, ${h.load.sentIds.length} rows inserted`);
  await sleep(5_000);
  await connect.start();
  h.note(`Connect killed (kill -9) and started again: down ${((Date.now() - connectDown) / 1000).toFixed(1)} s`);
  log(`  Connect answering again at ${h.elapsed()}`);
  // Its task must be streaming again before PostgreSQL goes: a task that starts while PostgreSQL is
  // away fails for good (seen here: task 0 FAILED, every later row lost) — a separate fault.
  await waitForConnector(h);
  await h.load.waitForSent(Math.max(rows * 0.6, h.load.sentIds.length + rate * 3));
  const postgresDown = Date.now();
  await postgres.stop();
  log(`  PostgreSQL stopped at ${h.elapsed()}, ${h.load.sentIds.length} rows inserted`);
  await sleep(5_000);
  await postgres.start();
  h.note(
    `PostgreSQL stopped (fast shutdown) and started again: down ${((Date.now() - postgresDown) / 1000).toFixed(1)} s`,
  );
  log(`  PostgreSQL answering again at ${h.elapsed()}`);
  limit.rows = Math.max(rows, h.load.sentIds.length + rate * 5);
  await inserting;
  h.note(`${h.load.sentIds.length} rows inserted at ${rate}/s`);
  await h.waitForPredictions(240_000);
  log(`  every prediction present at ${h.elapsed()}`);
  try {
    await checkConnectorRunning(h.config.cdc.connectUrl, h.config.cdc.connector);
  } catch (error) {
    h.check(false, `the connector is not running at the end: ${(error as Error).message}`);
  }
  await h.parts.stopAll();
  return h.result(cdc.name, new Map(), { oncePerId: true });
}

async function waitForConnector(h: Harness): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await checkConnectorRunning(h.config.cdc.connectUrl, h.config.cdc.connector);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** Inserts rows at `rate` per second, ten per transaction; a failed one is tried again until PostgreSQL is back. */
async function insertRows(h: Harness, limit: { rows: number }, rate: number): Promise<void> {
  const table = `${h.config.cdc.schema}.smss_by_users`;
  let client: pg.Client | undefined;
  const begin = Date.now();
  try {
    for (let i = 0; i < limit.rows; i += 10) {
      const batch = await h.load.messages(Math.min(10, limit.rows - i));
      for (;;) {
        try {
          if (!client) {
            client = new pg.Client({ connectionString: h.config.cdc.postgresUrl, connectionTimeoutMillis: 3_000 });
            client.on('error', () => {}); // a server going away: the next query reports it
            await client.connect();
          }
          const values = batch.map((_, j) => `($${4 * j + 1}, $${4 * j + 2}, $${4 * j + 3}, $${4 * j + 4})`).join(', ');
          await client.query(
            `INSERT INTO ${table} (user_id, sms_id, sender_id, sms_text) VALUES ${values}`,
            batch.flatMap((m) => [m.recipient, m.sms_id, m.sender, m.text]),
          );
          break;
        } catch {
          await client?.end().catch(() => undefined);
          client = undefined;
          await sleep(500);
        }
      }
      h.load.sentIds.push(...batch.map((m) => m.sms_id));
      const due = begin + ((i + 10) / rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  } finally {
    await client?.end().catch(() => undefined);
  }
}
