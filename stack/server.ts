// What the launcher needs to know about each server; kafka.ts, registry.ts and cassandra.ts fill it in.
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Log } from './fetch.ts';
import type { Launch } from './process.ts';

/** The kinds of server, and the names of a single-node stack's servers. */
export const SERVER_NAMES = ['kafka', 'registry', 'cassandra', 'postgres', 'connect'] as const;
export type ServerKind = (typeof SERVER_NAMES)[number];
/** A single node's server is named by its kind; the local cluster's are numbered (`kafka-2`). */
export type ServerName = ServerKind | `${ServerKind}-${number}`;

/** The local cluster: its nodes, and the replicas (and those in sync) it gives what it stores. */
export const CLUSTER_NODES = 3;
export const CLUSTER_REPLICAS = 3;
export const CLUSTER_MIN_INSYNC = 2;

export const kindOf = (name: ServerName): ServerKind => name.replace(/-\d+$/, '') as ServerKind;

/**
 * Who talks to whom at run time: Kafka Connect reads Kafka and Debezium reads PostgreSQL; the
 * cluster's registries keep their state in Kafka.
 */
const NEEDS: Readonly<Partial<Record<ServerKind, readonly ServerKind[]>>> = {
  connect: ['kafka', 'postgres'],
  registry: ['kafka'],
};

/**
 * The order `stack down` stops servers in: waves, each stopped together, a server only after every
 * server that needs it is gone. Stopped all at once, Connect lost Kafka mid-shutdown, retried it
 * thousands of times and was killed after its grace period.
 */
export function stopWaves(names: readonly ServerName[]): ServerName[][] {
  const waves: ServerName[][] = [];
  let left = [...names];
  while (left.length > 0) {
    const neededByLeft = new Set(left.flatMap((name) => NEEDS[kindOf(name)] ?? []));
    const wave = left.filter((name) => !neededByLeft.has(kindOf(name)));
    waves.push(wave);
    left = left.filter((name) => !wave.includes(name));
  }
  return waves;
}

/** The slices of the configuration the stack reads: its own, and the endpoints clients use. */
export type StackSettings = Pick<Config, 'stack' | 'kafka' | 'registry' | 'cassandra' | 'cdc'>;

export interface Server {
  readonly name: ServerName;
  /** Where clients connect, as printed by `stack up` and `stack status`. */
  readonly endpoint: string;
  /** Fetches what is missing, writes the config files, does one-time setup; returns the command line. */
  prepare(log: Log): Promise<Launch>;
  /**
   * Resolves once the servers this one needs answer (Connect needs Kafka). Called after `prepare`
   * and outside it: the launcher runs the servers' `prepare`s one at a time (Maven's local
   * repository takes one writer), so waiting inside one would keep the others from starting.
   */
  dependencies?(): Promise<void>;
  /** Resolves once the server answers a real request; rejects with the reason otherwise. */
  probe(): Promise<void>;
}

/** Data, config files, pid file and log of one server. */
export const serverDir = (settings: StackSettings, name: ServerName): string => join(settings.stack.dataDir, name);

/** Rejects after `ms` so that a probe against a half-open port cannot hang `status`. */
export function withTimeout<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Rejects, naming the port, when something already listens on `host`:`port`. */
export async function ensurePortFree(name: string, port: number, setting: string, host = '127.0.0.1'): Promise<void> {
  const { createServer } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(
          new Error(`${name}: port ${port} on ${host} is already taken by another program; free it or set ${setting}`),
        );
      else if (error.code === 'EADDRNOTAVAIL')
        reject(new Error(`${name}: ${host} is no address of this machine (macOS: sudo ifconfig lo0 alias ${host})`));
      else reject(error);
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/**
 * Where replays keep their plans (runtime/replay.ts): offsets of this stack's Kafka, so they go when
 * its data is purged.
 */
export const replayStateDir = (dataDir: string): string => join(dataDir, 'replays');
