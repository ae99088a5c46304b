// The peers' Python environment: a venv under .cache/bench-peers (git-ignored), created on first
// use from bench/peers/requirements.txt and recreated when that file changes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support.ts';

export const PEERS_DIR = import.meta.dirname;
export const PEERS_CACHE = join(ROOT, '.cache', 'bench-peers');
const VENV = join(PEERS_CACHE, 'venv');

/** The venv's bin directory, after installing the requirements when they changed. */
export function peersVenv(log: (line: string) => void = console.log): string {
  const requirements = join(PEERS_DIR, 'requirements.txt');
  const marker = join(VENV, '.requirements');
  const wanted = readFileSync(requirements, 'utf8');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return join(VENV, 'bin');
  log(`creating the peers' Python environment in ${VENV} (feast, onnxruntime: about a minute, ~700 MB)`);
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  };
  if (!existsSync(join(VENV, 'bin', 'python'))) run('python3', ['-m', 'venv', VENV]);
  run(join(VENV, 'bin', 'pip'), ['install', '--quiet', '-r', requirements]);
  writeFileSync(marker, wanted);
  return join(VENV, 'bin');
}
