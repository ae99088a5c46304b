// A private single-node Kafka for tests that restart, kill or freeze a broker: the shared one on
// 9092 serves every other test running at the same time, so it must never be touched. This one
// runs the launcher's own Kafka (same version, jars from the cache) on free ports in a temp folder.
// A watchdog shell process SIGKILLs the broker as soon as the test process is gone, however it
// ends (a failed hook, a killed vitest worker), so no JVM nor its data outlives its test.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/config.ts';
import { serverJava } from '../../stack/java.ts';
import { kafkaServer } from '../../stack/kafka.ts';
import { isAlive, logFile, startDetached, stopProcess, tail } from '../../stack/process.ts';
import { serverDir } from '../../stack/server.ts';
import { closedPort } from './ports.ts';

export interface SecondBroker {
  readonly brokers: string[];
  /** The JVM's pid while it runs. */
  readonly pid: () => number | undefined;
  /** Starts it again on the same ports and data (after stop or kill); resolves once it answers. */
  start(): Promise<void>;
  /** SIGTERM (a clean shutdown), SIGKILL after 20 s. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: the broker keeps its sockets open but answers nothing. */
  pause(): void;
  /** SIGCONT after pause. */
  resume(): void;
  /** Stops it (whatever its state) and removes its data: for afterAll. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSecondBroker(options: { startTimeoutMs?: number } = {}): Promise<SecondBroker> {
  const dataDir = await mkdtemp(join(tmpdir(), 'spamstream-broker-'));
  const port = await closedPort();
  let controllerPort = await closedPort();
  while (controllerPort === port) controllerPort = await closedPort();
  // Only what the Kafka launcher reads; the shared stack's endpoints in the environment stay out.
  const settings = loadConfig({
    SPAMSTREAM_CACHE_DIR: loadConfig().stack.cacheDir,
    SPAMSTREAM_STACK_DIR: dataDir,
    SPAMSTREAM_KAFKA_PORT: String(port),
    SPAMSTREAM_KAFKA_CONTROLLER_PORT: String(controllerPort),
    SPAMSTREAM_KAFKA_HEAP_MB: '256',
    SPAMSTREAM_JAVA: process.env.SPAMSTREAM_JAVA ?? '',
  });
  const server = kafkaServer(settings, () => serverJava(settings.stack));
  const dir = serverDir(settings, 'kafka');
  const brokers = [...settings.kafka.brokers];
  let pid: number | undefined;
  let watchdog: ChildProcess | undefined;

  const signal = (name: NodeJS.Signals) => {
    if (pid === undefined) return;
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  const disarm = () => {
    watchdog?.kill('SIGKILL');
    watchdog = undefined;
  };
  const exited = async () => {
    if (pid !== undefined) while (isAlive(pid)) await sleep(50);
    pid = undefined;
    disarm();
  };

  const start = async () => {
    if (pid !== undefined && isAlive(pid)) throw new Error(`the second broker is already running (pid ${pid})`);
    const launch = await server.prepare(() => {});
    pid = await startDetached(dir, logFile(dir, 'kafka'), launch);
    const orphaned = `kill -CONT ${pid}; kill -9 ${pid}; sleep 1; rm -rf '${dataDir}'`;
    const watch = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${orphaned}`;
    watchdog = spawn('sh', ['-c', watch], { detached: true, stdio: 'ignore' });
    watchdog.unref();
    const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
    for (;;) {
      try {
        await server.probe();
        return;
      } catch (error) {
        const problem = error instanceof Error ? error.message : String(error);
        const gone = !isAlive(pid);
        if (gone || Date.now() > deadline) {
          if (!gone) signal('SIGKILL');
          await exited();
          const why = `${gone ? 'exited' : 'no answer in time'} (${problem})`;
          throw new Error(`second broker ${brokers[0]}: ${why}\n${tail(logFile(dir, 'kafka'), 30)}`);
        }
      }
      await sleep(300);
    }
  };

  const stop = async () => {
    if (pid === undefined) return;
    signal('SIGCONT'); // a paused JVM would not act on SIGTERM
    await stopProcess(pid, 20_000);
    await exited();
  };

  const broker: SecondBroker = {
    brokers,
    pid: () => pid,
    start,
    stop,
    async kill() {
      signal('SIGKILL');
      await exited();
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async dispose() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return broker;
}
