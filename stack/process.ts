// The servers run detached, outliving the `stack up` that started them. Each has a folder holding
// its pid file and its log (stdout and stderr of the JVM), and carries a marker on its command line
// so that `down` never signals a process that merely inherited a recycled pid.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

export const pidFile = (dir: string): string => join(dir, 'pid');
export const logFile = (dir: string, name: string): string => join(dir, `${name}.log`);

/** The JVM system property every stack server carries; its value is the stack's data folder. */
export const ownerMarker = (dataDir: string): string => `-Dspamstream.stack=${dataDir}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `launch` in its own process group, its output appended to `log`; returns the pid. */
export async function startDetached(dir: string, log: string, launch: Launch): Promise<number> {
  await mkdir(dir, { recursive: true });
  const fd = openSync(log, 'a');
  try {
    writeSync(fd, `\n=== ${new Date().toISOString()} ${launch.command} ${launch.args.join(' ')}\n`);
    const child = spawn(launch.command, launch.args, { cwd: launch.cwd, detached: true, stdio: ['ignore', fd, fd] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    await writeFile(pidFile(dir), `${pid}\n`);
    return pid;
  } finally {
    closeSync(fd);
  }
}

export function readPid(dir: string): number | undefined {
  if (!existsSync(pidFile(dir))) return undefined;
  const pid = Number(readFileSync(pidFile(dir), 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The full command line of `pid`, or undefined when it is gone. `ps` works on Linux and macOS alike. */
export async function commandLine(pid: number): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('ps', ['-ww', '-o', 'args=', '-p', String(pid)]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The pid recorded in `dir`, if that process is alive and still carries `marker`. */
export async function ownedPid(dir: string, marker: string): Promise<number | undefined> {
  const pid = readPid(dir);
  if (pid === undefined || !isAlive(pid)) return undefined;
  const args = await commandLine(pid);
  // Followed by a space or the end, so that `.stack` does not also claim `.stack2`'s servers.
  return args !== undefined && `${args} `.includes(`${marker} `) ? pid : undefined;
}

/** `stop` (SIGTERM), then SIGKILL once `graceMs` has passed; resolves when the process is gone. */
export async function stopProcess(
  pid: number,
  graceMs: number,
  stop: NodeJS.Signals = 'SIGTERM',
): Promise<'stopped' | 'killed'> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal(stop);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(200);
  }
  signal('SIGKILL');
  while (isAlive(pid)) await sleep(100);
  return 'killed';
}

export async function removePidFile(dir: string): Promise<void> {
  await rm(pidFile(dir), { force: true });
}

/** The last `lines` lines of a text file ('' when it does not exist). */
export function tail(path: string, lines: number): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8').replace(/\n+$/, '');
  return text.split('\n').slice(-lines).join('\n');
}

/** Runs a short command to completion with its output in `logFile`; throws with the log's tail on failure. */
export async function runToLog(
  command: string,
  args: readonly string[],
  options: { cwd: string; logFile: string },
): Promise<void> {
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', fd, fd] });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} exited with ${code}; last lines of ${options.logFile}:\n${tail(options.logFile, 30)}`,
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${command} is not installed or not on PATH`);
    throw error;
  } finally {
    closeSync(fd);
  }
}
