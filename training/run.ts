// `npm run train -- --data <labelled csv> [--versions v1,v2,v3]`: reproduces every trained artifact.
//   1. fits the v2 vocabulary on the training split   → models/vocab/v2.json
//   2. exports every view of the labelled data         → out/features.jsonl
//   3. exports every view of the golden texts          → out/golden-features.jsonl
//   4. prepares training/.venv from requirements.txt (the same stamp as `npm test`)
//   5. trains and checks the models in Python           → models/vN/{model.onnx,card.json,golden.json}
// Steps 1–3 run the TypeScript feature code in fresh processes, so step 2 uses the vocabulary of step 1.
//
// `npm run train -- --labels --data <csv>`: a new version from what users labelled (docs/loop.md).
//   1. exports the data set and every labelled message of sms.labels with the features sms.features
//      holds for it, with the committed vocabulary the stream used (`spamstream features export-labels`)
//   2. exports the golden texts, prepares training/.venv
//   3. trains the next free version (v4 first) with v3's recipe into SPAMSTREAM_LOCAL_MODELS_DIR,
//      compared on the same held-out rows with the champion (or --compare-with)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { readCard } from '../models/card.ts';
import { chooseChampion } from '../models/champion.ts';

const root = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    versions: { type: 'string', default: 'v1,v2,v3' },
    seed: { type: 'string', default: '0' },
    labels: { type: 'boolean', default: false },
    version: { type: 'string' },
    'compare-with': { type: 'string' },
    'models-dir': { type: 'string' },
    'work-dir': { type: 'string' },
    fast: { type: 'boolean', default: false },
  },
});
if (values.data === undefined) {
  console.error(
    [
      'usage: npm run train -- --data ../shared/data/sms_labeled.csv [--versions v1,v2,v3] [--seed 0]',
      '       npm run train -- --labels --data ../shared/data/sms_labeled.csv [--version vN] [--compare-with vN]',
      '                        [--models-dir DIR] [--work-dir DIR] [--fast]',
    ].join('\n'),
  );
  process.exit(2);
}
const data = resolve(values.data);
const outDir = resolve(values['work-dir'] ?? join(root, 'out'));
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
const golden = join(outDir, 'golden-features.jsonl');
const exportGolden = () =>
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

if (values.labels) trainFromLabels();
else trainFromDataSet();

function trainFromDataSet(): void {
  const features = join(outDir, 'features.jsonl');
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
  exportGolden();
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
}

function trainFromLabels(): void {
  const { pipeline, edge } = loadConfig();
  const target = resolve(values['models-dir'] ?? pipeline.localModelsDir);
  const folders = [pipeline.modelsDir, pipeline.localModelsDir, target];
  const taken = [...new Set(folders.flatMap((folder) => availableModels(folder)))];
  const version = values.version ?? `v${Math.max(0, ...taken.map((v) => Number(v.slice(1)))) + 1}`;
  if (taken.includes(version)) {
    console.error(
      `[train] ${version} exists already: a version, once used, never changes meaning (--version names another)`,
    );
    process.exit(2);
  }
  // Compared with the answer of today: the champion among the versions scored, unless told otherwise.
  const folderOf = (v: string) => folders.find((folder) => availableModels(folder).includes(v));
  const scored = pipeline.models.length > 0 ? pipeline.models : availableModels(pipeline.modelsDir);
  const champion = chooseChampion(
    scored.filter(folderOf).map((v) => readCard(join(folderOf(v)!, v, 'card.json'))),
    edge.champion,
  );
  const against = values['compare-with'] ?? (champion instanceof Error ? undefined : champion?.version);
  if (against === undefined || folderOf(against) === undefined) {
    console.error(
      `[train] no model ${against ?? ''} to compare with (${champion instanceof Error ? champion.message : 'none loaded'})`,
    );
    process.exit(2);
  }
  const features = join(outDir, 'labelled-features.jsonl');
  step('exporting the data set and the labelled messages with the features the stream saw', process.execPath, [
    cli,
    'features',
    'export-labels',
    '--data',
    data,
    '--out',
    features,
  ]);
  exportGolden();
  const python = pythonEnv();
  step(`training ${version} from the labels`, python, [
    join(root, 'training', 'train.py'),
    '--export',
    features,
    '--golden',
    golden,
    '--models-dir',
    target,
    '--labelled-version',
    version,
    '--compare-with',
    join(folderOf(against)!, against),
    '--seed',
    values.seed,
    ...(values.fast ? ['--fast', '--folds', '3'] : []),
  ]);
  console.error(
    [
      `\n[train] done: ${join(target, version)} (its card.json names the data it saw and compares it with ${against})`,
      `  backfill it:          npx spamstream replay scoring --models ${version}`,
      `  score it live:        SPAMSTREAM_MODELS=${[...scored, version].join(',')} (restart the scoring processor and the edge)`,
      `  make it the answer:   SPAMSTREAM_CHAMPION=${version}`,
    ].join('\n'),
  );
}
