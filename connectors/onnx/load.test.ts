import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpamstreamError } from '../../core/errors.ts';
import { computeViews, featureViews } from '../../features/index.ts';
import { labelFor } from '../../models/scoring.ts';
import { type SpamModel, availableModels } from '../model-runtime.ts';
import { loadModels } from './load.ts';

const modelsDir = join(import.meta.dirname, '..', '..', 'models');
const scratch = mkdtempSync(join(tmpdir(), 'spamstream-models-'));
const opened: SpamModel[] = [];
afterAll(async () => {
  await Promise.all(opened.map((m) => m.close()));
  rmSync(scratch, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<SpamstreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SpamstreamError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** A copy of the committed models whose card.json of `version` is edited by `edit`. */
function editedCopy(name: string, version: string, edit: (card: Record<string, unknown>) => void): string {
  const dir = join(scratch, name);
  cpSync(modelsDir, dir, { recursive: true });
  const path = join(dir, version, 'card.json');
  const card = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(card);
  writeFileSync(path, JSON.stringify(card));
  return dir;
}

describe('loadModels', () => {
  it('loads every model when no version is named, in version order', async () => {
    expect(availableModels(modelsDir)).toEqual(['v1', 'v2', 'v3']);
    const models = await loadModels(modelsDir);
    opened.push(...models);
    expect(models.map((m) => m.card.version)).toEqual(['v1', 'v2', 'v3']);
  });

  it('refuses a version that is not there', async () => {
    expect((await rejection(loadModels(modelsDir, ['v9']))).message).toMatch(/no model v9/);
  });

  it('loads a version of another folder only when it is named, and refuses one in two folders', async () => {
    // v3 of the committed models as v4 of a folder of models trained from labels.
    const local = join(scratch, 'local');
    cpSync(join(modelsDir, 'v3'), join(local, 'v4'), { recursive: true });
    const card = JSON.parse(readFileSync(join(local, 'v4', 'card.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(local, 'v4', 'card.json'), JSON.stringify({ ...card, version: 'v4' }));
    const all = await loadModels(modelsDir, [], { extraDirs: [local] });
    opened.push(...all);
    expect(all.map((m) => m.card.version)).toEqual(['v1', 'v2', 'v3']);
    const named = await loadModels(modelsDir, ['v1', 'v4'], { extraDirs: [local] });
    opened.push(...named);
    expect(named.map((m) => m.card.version)).toEqual(['v1', 'v4']);
    expect((await rejection(loadModels(modelsDir, ['v4']))).message).toMatch(/no model v4/);

    cpSync(join(modelsDir, 'v1'), join(local, 'v1'), { recursive: true });
    expect((await rejection(loadModels(modelsDir, ['v1'], { extraDirs: [local] }))).message).toMatch(
      /model v1 is in .* and .*: keep one/,
    );
  });

  it('refuses a model whose card needs a view version the registry does not compute', async () => {
    const dir = editedCopy('stale-view', 'v2', (card) => {
      card.views = [{ id: 'v2', version: 99 }];
    });
    const error = await rejection(loadModels(dir, ['v2']));
    expect(error.code).toBe('VIEW_MISSING');
    expect(error.message).toMatch(/version 99/);
  });

  it('refuses a model file that does not match its card', async () => {
    const dir = editedCopy('other-file', 'v1', (card) => {
      card.model = { ...(card.model as object), sha256: '0'.repeat(64) };
    });
    expect((await rejection(loadModels(dir, ['v1']))).message).toMatch(/sha256/);
  });
});

describe('a loaded model', () => {
  it('scores a batch in order, spam above ham', async () => {
    const [model] = await loadModels(modelsDir, ['v3']);
    opened.push(model!);
    const texts = ['WINNER! Claim your £1000 cash prize now, call 09061701461', 'see you at home later, love you'];
    const probabilities = await model!.predict(texts.map((t) => computeViews(t)));
    expect(probabilities).toBeInstanceOf(Float64Array);
    expect(probabilities).toHaveLength(2);
    expect(labelFor(model!.card.threshold, probabilities[0]!)).toBe('spam');
    expect(labelFor(model!.card.threshold, probabilities[1]!)).toBe('ham');
    expect(await model!.predict([])).toHaveLength(0);
  });

  it('rejects rows that lack a view or carry a wrong width, with catalogue codes', async () => {
    const [model] = await loadModels(modelsDir, ['v1']);
    opened.push(model!);
    expect((await rejection(model!.predict([computeViews('hi', ['v2'])]))).code).toBe('VIEW_MISSING');
    expect((await rejection(model!.predict([{ v1: [1, 2, 3] }]))).code).toBe('INVALID_FIELD');
  });

  it('rejects ids outside the vocabulary as an inference failure', async () => {
    const [model] = await loadModels(modelsDir, ['v2']);
    opened.push(model!);
    const ids = new Array(featureViews[1]!.length).fill(0);
    ids[0] = 10_000_000;
    expect((await rejection(model!.predict([{ v2: ids }]))).code).toBe('INFERENCE_FAILED');
  });
});
