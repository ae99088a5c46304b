// How the image tools call podman. Two defaults of podman fail on some hosts, this one among them:
// crun refuses a host whose cgroups are in hybrid mode, where runc works on every layout; and its
// default ulimits (nofile 1048576) can exceed what the host allows a process ("error setting
// rlimit"), so containers get the limits the host gives instead.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');
/** The image the project builds, and the base made here from Debian's packages. */
export const IMAGE = 'localhost/spamstream:dev';
export const LOCAL_BASE = 'localhost/spamstream-base:node24-bookworm';

const hasRunc = () => spawnSync('runc', ['--version'], { stdio: 'ignore' }).status === 0;

function containersConf(): string {
  const dir = join(PROJECT_ROOT, '.cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'containers.conf');
  writeFileSync(file, '[containers]\ndefault_ulimits = []\n');
  return file;
}

export interface PodmanResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `podman args…`; `inherit` passes its output through (a build's progress). */
export function podman(args: readonly string[], options: { inherit?: boolean } = {}): PodmanResult {
  const runtime = hasRunc() ? ['--runtime', 'runc'] : [];
  const result = spawnSync('podman', [...runtime, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? containersConf() },
    encoding: 'utf8',
    stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : 'pipe',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`podman could not run: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** `podman args…`, throwing with its stderr when it fails. */
export function podmanOk(args: readonly string[], options: { inherit?: boolean } = {}): string {
  const result = podman(args, options);
  if (result.status !== 0) throw new Error(`podman ${args[0]} failed (exit ${result.status}): ${result.stderr.trim()}`);
  return result.stdout;
}

export const imageExists = (image: string) => podman(['image', 'exists', image]).status === 0;
