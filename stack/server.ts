// What the launcher needs to know about each server; kafka.ts, registry.ts and cassandra.ts fill it in.
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { Log } from './fetch.ts';
import type { Launch } from './process.ts';

export const SERVER_NAMES = ['kafka', 'registry', 'cassandra', 'postgres', 'connect'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** Who talks to whom at run time: Kafka Connect reads Kafka and Debezium reads PostgreSQL. */
const NEEDS: Readonly<Partial<Record<ServerName, readonly ServerName[]>>> = { connect: ['kafka', 'postgres'] };

/**
 * The order `stack down` stops servers in: waves, each stopped together, a server only after every
 * server that needs it is gone. Stopped all at once, Connect lost Kafka mid-shutdown, retried it
 * thousands of times and was killed after its grace period.
 */
export function stopWaves(names: readonly ServerName[]): ServerName[][] {
  const waves: ServerName[][] = [];
  let left = [...names];
  while (left.length > 0) {
    const neededByLeft = new Set(left.flatMap((name) => NEEDS[name] ?? []));
    const wave = left.filter((name) => !neededByLeft.has(name));
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

/** Rejects, naming the port, when something already listens on 127.0.0.1:`port`. */
export async function ensurePortFree(name: string, port: number, setting: string): Promise<void> {
  const { createServer } = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `${name}: port ${port} on 127.0.0.1 is already taken by another program; free it or set ${setting}`,
            )
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
