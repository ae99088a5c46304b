// `npm run train -- --data <labelled csv> [--versions v1,v2,v3]`: reproduces every trained artifact.
//   1. fits the v2 vocabulary on the training split   → models/vocab/v2.json
//   2. exports every view of the labelled data         → out/features.jsonl
//   3. exports every view of the golden texts          → out/golden-features.jsonl
//   4. prepares training/.venv from requirements.txt (the same stamp as `npm test`)
//   5. trains and checks the models in Python           → models/vN/{model.onnx,card.json,golden.json}
// Steps 1–3 run the TypeScript feature code in fresh processes, so step 2 uses the vocabulary of step 1.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    versions: { type: 'string', default: 'v1,v2,v3' },
    seed: { type: 'string', default: '0' },
  },
});
if (values.data === undefined) {
  console.error('usage: npm run train -- --data ../shared/data/sms_labeled.csv [--versions v1,v2,v3] [--seed 0]');
  process.exit(2);
}
const data = resolve(values.data);
const outDir = join(root, 'out');
mkdirSync(outDir, { recursive: true });

function step(title: string, command: string, args: readonly string[]): void {
  console.error(`\n[train] ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`[train] failed: ${command} ${args.join(' ')}${result.error ? ` (${result.error.message})` : ''}`);
    process.exit(result.status ?? 1);
  }
}

/** training/.venv, (re)built when requirements.txt changes; scripts/test.ts uses the same stamp. */
function pythonEnv(): string {
  const requirements = join(root, 'training', 'requirements.txt');
  const venv = join(root, 'training', '.venv');
  const python = join(venv, 'bin', 'python');
  const stamp = join(venv, '.requirements.sha256');
  const digest = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return python;
  if (!existsSync(python)) step('creating training/.venv', process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
  step('installing training/requirements.txt', python, [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '-r',
    requirements,
  ]);
  writeFileSync(stamp, digest);
  return python;
}

const cli = join(root, 'bin', 'spamstream.js');
const features = join(outDir, 'features.jsonl');
const golden = join(outDir, 'golden-features.jsonl');
step('fitting the v2 vocabulary on the training split', process.execPath, [
  cli,
  'features',
  'fit-vocab',
  '--input',
  data,
  '--out',
  join(root, 'models', 'vocab', 'v2.json'),
]);
step('exporting features of the labelled data', process.execPath, [
  cli,
  'features',
  'export',
  '--input',
  data,
  '--out',
  features,
]);
step('exporting features of the golden texts', process.execPath, [
  cli,
  'features',
  'export',
  '--input',
  join(root, 'training', 'golden-texts.csv'),
  '--out',
  golden,
  '--unlabelled',
  '--include-text',
]);
const python = pythonEnv();
step('training the models', python, [
  join(root, 'training', 'train.py'),
  '--export',
  features,
  '--golden',
  golden,
  '--models-dir',
  join(root, 'models'),
  '--versions',
  values.versions,
  '--seed',
  values.seed,
]);
console.error('\n[train] done: check models/*/card.json, then `npx vitest run models/parity.test.ts`');
