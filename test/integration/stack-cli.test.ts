// `spamstream stack` as a person runs it, with the Node 24 the project ships.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../../testkit/ports.ts';

const root = join(import.meta.dirname, '..', '..');
const node = join(root, 'node_modules', '.bin', 'node');

function spamstream(args: string[], env: Record<string, string> = {}) {
  const started = Date.now();
  const result = spawnSync(node, [join(root, 'bin', 'spamstream.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

describe('spamstream stack', () => {
  it('status exits 0 and lists the five servers when the stack is up', () => {
    const result = spamstream(['stack', 'status']);
    expect(result.stderr).not.toMatch(/^down:/m);
    expect(result.status).toBe(0);
    for (const name of ['kafka', 'registry', 'cassandra', 'postgres', 'connect'])
      expect(result.stdout).toMatch(new RegExp(`^\\s+${name}\\s+(running|up)\\s`, 'm'));
  });

  it('up on a running stack starts nothing and returns quickly', () => {
    const result = spamstream(['stack', 'up']);
    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(/\bstarted\b/);
    expect(result.stdout).toMatch(/^ready in /m);
    expect(result.ms).toBeLessThan(15_000);
  });

  it('status exits 1 and names the servers that do not answer', async () => {
    const port = await closedPort();
    const result = spamstream(['stack', 'status'], { SPAMSTREAM_KAFKA_BROKERS: `127.0.0.1:${port}` });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('stack (external)');
    expect(result.stderr).toMatch(/^down: kafka$/m);
  });
});
