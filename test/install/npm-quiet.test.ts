// On a machine whose own Node is older than the project's, `npm install` printed 35 `npm warn
// EBADENGINE` lines about packages that need the Node 24 it then brings, which read like a failure.
// The project's .npmrc keeps npm to its errors; this checks npm, run in the project, reads it so.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SPAWNING_TEST_TIMEOUT_MS } from '../../testkit/spawn-timeout.ts';

const root = join(import.meta.dirname, '..', '..');

it(
  "npm in the project prints its errors only, not the engine warnings an older machine's Node draws",
  () => {
    const npm = spawnSync('npm', ['config', 'get', 'loglevel'], { cwd: root, encoding: 'utf8' });
    expect(npm.status, npm.stderr).toBe(0);
    expect(npm.stdout.trim()).toBe('error');
  },
  SPAWNING_TEST_TIMEOUT_MS,
);
