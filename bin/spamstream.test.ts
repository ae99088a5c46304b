// The CLI caps V8's young generation and lowers its heap-growing factor (bin/spamstream.js): without
// them, a processor under load grew past 256 MiB of resident memory.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPAWNING_TEST_TIMEOUT_MS } from '../testkit/spawn-timeout.ts';

const bin = join(import.meta.dirname, 'spamstream.js');
// Loaded into every Node process the CLI runs as: each prints the V8 flags it was started with.
const reporter = join(mkdtempSync(join(tmpdir(), 'spamstream-bin-')), 'report.mjs');
writeFileSync(reporter, "console.log('execArgv ' + JSON.stringify(process.execArgv));\n");
// Loaded into the CLI's process: at exit, a full collection traced, which prints the growing factor
// V8 then applies (`[HeapController] factor 1.5 based on …`).
const gcTracer = join(mkdtempSync(join(tmpdir(), 'spamstream-bin-')), 'trace-gc.mjs');
writeFileSync(
  gcTracer,
  [
    "import { setFlagsFromString } from 'node:v8';",
    "import { runInNewContext } from 'node:vm';",
    "process.on('exit', () => { setFlagsFromString('--trace-gc-verbose'); setFlagsFromString('--expose-gc'); runInNewContext('gc')(); });",
  ].join('\n'),
);

/** The factor V8's heap controller applied after a full collection at the CLI's exit. */
const growingFactor = (nodeArgs: readonly string[]) => {
  const run = spawnSync(process.execPath, [...nodeArgs, bin, '--version'], {
    env: { ...process.env, NODE_OPTIONS: `--import=${gcTracer}` },
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  return /\[HeapController\] factor ([\d.]+)/.exec(run.stdout)?.[1];
};

const startsWith = (nodeOptions: string) => {
  const run = spawnSync(process.execPath, [bin, '--version'], {
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  return run.stdout.split('\n').filter((line) => line.startsWith('execArgv '));
};

describe('spamstream (bin)', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
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

  it('lets the old generation grow to 1.5 times what survived a full collection', () => {
    expect(growingFactor([])).toBe('1.5');
  });

  it('keeps a growing factor given on the command line', () => {
    expect(growingFactor(['--heap-growing-percent=20'])).toBe('1.2');
  });
});
