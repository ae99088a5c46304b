// `npm test`: the TypeScript suites (vitest: unit + integration against the real stack) and the
// Python training tests (pytest, in training/.venv, created here from training/requirements.txt).
// Ends with one line `N passed, N failed, N skipped` summed from the runners' own counts.
// Without arguments more parts follow: the chart and compose checks (`npm run test:deploy`, no
// cluster needed; SPAMSTREAM_SKIP_DEPLOY=1 leaves them out), and the fault suite in its quick form
// (`npm run test:faults -- --quick`), each scenario counted as one test (passed: nothing lost,
// nothing duplicated, every check held); SPAMSTREAM_SKIP_FAULTS=1 leaves it out.
// Arguments are passed to vitest (e.g. `npm test -- --project unit`); they also skip the other parts.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pythonVenv, run } from './python-env.ts';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const root = join(import.meta.dirname, '..');
const resultsDir = join(root, '.test-results');
mkdirSync(resultsDir, { recursive: true });
const args = process.argv.slice(2);

/** A vitest run with `runArgs` (the default projects, or another config), counted from its JSON report. */
function vitest(runArgs: readonly string[] = args, reportFile = 'vitest.json'): Counts {
  const out = join(resultsDir, reportFile);
  rmSync(out, { force: true });
  const vitestBin = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const vitestArgs = [
    vitestBin,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...runArgs,
  ];
  const status = run(process.execPath, vitestArgs, root);
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, number>;
  const counts = {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
  // A suite that failed to load has no failed test but a failed run: count it, never hide it.
  if (status !== 0 && counts.failed === 0) counts.failed = Math.max(1, report.numFailedTestSuites ?? 0);
  return counts;
}

/** The training venv, rebuilt when requirements.txt changes. */
function pythonEnv(): string | undefined {
  const requirements = join(root, 'training', 'requirements.txt');
  if (!existsSync(requirements)) return undefined;
  return pythonVenv(join(root, 'training', '.venv'), requirements, (line) => console.log(`[test] ${line}`));
}

function pytest(): Counts {
  if (!existsSync(join(root, 'training', 'tests'))) return { passed: 0, failed: 0, skipped: 0 };
  const python = pythonEnv();
  if (!python) return { passed: 0, failed: 1, skipped: 0 };
  const xml = join(resultsDir, 'pytest.xml');
  const status = run(python, ['-m', 'pytest', '-q', 'training/tests', `--junitxml=${xml}`], root);
  if (!existsSync(xml)) return { passed: 0, failed: 1, skipped: 0 };
  const suite = readFileSync(xml, 'utf8').match(/<testsuite\b[^>]*>/)?.[0] ?? '';
  const attr = (name: string) => Number(suite.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
  const failed = attr('failures') + attr('errors');
  const counts = { passed: attr('tests') - failed - attr('skipped'), failed, skipped: attr('skipped') };
  if (status !== 0 && status !== 5 && counts.failed === 0) counts.failed = 1;
  return counts;
}

/** The quick fault suite (faults/run.ts), one test per scenario, from the JSON it writes. */
function faults(): Counts {
  const out = join(resultsDir, 'faults.json');
  rmSync(out, { force: true });
  const status = run(process.execPath, [join(root, 'faults', 'run.ts'), '--quick', '--json', out], root);
  if (!existsSync(out)) return { passed: 0, failed: 1, skipped: 0 };
  const results = JSON.parse(readFileSync(out, 'utf8')) as { ok: boolean }[];
  const passed = results.filter((r) => r.ok).length;
  const counts = { passed, failed: results.length - passed, skipped: 0 };
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

const parts = [
  vitest(),
  ...(args.length === 0 && !process.env.SPAMSTREAM_SKIP_DEPLOY
    ? [vitest(['--config', join(root, 'test', 'deploy', 'vitest.config.ts')], 'deploy.json')]
    : []),
  ...(args.length === 0 && !process.env.SPAMSTREAM_SKIP_PYTHON ? [pytest()] : []),
  ...(args.length === 0 && !process.env.SPAMSTREAM_SKIP_FAULTS ? [faults()] : []),
];
const total = parts.reduce((a, b) => ({
  passed: a.passed + b.passed,
  failed: a.failed + b.failed,
  skipped: a.skipped + b.skipped,
}));
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);
