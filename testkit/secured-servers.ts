// A private Kafka that only speaks SASL/SCRAM and a private Cassandra with PasswordAuthenticator,
// for the secured-cluster test: the launcher's own servers (stack/kafka.ts, stack/cassandra.ts,
// same versions, jars from the cache) on free ports in a temp folder — the shared servers on
// 9092/9042 serve every other test and are never touched. As with the second broker, a watchdog
// shell SIGKILLs each JVM and removes its data as soon as the test process is gone.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config/config.ts';
import { cassandraServer } from '../stack/cassandra.ts';
import { serverJava } from '../stack/java.ts';
import { kafkaServer } from '../stack/kafka.ts';
import { isAlive, logFile, startDetached, stopProcess, tail } from '../stack/process.ts';
import { type Server, serverDir } from '../stack/server.ts';
import { closedPorts } from './ports.ts';

export interface PrivateServer {
  /** Stops the JVM and removes its data: for afterAll. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `server` (prepared in `dataDir`), waits until its probe answers, and arms the watchdog. */
async function startPrivate(
  server: Server,
  settings: Config,
  dataDir: string,
  timeoutMs: number,
): Promise<PrivateServer> {
  const dir = serverDir(settings, server.name);
  const log = logFile(dir, server.name);
  const pid = await startDetached(dir, log, await server.prepare(() => {}));
  const orphaned = `kill -9 ${pid}; sleep 1; rm -rf '${dataDir}'`;
  const watch = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${orphaned}`;
  const watchdog: ChildProcess = spawn('sh', ['-c', watch], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  const dispose = async () => {
    if (isAlive(pid)) await stopProcess(pid, 20_000);
    watchdog.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await server.probe();
      return { dispose };
    } catch (error) {
      if (!isAlive(pid) || Date.now() > deadline) {
        const why = `${isAlive(pid) ? 'no answer in time' : 'exited'} (${(error as Error).message})`;
        const lines = tail(log, 30);
        await dispose();
        throw new Error(`private ${server.name} ${server.endpoint}: ${why}\n${lines}`);
      }
    }
    await sleep(500);
  }
}

/** The settings of a private server: its ports and folder, the cache and Java of the real ones. */
function privateSettings(dataDir: string, env: Record<string, string>): Config {
  return loadConfig({
    SPAMSTREAM_CACHE_DIR: loadConfig().stack.cacheDir,
    SPAMSTREAM_STACK_DIR: dataDir,
    SPAMSTREAM_JAVA: process.env.SPAMSTREAM_JAVA ?? '',
    ...env,
  });
}

export interface ScramKafka extends PrivateServer {
  readonly brokers: string[];
  /** The settings a client needs, to merge into a configuration's environment. */
  readonly env: Record<string, string>;
}

/**
 * Kafka whose only client listener is SASL_PLAINTEXT with SCRAM-SHA-256; the broker talks to
 * itself over it too, as the admin user. Both users are created by the storage format (`--add-scram`).
 */
export async function startScramKafka(user: { name: string; password: string }): Promise<ScramKafka> {
  const dataDir = await mkdtemp(join(tmpdir(), 'spamstream-scram-'));
  const [port, controllerPort] = await closedPorts(2);
  const admin = { name: 'broker-admin', password: `admin-${Math.random().toString(36).slice(2)}` };
  const env = {
    SPAMSTREAM_KAFKA_BROKERS: `127.0.0.1:${port}`,
    SPAMSTREAM_KAFKA_SASL_MECHANISM: 'scram-sha-256',
    SPAMSTREAM_KAFKA_SASL_USERNAME: user.name,
    SPAMSTREAM_KAFKA_SASL_PASSWORD: user.password,
  };
  const settings = privateSettings(dataDir, {
    ...env,
    SPAMSTREAM_KAFKA_PORT: String(port),
    SPAMSTREAM_KAFKA_CONTROLLER_PORT: String(controllerPort),
    SPAMSTREAM_KAFKA_HEAP_MB: '256',
  });
  const login = 'org.apache.kafka.common.security.scram.ScramLoginModule required';
  const jaas = `${login} username="${admin.name}" password="${admin.password}";`;
  const server = kafkaServer(settings, () => serverJava(settings.stack), {
    properties: {
      listeners: `SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${port}`,
      'inter.broker.listener.name': 'SASL_PLAINTEXT',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-256',
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': jaas,
    },
    formatArgs: [
      '--add-scram',
      `SCRAM-SHA-256=[name=${admin.name},password=${admin.password}]`,
      '--add-scram',
      `SCRAM-SHA-256=[name=${user.name},password=${user.password}]`,
    ],
  });
  try {
    const running = await startPrivate(server, settings, dataDir, 120_000);
    return { ...running, brokers: [...settings.kafka.brokers], env };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

export interface AuthCassandra extends PrivateServer {
  readonly contactPoints: string[];
  /** Contact points, data center and the default superuser (cassandra/cassandra). */
  readonly env: Record<string, string>;
}

/** A single Cassandra node that requires a user name and password (PasswordAuthenticator). */
export async function startAuthCassandra(): Promise<AuthCassandra> {
  const dataDir = await mkdtemp(join(tmpdir(), 'spamstream-authcass-'));
  const [port, storagePort] = await closedPorts(2);
  const env = {
    SPAMSTREAM_CASSANDRA_CONTACT_POINTS: `127.0.0.1:${port}`,
    SPAMSTREAM_CASSANDRA_USERNAME: 'cassandra',
    SPAMSTREAM_CASSANDRA_PASSWORD: 'cassandra',
  };
  const settings = privateSettings(dataDir, {
    ...env,
    SPAMSTREAM_CASSANDRA_PORT: String(port),
    SPAMSTREAM_CASSANDRA_STORAGE_PORT: String(storagePort),
    SPAMSTREAM_CASSANDRA_HEAP_MB: '512',
  });
  const server = cassandraServer(settings, () => serverJava(settings.stack), {
    yaml: 'authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\n',
    // The default superuser is created at once rather than after the usual delay.
    jvmArgs: ['-Dcassandra.superuser_setup_delay_ms=0'],
  });
  try {
    const running = await startPrivate(server, settings, dataDir, 240_000);
    return { ...running, contactPoints: [...settings.cassandra.contactPoints], env };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
