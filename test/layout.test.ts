// The house rules that imports can break: production code never imports a test helper, and test
// helpers live in one kit (testkit/) that tests, benchmarks and the fault suite share.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const PRODUCTION = ['bin', 'cli', 'config', 'connectors', 'core', 'edge', 'features', 'models', 'processors'];
const PRODUCTION_TOO = ['runtime', 'schemas', 'stack', 'topology', 'training', 'deploy'];
const tracked = execFileSync('git', ['ls-files', '*.ts', '*.js'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
const isTest = (file: string) => /\.test\.ts$|\.contract\.ts$/.test(file);

/** The repository paths a file imports by a relative specifier. */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1] ?? '');
  return specs.map((spec) => relative(root, resolve(dirname(join(root, file)), spec)));
}

describe('the layout', () => {
  const production = tracked.filter(
    (file) => [...PRODUCTION, ...PRODUCTION_TOO].includes(file.split('/')[0] ?? '') && !isTest(file),
  );

  it('finds the production files it checks', () => {
    expect(production.length).toBeGreaterThan(100);
  });

  it('production code imports nothing from tests or the test kit', () => {
    const offending = production.flatMap((file) =>
      relativeImports(file)
        .filter((target) => target.startsWith('test/') || target.startsWith('testkit/') || isTest(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(offending).toEqual([]);
  });

  // The image copies an allow-list of folders (.dockerignore): a folder the CLI comes to import
  // must join it, or the image would fail at start.
  it('the image holds every file the CLI imports, and no test', () => {
    const allowed = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .flatMap((line) => /^!([\w-]+)\/$/.exec(line)?.[1] ?? []);
    const seen = new Set<string>();
    const pending = ['bin/spamstream.js'];
    for (let file = pending.pop(); file; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      pending.push(...relativeImports(file));
    }
    expect(seen.size).toBeGreaterThan(100);
    expect([...seen].filter((file) => !allowed.includes(file.split('/')[0] ?? '') || isTest(file))).toEqual([]);
    // Read at run time rather than imported: the models and the Avro schemas.
    expect(allowed).toEqual(expect.arrayContaining(['models', 'schemas']));
  });

  it('no production folder holds a test helper: helpers live in testkit/', () => {
    const helpers = production.filter((file) => /test-support|test-settings|fixture|fake/i.test(file));
    expect(helpers).toEqual([]);
  });
});
