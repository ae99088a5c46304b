// What this compares, for every committed model and its golden texts (models/vN/golden.json):
// - Cross-language parity of probabilities: onnxruntime-node, fed the TypeScript features, must give
//   the probabilities Python's onnxruntime gave at training time (within the file's tolerance).
// - A drift guard for features, not cross-language parity: the golden vectors were written by this
//   program's own `spamstream features export` when the model was trained (training/run.ts), so
//   they catch a change to the TypeScript views since then, not a Python/TypeScript disagreement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SpamModel, availableModels } from '../connectors/model-runtime.ts';
import { loadModels } from '../connectors/onnx/load.ts';
import { labelFor } from './scoring.ts';
import { computeViews } from '../features/index.ts';

interface GoldenRow {
  readonly id: string;
  readonly text: string;
  readonly features: Record<string, number[]>;
  readonly spamProbability: number;
  readonly label: 'spam' | 'ham';
}
interface Golden {
  readonly model: string;
  readonly tolerance: number;
  readonly rows: readonly GoldenRow[];
}

const modelsDir = import.meta.dirname;
const versions = availableModels(modelsDir);
const loaded: SpamModel[] = [];

afterAll(async () => {
  await Promise.all(loaded.map((model) => model.close()));
});

it('finds the three committed models', () => {
  expect(versions).toEqual(expect.arrayContaining(['v1', 'v2', 'v3']));
});

describe.each(versions)('model %s', (version) => {
  const golden = JSON.parse(readFileSync(join(modelsDir, version, 'golden.json'), 'utf8')) as Golden;

  it('has a golden set of a few dozen texts', () => {
    expect(golden.model).toBe(version);
    expect(golden.rows.length).toBeGreaterThanOrEqual(24);
    expect(golden.tolerance).toBeLessThanOrEqual(1e-5);
  });

  it('computes the feature vectors the model was trained on (no drift since training)', () => {
    for (const row of golden.rows) {
      const computed = computeViews(row.text, Object.keys(row.features));
      expect({ id: row.id, features: computed }).toEqual({ id: row.id, features: row.features });
    }
  });

  it('gives the same probabilities with onnxruntime-node, from the TypeScript features', async () => {
    const [model] = await loadModels(modelsDir, [version]);
    loaded.push(model!);
    const batch = golden.rows.map((row) =>
      computeViews(
        row.text,
        model!.card.views.map((view) => view.id),
      ),
    );
    const probabilities = await model!.predict(batch);
    golden.rows.forEach((row, index) => {
      const probability = probabilities[index]!;
      expect(
        Math.abs(probability - row.spamProbability),
        `${row.id}: ${probability} vs ${row.spamProbability}`,
      ).toBeLessThanOrEqual(golden.tolerance);
      expect(labelFor(model!.card.threshold, probability)).toBe(row.label);
    });
  });

  it('scores one row alone as it scores it within a batch', async () => {
    const model = loaded.find((m) => m.card.version === version) ?? (await loadModels(modelsDir, [version]))[0]!;
    const row = golden.rows[0]!;
    const [alone] = await model.predict([computeViews(row.text)]);
    expect(Math.abs(alone! - row.spamProbability)).toBeLessThanOrEqual(golden.tolerance);
  });
});
