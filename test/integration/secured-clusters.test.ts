// Secured clusters: a private Kafka that only accepts SASL/SCRAM-SHA-256 and a private Cassandra
// with PasswordAuthenticator (testkit/secured-servers.ts; the shared servers are not touched).
// The features processor runs through both with the credentials from the settings — Kafka's
// password from a file, Cassandra's through a role of its own — and wrong passwords fail at once
// with an error naming the server and the settings to check.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../config/config.ts';
import { pingKafka } from '../../connectors/kafka/admin.ts';
import { createKafkaClient } from '../../connectors/kafka/client.ts';
import { createCassandraStores } from '../../connectors/cassandra/store.ts';
import { applyPorts, connectMessaging } from '../../runtime/wiring.ts';
import { startParts } from '../../runtime/pipeline.ts';
import { applyTopology } from '../../topology/apply.ts';
import {
  type AuthCassandra,
  type ScramKafka,
  startAuthCassandra,
  startScramKafka,
} from '../../testkit/secured-servers.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const id = `sec${Date.now().toString(36)}`;
const secrets = mkdtempSync(join(tmpdir(), 'spamstream-secrets-'));
const kafkaUser = { name: 'spamstream-app', password: `scram-${Math.random().toString(36).slice(2)}` };
const appRole = { name: 'spamstream_app', password: `cql-${Math.random().toString(36).slice(2)}` };

describe('secured clusters (SASL/SCRAM Kafka, authenticated Cassandra)', () => {
  let kafka: ScramKafka;
  let cass: AuthCassandra;
  let env: Record<string, string>;
  let config: Config;

  beforeAll(async () => {
    [kafka, cass] = await Promise.all([startScramKafka(kafkaUser), startAuthCassandra()]);
    // The application's own role, created by the default superuser: it may create keyspaces and
    // owns what it creates, nothing more.
    const admin = new cassandra.Client({
      contactPoints: cass.contactPoints,
      localDataCenter: 'datacenter1',
      credentials: { username: 'cassandra', password: 'cassandra' },
    });
    try {
      const role = `CREATE ROLE IF NOT EXISTS ${appRole.name} WITH PASSWORD = '${appRole.password}' AND LOGIN = true`;
      await admin.execute(role);
      await admin.execute(`GRANT CREATE ON ALL KEYSPACES TO ${appRole.name}`);
    } finally {
      await admin.shutdown();
    }
    const passwordFile = join(secrets, 'kafka-password');
    writeFileSync(passwordFile, `${kafkaUser.password}\n`);
    const { SPAMSTREAM_KAFKA_SASL_PASSWORD: _inline, ...kafkaEnv } = kafka.env;
    env = {
      SPAMSTREAM_STACK: 'external',
      SPAMSTREAM_SCHEMA_REGISTRY_URL: loadConfig().registry.url,
      ...kafkaEnv,
      SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE: passwordFile,
      SPAMSTREAM_CASSANDRA_CONTACT_POINTS: cass.env.SPAMSTREAM_CASSANDRA_CONTACT_POINTS!,
      SPAMSTREAM_CASSANDRA_USERNAME: appRole.name,
      SPAMSTREAM_CASSANDRA_PASSWORD: appRole.password,
      SPAMSTREAM_CASSANDRA_KEYSPACE: id,
      SPAMSTREAM_CDC: 'off',
      SPAMSTREAM_TOPIC_RAW: `${id}.raw`,
      SPAMSTREAM_TOPIC_FEATURES: `${id}.features`,
      SPAMSTREAM_TOPIC_PREDICTIONS: `${id}.predictions`,
      SPAMSTREAM_TOPIC_LABELS: `${id}.labels`,
      SPAMSTREAM_TOPIC_VERDICTS: `${id}.verdicts`,
      SPAMSTREAM_TOPIC_QUALITY: `${id}.quality`,
      SPAMSTREAM_TOPIC_DLQ: `${id}.dlq`,
      SPAMSTREAM_TOPIC_REPLAYS: `${id}.replays`,
      SPAMSTREAM_TOPIC_PARTITIONS: '2',
      SPAMSTREAM_GROUP_PREFIX: id,
    };
    config = loadConfig(env);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([kafka?.dispose(), cass?.dispose()]);
  });

  it('runs produce and the features processor through them, and the features are stored and written', async () => {
    expect(config.kafka.saslPassword).toBe(kafkaUser.password); // read from the file
    const messaging = connectMessaging(config);
    try {
      await applyTopology(applyPorts(config, messaging), config);
    } finally {
      await messaging.close();
    }
    const pipeline = await startParts(config, ['features'], () => {});
    const stores = await createCassandraStores(config.cassandra);
    try {
      const texts = ['WINNER!! Claim your £900 prize now', 'see you at 6?', 'Your parcel is waiting: pay £1.99'];
      const { stdout } = await run(process.execPath, [join(root, 'bin', 'spamstream.js'), 'produce', ...texts], {
        cwd: root,
        env: { ...process.env, ...env },
        timeout: 60_000,
      });
      const ids = [...stdout.matchAll(/^(sms-[0-9a-f-]{36})\s/gm)].map((match) => match[1]!);
      expect(ids).toHaveLength(3);
      expect(stdout).not.toContain(kafkaUser.password);

      const deadline = Date.now() + 90_000;
      let stored = 0;
      while (Date.now() < deadline) {
        const rows = await Promise.all(ids.map((smsId) => stores.features.getFeatures(smsId, ['v1', 'v2'])));
        stored = rows.filter((r) => r.length === 2).length;
        if (stored === ids.length) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(stored).toBe(3);
      // The features topic, read back through the secured broker by the CLI's consumer.
      let consumed: string[] = [];
      while (Date.now() < deadline && consumed.length < ids.length) {
        const read = await run(
          process.execPath,
          [
            join(root, 'bin', 'spamstream.js'),
            'consume',
            config.topics.features,
            '--from-beginning',
            '--idle-timeout',
            '3',
          ],
          { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 },
        );
        const lines = read.stdout.trim().split('\n').filter(Boolean);
        consumed = lines.map((line) => (JSON.parse(line) as { sms_id: string }).sms_id);
      }
      expect(consumed.sort()).toEqual([...ids].sort());
    } finally {
      await stores.close();
      await pipeline.stop();
    }
  });

  it('a wrong Kafka password fails within seconds, naming the broker and the settings to check', async () => {
    const started = Date.now();
    const wrong = createKafkaClient({ ...config.kafka, saslPassword: 'not-the-password' });
    const error = await pingKafka(wrong).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error, 'the wrong password was accepted').toBeInstanceOf(Error);
    expect(error!.message).toMatch(/SASL|authentication/i);
    expect(error!.message).toContain(kafka.brokers[0]);
    expect(error!.message).toMatch(/SPAMSTREAM_KAFKA_SASL_PASSWORD/);
    expect(error!.message).not.toContain('not-the-password');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('the CLI with a wrong Kafka password exits non-zero at once with that message', async () => {
    const started = Date.now();
    const outcome = await run(process.execPath, [join(root, 'bin', 'spamstream.js'), 'topology', 'apply'], {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE: '',
        SPAMSTREAM_KAFKA_SASL_PASSWORD: 'nope-nope',
      },
      timeout: 60_000,
    }).then(
      () => undefined,
      (caught: unknown) => caught as { code: number; stderr: string },
    );
    expect(outcome, 'topology apply succeeded with a wrong password').toBeDefined();
    expect(outcome!.code).not.toBe(0);
    expect(outcome!.stderr).toContain(kafka.brokers[0]);
    expect(outcome!.stderr).toMatch(/SPAMSTREAM_KAFKA_SASL_USERNAME/);
    expect(outcome!.stderr).not.toContain('nope-nope');
    expect(Date.now() - started).toBeLessThan(45_000);
  });

  it('a wrong Cassandra password, or none, fails within seconds naming the node and the settings', async () => {
    for (const credentials of [{ password: 'wrong' }, { username: '', password: '' }]) {
      const started = Date.now();
      const error = await createCassandraStores({ ...config.cassandra, ...credentials }).then(
        async (stores) => {
          await stores.close();
          return undefined;
        },
        (caught: unknown) => caught as Error,
      );
      expect(error, `accepted ${JSON.stringify(credentials)}`).toBeInstanceOf(Error);
      expect(error!.message).toContain(cass.contactPoints[0]);
      expect(error!.message).toMatch(/SPAMSTREAM_CASSANDRA_USERNAME/);
      expect(error!.message).not.toContain(appRole.password);
      expect(Date.now() - started).toBeLessThan(20_000);
    }
  });
});
