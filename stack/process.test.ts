import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SPAWNING_TEST_TIMEOUT_MS } from '../testkit/spawn-timeout.ts';
import { isAlive, ownedPid, ownerMarker, readPid, runToLog, startDetached, stopProcess, tail } from './process.ts';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

/** A Node process that idles for a minute, with `marker` on its command line as a JVM server would have. */
async function idle(dir: string, marker: string, ignoreTerm = false): Promise<number> {
  // The stubborn one says when its SIGTERM handler is in place (a loaded machine starts Node slowly).
  const script = `${ignoreTerm ? "process.on('SIGTERM', () => {}); console.log('ready');" : ''} setTimeout(() => {}, 60000)`;
  const pid = await startDetached(dir, join(dir, 'idle.log'), {
    command: process.execPath,
    args: ['-e', script, '--', marker],
    cwd: dir,
  });
  started.push(pid);
  return pid;
}

describe('detached servers', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  it('records the pid and recognises the process by its marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-process-'));
    const pid = await idle(dir, ownerMarker('/x/.stack'));
    expect(readPid(dir)).toBe(pid);
    expect(await ownedPid(dir, ownerMarker('/x/.stack'))).toBe(pid);
    expect(await ownedPid(dir, ownerMarker('/x/.stac'))).toBeUndefined();
    expect(await ownedPid(dir, ownerMarker('/y/.stack'))).toBeUndefined();
  });

  it('does not claim a live process whose command line lacks the marker', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-process-'));
    writeFileSync(join(dir, 'pid'), `${process.pid}\n`);
    expect(await ownedPid(dir, ownerMarker('/x/.stack'))).toBeUndefined();
  });

  it('stops with SIGTERM, and with SIGKILL once the grace period is over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-process-'));
    const polite = await idle(dir, ownerMarker('/a'));
    expect(await stopProcess(polite, 5000)).toBe('stopped');
    expect(isAlive(polite)).toBe(false);
    const stubborn = await idle(dir, ownerMarker('/b'), true);
    for (let waited = 0; tail(join(dir, 'idle.log'), 1).trim() !== 'ready' && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await stopProcess(stubborn, 500)).toBe('killed');
    expect(isAlive(stubborn)).toBe(false);
  });
});

describe('runToLog and tail', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  it('keeps the output in the log and throws its last lines when the command fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-run-'));
    const log = join(dir, 'run.log');
    await runToLog(process.execPath, ['-e', 'console.log("one"); console.log("two")'], { cwd: dir, logFile: log });
    expect(tail(log, 1)).toBe('two');
    await expect(
      runToLog(process.execPath, ['-e', 'console.error("broken config"); process.exit(3)'], { cwd: dir, logFile: log }),
    ).rejects.toThrow(/exited with 3[\s\S]*broken config/);
  });

  it('names a missing program plainly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-run-'));
    await expect(runToLog('no-such-program-here', [], { cwd: dir, logFile: join(dir, 'x.log') })).rejects.toThrow(
      /not installed or not on PATH/,
    );
  });

  it('reads nothing from a missing file', () => {
    expect(tail('/nonexistent/spamstream.log', 5)).toBe('');
  });
});
