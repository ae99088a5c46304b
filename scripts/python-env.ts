// A Python virtual environment for a folder's pinned requirements (the training tests, the edge
// fuzzer), created on first use and rebuilt when its requirements file changes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command with the terminal as its output; its exit status (1 when it could not start). */
export function run(command: string, args: string[], cwd?: string): number {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.error) console.error(`could not run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

/** The venv's python, after installing `requirements` into `venv` when they changed; undefined when that failed. */
export function pythonVenv(
  venv: string,
  requirements: string,
  note = (line: string) => console.log(line),
): string | undefined {
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.requirements.sha256');
  const digest = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return python;
  note(`preparing ${venv} from ${requirements}`);
  if (!existsSync(python) && run(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]) !== 0) return undefined;
  const install = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements];
  if (run(python, install) !== 0) return undefined;
  writeFileSync(stamp, digest);
  return python;
}
