// The pipeline's parts as real processes (`bin/spamstream.js run <part>`), each with a log file of
// its own: started, awaited by what they log, crashed (kill -9) or stopped by a signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Part = 'features' | 'scoring' | 'edge' | 'cdc';

export interface PartProcess {
  readonly part: Part;
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Where a part reports what went wrong with it; the scenario goes on, so that counts are still measured. */
export interface Findings {
  check(condition: boolean, problem: string): boolean;
  note(line: string): void;
}

export const RUNNING = /processor \w+ running/;
/** How long `run <part>` may take to exit after SIGINT/SIGTERM before the scenario fails. */
export const STOP_DEADLINE_MS = 30_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const root = join(import.meta.dirname, '..');

export function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The last lines of a part's log, for a problem report. */
export function tailLog(path: string, lines = 15): string {
  return readLog(path).trimEnd().split('\n').slice(-lines).join('\n');
}

const hasExited = (target: PartProcess): boolean => target.child.exitCode !== null || target.child.signalCode !== null;

export class Parts {
  readonly all: PartProcess[] = [];
  private launched = 0;

  private readonly env: Record<string, string | undefined>;
  private readonly logDir: string;
  private readonly findings: Findings;

  constructor(env: Record<string, string | undefined>, logDir: string, findings: Findings) {
    this.env = env;
    this.logDir = logDir;
    this.findings = findings;
  }

  /** `spamstream run <part>` with the pipeline's environment; its output goes to a log file. */
  start(part: Part, extraEnv: Record<string, string> = {}): PartProcess {
    this.launched += 1;
    const logPath = join(this.logDir, `${part}-${this.launched}.log`);
    const fd = openSync(logPath, 'a');
    const child = spawn(process.execPath, [join(root, 'bin', 'spamstream.js'), 'run', part], {
      cwd: root,
      env: { ...this.env, ...extraEnv },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const started = { part, child, logPath, exited };
    this.all.push(started);
    return started;
  }

  /** Resolves once the part's log shows `pattern` (e.g. that its processor runs), or throws after `timeoutMs`. */
  async waitForLog(target: PartProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = readLog(target.logPath).match(pattern);
      if (match) return match[0];
      if (hasExited(target) || Date.now() > deadline) {
        throw new Error(
          `${target.part}: no ${pattern} in its log ` +
            `(${target.child.exitCode ?? target.child.signalCode ?? 'timed out'}):\n${tailLog(target.logPath)}`,
        );
      }
      await sleep(100);
    }
  }

  /** `start`, then waits until its processor (or edge) runs: a signal before that ends it at once. */
  async startRunning(part: Part, extraEnv: Record<string, string> = {}): Promise<PartProcess> {
    const started = this.start(part, extraEnv);
    await this.waitForLog(started, part === 'edge' ? /edge listening on \S+/ : RUNNING, 120_000);
    return started;
  }

  running(part?: Part): PartProcess[] {
    return this.all.filter((p) => (part === undefined || p.part === part) && !hasExited(p));
  }

  /** kill -9: a crash. */
  async crash(target: PartProcess): Promise<void> {
    target.child.kill('SIGKILL');
    await target.exited;
  }

  /**
   * SIGINT or SIGTERM, then waits: the part must exit with 0 within STOP_DEADLINE_MS; otherwise a
   * problem is recorded and it is killed.
   */
  async stop(target: PartProcess, signal: 'SIGINT' | 'SIGTERM'): Promise<number> {
    const startedAt = Date.now();
    if (hasExited(target)) {
      this.findings.check(
        false,
        `${target.part} had already exited (${target.child.exitCode ?? target.child.signalCode}) before ${signal}; ` +
          `log ${target.logPath}`,
      );
      return 0;
    }
    target.child.kill(signal);
    const outcome = await Promise.race([target.exited, sleep(STOP_DEADLINE_MS).then(() => undefined)]);
    const ms = Date.now() - startedAt;
    if (!outcome) {
      this.findings.check(
        false,
        `${target.part} did not exit within ${STOP_DEADLINE_MS / 1000} s of ${signal}; killed; log ${target.logPath}`,
      );
      await this.crash(target);
    } else {
      this.findings.check(
        outcome.code === 0,
        `${target.part} exited with ${outcome.code ?? outcome.signal} after ${signal}; log ${target.logPath}`,
      );
    }
    return ms;
  }

  /** Stops every running part, alternating SIGINT and SIGTERM, all at once; notes the slowest exit. */
  async stopAll(): Promise<void> {
    const targets = this.running();
    const times = await Promise.all(targets.map((t, i) => this.stop(t, i % 2 === 0 ? 'SIGINT' : 'SIGTERM')));
    if (times.length > 0)
      this.findings.note(
        `${times.length} parts stopped by SIGINT/SIGTERM, slowest exit ${(Math.max(...times) / 1000).toFixed(1)} s`,
      );
  }

  /** kill -9 to whatever still runs: the end of a scenario, whatever happened. */
  async crashAll(): Promise<void> {
    for (const part of this.running()) await this.crash(part);
  }
}
