// The CLI caps V8's young generation (bin/spamstream.js): without a cap, a processor under load
// grew past 256 MiB of resident memory, most of it young generation.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, 'spamstream.js');
// Loaded into every Node process the CLI runs as: each prints the V8 flags it was started with.
const reporter = join(mkdtempSync(join(tmpdir(), 'spamstream-bin-')), 'report.mjs');
writeFileSync(reporter, "console.log('execArgv ' + JSON.stringify(process.execArgv));\n");

const startsWith = (nodeOptions: string) => {
  const run = spawnSync(process.execPath, [bin, '--version'], {
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  return run.stdout.split('\n').filter((line) => line.startsWith('execArgv '));
};

describe('spamstream (bin)', () => {
  it('runs with the young generation capped at 8 MiB a semi-space', () => {
    const starts = startsWith(`--import=${reporter}`);
    expect(starts).toHaveLength(2); // started, then again with the cap
    expect(starts.at(-1)).toContain('"--max-semi-space-size=8"');
  });

  it('keeps a cap given in NODE_OPTIONS, starting once', () => {
    const starts = startsWith(`--import=${reporter} --max-semi-space-size=4`);
    expect(starts).toHaveLength(1);
    expect(starts[0]).not.toContain('--max-semi-space-size=8');
  });
});
