// A private instance of one of the stack's servers (Cassandra, the registry…) for fault tests that
// stop, kill or freeze it: the shared stack serves every other test running at the same time, so it
// must never be touched. It runs the launcher's own server definition (same version, files from the
// cache) on free ports in a temp folder. A watchdog shell process SIGKILLs it as soon as the test
// process is gone, however that ends, so no JVM nor its data outlives its test.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config/config.ts';
import { isAlive, logFile, startDetached, stopProcess, tail } from '../stack/process.ts';
import { type Server, type ServerName, serverDir } from '../stack/server.ts';
import { closedPorts } from './ports.ts';

export interface PrivateServer {
  /** The configuration the server was launched with: its endpoints are those of this instance. */
  readonly settings: Config;
  readonly pid: () => number | undefined;
  /** Starts it again on the same ports and data (after stop or kill); resolves once it answers. */
  start(): Promise<void>;
  /** A clean shutdown (SIGTERM unless told otherwise), SIGKILL after 30 s. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: sockets stay open, nothing answers. */
  pause(): void;
  resume(): void;
  /** Stops it (whatever its state) and removes its data. */
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PrivateServerOptions {
  readonly name: ServerName;
  /** Settings of this instance (its heap…), on top of the cache and a data dir of its own. */
  readonly env: Record<string, string>;
  /** Port settings of this instance, each given a different free port. */
  readonly ports?: readonly string[];
  readonly server: (settings: Config) => Server;
  readonly startTimeoutMs?: number;
  /** The signal of a clean stop (PostgreSQL: SIGINT, its fast shutdown; SIGTERM would wait for clients). */
  readonly stopSignal?: NodeJS.Signals;
}

async function freePortSettings(names: readonly string[]): Promise<Record<string, string>> {
  const ports = await closedPorts(names.length);
  return Object.fromEntries(names.map((name, i) => [name, String(ports[i])]));
}

export async function startPrivateServer(options: PrivateServerOptions): Promise<PrivateServer> {
  const dataDir = await mkdtemp(join(tmpdir(), `spamstream-${options.name}-`));
  // Only what the launcher reads; the shared stack's endpoints in the environment stay out.
  const settings = loadConfig({
    SPAMSTREAM_CACHE_DIR: loadConfig().stack.cacheDir,
    SPAMSTREAM_STACK_DIR: dataDir,
    SPAMSTREAM_JAVA: process.env.SPAMSTREAM_JAVA ?? '',
    SPAMSTREAM_REGISTRY_JAVA: process.env.SPAMSTREAM_REGISTRY_JAVA ?? '',
    ...options.env,
    ...(await freePortSettings(options.ports ?? [])),
  });
  const server = options.server(settings);
  const dir = serverDir(settings, options.name);
  const log = logFile(dir, options.name);
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
  const exited = async () => {
    if (pid !== undefined) while (isAlive(pid)) await sleep(50);
    pid = undefined;
    watchdog?.kill('SIGKILL');
    watchdog = undefined;
  };

  const start = async () => {
    if (pid !== undefined && isAlive(pid))
      throw new Error(`the private ${options.name} is already running (pid ${pid})`);
    const launch = await server.prepare(() => {});
    pid = await startDetached(dir, log, launch);
    const orphaned = `kill -CONT ${pid}; kill -9 ${pid}; sleep 1; rm -rf '${dataDir}'`;
    watchdog = spawn('sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${orphaned}`], {
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
    const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
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
          throw new Error(
            `private ${options.name} ${server.endpoint}: ${gone ? 'exited' : 'no answer in time'} ` +
              `(${problem})\n${tail(log, 30)}`,
          );
        }
      }
      await sleep(500);
    }
  };

  const stop = async () => {
    if (pid === undefined) return;
    signal('SIGCONT'); // a paused JVM would not act on SIGTERM
    await stopProcess(pid, 30_000, options.stopSignal);
    await exited();
  };

  try {
    await start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    settings,
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
}
