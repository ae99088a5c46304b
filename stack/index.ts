// `stack up | down | status`: the local servers as processes (one of each, or the local cluster of
// stack/cluster.ts), or, in external mode, only checks of the configured endpoints. Functions report;
// the CLI prints and exits.
import { rm, rmdir } from 'node:fs/promises';
import { cassandraServer } from './cassandra.ts';
import { connectServer } from './kafka-connect.ts';
import type { Log } from './fetch.ts';
import { registryJava, serverJava } from './java.ts';
import { kafkaServer } from './kafka.ts';
import {
  isAlive,
  logFile,
  ownedPid,
  ownerMarker,
  readPid,
  removePidFile,
  startDetached,
  stopProcess,
  tail,
} from './process.ts';
import { postgresMarker, postgresServer } from './postgres.ts';
import { registryServer } from './registry.ts';
import { clusterServerNames, clusterServers } from './cluster.ts';
import {
  SERVER_NAMES,
  type Server,
  type ServerName,
  type StackSettings,
  kindOf,
  replayStateDir,
  serverDir,
  stopWaves,
} from './server.ts';

export type { ServerName, StackSettings } from './server.ts';

export interface ServerReport {
  readonly name: ServerName;
  readonly endpoint: string;
  /** started: by this call; running: was already up; external: answered, not ours to manage. */
  readonly state: 'started' | 'running' | 'external' | 'failed' | 'down';
  readonly pid?: number;
  readonly detail?: string;
  /** Seconds until the server answered: from its start when this call started it, else from the call's start. */
  readonly seconds?: number;
}

export interface StackReport {
  readonly ok: boolean;
  readonly mode: 'local' | 'external';
  readonly servers: readonly ServerReport[];
  readonly seconds: number;
}

const LOG_TAIL_LINES = 40;
const STOP_GRACE_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const since = (start: number) => Math.round((Date.now() - start) / 100) / 10;

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

export function stackServers(settings: StackSettings, log: Log = () => {}): Server[] {
  const java = memo(() => serverJava(settings.stack));
  const jdk21 = memo(() => registryJava(settings.stack, log));
  if (settings.stack.nodes > 1) return clusterServers(settings, java, jdk21);
  const core = [kafkaServer(settings, java), registryServer(settings, jdk21), cassandraServer(settings, java)];
  return settings.cdc.enabled ? [...core, postgresServer(settings), connectServer(settings, java)] : core;
}

/** What `ps` shows of a server this stack started: PostgreSQL carries its own kind of marker. */
const markerOf = (settings: StackSettings, name: ServerName): string =>
  kindOf(name) === 'postgres' ? postgresMarker(settings.stack.dataDir) : ownerMarker(settings.stack.dataDir);

/** Every server a stack of this layout may run, CDC on or off. */
const allServerNames = (settings: StackSettings): readonly ServerName[] =>
  settings.stack.nodes > 1 ? clusterServerNames() : SERVER_NAMES;

async function answers(server: Pick<Server, 'probe'>): Promise<string | undefined> {
  try {
    await server.probe();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Polls the probe until it answers, the process exits, or the deadline passes. An answer counts
 * only while `pid` lives: a server it could not replace (one still holding the port) answers too.
 */
export async function waitUntilReady(
  server: Pick<Server, 'probe' | 'endpoint'>,
  pid: number,
  deadline: number,
): Promise<string | undefined> {
  for (;;) {
    const problem = await answers(server);
    if (!isAlive(pid))
      return problem === undefined
        ? `exited, and something else answers on ${server.endpoint}: another server holds its port`
        : `exited before answering (${problem})`;
    if (problem === undefined) return undefined;
    if (Date.now() > deadline) return `no answer before the start timeout (${problem})`;
    await sleep(500);
  }
}

function failed(server: Server, settings: StackSettings, detail: string, pid?: number): ServerReport {
  const log = logFile(serverDir(settings, server.name), server.name);
  const lines = tail(log, LOG_TAIL_LINES);
  return {
    name: server.name,
    endpoint: server.endpoint,
    state: 'failed',
    pid,
    detail: lines ? `${detail}\n--- last lines of ${log}\n${lines}` : detail,
  };
}

/** Starts one server unless it runs or something else answers on its port; `start`: when `stack up` began. */
export async function bringUp(server: Server, settings: StackSettings, log: Log, start: number): Promise<ServerReport> {
  const dir = serverDir(settings, server.name);
  const deadline = () => Date.now() + settings.stack.startTimeoutMs;
  const running = await ownedPid(dir, markerOf(settings, server.name));
  if (running !== undefined) {
    // Ours and alive: maybe still starting (another `up` launched it a moment ago), so wait for it.
    const problem = await waitUntilReady(server, running, deadline());
    return problem
      ? failed(server, settings, problem, running)
      : { name: server.name, endpoint: server.endpoint, state: 'running', pid: running, seconds: since(start) };
  }
  if ((await answers(server)) === undefined) {
    return {
      name: server.name,
      endpoint: server.endpoint,
      state: 'external',
      detail: 'answering, but not started by this stack: left alone',
      seconds: since(start),
    };
  }
  try {
    const launch = await server.prepare(log);
    await server.dependencies?.();
    // Counted from its own start: fetches of the others and the servers it needs come before it.
    const launchedAt = Date.now();
    const pid = await startDetached(dir, logFile(dir, server.name), launch);
    log(`${server.name}: started (pid ${pid}), waiting for it to answer…`);
    const problem = await waitUntilReady(server, pid, deadline());
    if (problem) return failed(server, settings, problem, pid);
    const seconds = since(launchedAt);
    log(`${server.name}: answering after ${seconds}s`);
    return { name: server.name, endpoint: server.endpoint, state: 'started', pid, seconds };
  } catch (error) {
    return failed(server, settings, error instanceof Error ? error.message : String(error));
  }
}

async function probeOnly(server: Server, start: number): Promise<ServerReport> {
  const problem = await answers(server);
  return problem === undefined
    ? { name: server.name, endpoint: server.endpoint, state: 'external', seconds: since(start) }
    : { name: server.name, endpoint: server.endpoint, state: 'down', detail: problem };
}

/**
 * Starts whatever of the stack is not running, all servers at once, and waits until each answers.
 * Fetches (first start only) run one after another: Maven's local repository is not safe for
 * concurrent writers.
 */
export async function stackUp(settings: StackSettings, log: Log = () => {}): Promise<StackReport> {
  const start = Date.now();
  const servers = stackServers(settings, log);
  if (settings.stack.mode === 'external') {
    const reports = await Promise.all(servers.map((server) => probeOnly(server, start)));
    return {
      ok: reports.every((r) => r.state === 'external'),
      mode: 'external',
      servers: reports,
      seconds: since(start),
    };
  }
  let fetching: Promise<unknown> = Promise.resolve();
  const serialisedPrepare = (server: Server): Server => ({
    ...server,
    prepare: (prepareLog) => {
      const next = fetching.then(() => server.prepare(prepareLog));
      fetching = next.catch(() => undefined);
      return next;
    },
  });
  const reports = await Promise.all(servers.map((server) => bringUp(serialisedPrepare(server), settings, log, start)));
  return { ok: reports.every((r) => r.state !== 'failed'), mode: 'local', servers: reports, seconds: since(start) };
}

/** Each server: answering or not, and the pid when this stack runs it. */
export async function stackStatus(settings: StackSettings): Promise<StackReport> {
  const start = Date.now();
  const reports = await Promise.all(
    stackServers(settings).map(async (server): Promise<ServerReport> => {
      const pid =
        settings.stack.mode === 'local'
          ? await ownedPid(serverDir(settings, server.name), markerOf(settings, server.name))
          : undefined;
      const problem = await answers(server);
      if (problem !== undefined)
        return {
          name: server.name,
          endpoint: server.endpoint,
          state: 'down',
          pid,
          detail: pid ? `process ${pid} is running but not answering: ${problem}` : problem,
        };
      return { name: server.name, endpoint: server.endpoint, state: pid ? 'running' : 'external', pid };
    }),
  );
  return {
    ok: reports.every((r) => r.state !== 'down'),
    mode: settings.stack.mode,
    servers: reports,
    seconds: since(start),
  };
}

export interface DownReport {
  readonly name: ServerName;
  readonly outcome: 'stopped' | 'killed' | 'not running' | 'left alone';
  readonly pid?: number;
}

/** Stops the servers this stack started (all, or `only`), keeping their data unless `purge`. */
export async function stackDown(
  settings: StackSettings,
  options: { purge?: boolean; only?: readonly ServerName[] } = {},
): Promise<DownReport[]> {
  if (settings.stack.mode === 'external') return [];
  // Every server, CDC on or off: `down` must leave nothing running that an earlier `up` started.
  const names = options.only ?? allServerNames(settings);
  const stopOne = async (name: ServerName): Promise<DownReport> => {
    const dir = serverDir(settings, name);
    const pid = await ownedPid(dir, markerOf(settings, name));
    if (pid === undefined) {
      const recorded = readPid(dir);
      await removePidFile(dir);
      // A live pid that no longer carries our marker is someone else's process now.
      return recorded !== undefined && isAlive(recorded)
        ? { name, outcome: 'left alone', pid: recorded }
        : { name, outcome: 'not running' };
    }
    // PostgreSQL's fast shutdown: its default (smart) would wait for Debezium's connection to go away.
    const outcome = await stopProcess(pid, STOP_GRACE_MS, kindOf(name) === 'postgres' ? 'SIGINT' : 'SIGTERM');
    await removePidFile(dir);
    return { name, outcome, pid };
  };
  const reports: DownReport[] = [];
  for (const wave of stopWaves(names)) reports.push(...(await Promise.all(wave.map(stopOne))));
  if (options.purge) {
    for (const name of names) await rm(serverDir(settings, name), { recursive: true, force: true });
    // A replay's plan names offsets of the Kafka whose data just went: kept, the same command
    // would answer that it completed, for topics that no longer exist.
    if (names.some((name) => kindOf(name) === 'kafka'))
      await rm(replayStateDir(settings.stack.dataDir), { recursive: true, force: true });
    await rmdir(settings.stack.dataDir).catch(() => undefined); // only once nothing else is left in it
  }
  return reports;
}
