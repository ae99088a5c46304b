// The spam models behind one small interface. Processors and the HTTP edge depend on this file
// only; the ONNX implementation (connectors/onnx/) is loaded by loadModels through a dynamic
// import, so importing this module never loads the native onnxruntime binding.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpamstreamError } from '../core/errors.ts';
import type { FeatureSet, FeatureView } from '../features/view.ts';
import { type ModelCard, readCard } from '../models/card.ts';

export type { ModelCard, ModelInputSpec, ModelMetrics } from '../models/card.ts';
export type { FeatureSet } from '../features/view.ts';

/**
 * A loaded spam model.
 *
 * Contract of `predict(batch)`:
 * - `batch[i]` maps view id → values, as computed by features/index.ts `computeViews`; every view
 *   the card lists must be present (extra views are ignored), with exactly the width the card's
 *   input names. Values of float32 inputs are read as float32; ids of int64 inputs must be
 *   non-negative integers.
 * - Resolves to one spam probability per row, in batch order (column "spam" of the model output).
 *   `label = probability >= card.threshold ? 'spam' : 'ham'` (see labelFor).
 * - An empty batch resolves to an empty array without running the model.
 * - Rejects with SpamstreamError: VIEW_MISSING when a row lacks a view, INVALID_FIELD when a vector
 *   has the wrong width or a value the input cannot hold, INFERENCE_FAILED when the runtime rejects
 *   the batch. A rejection concerns the whole batch; callers isolate a bad row by retrying rows alone.
 * - Calls may overlap; results never mix between calls.
 * `close()` frees the native session; predict must not be called after it.
 */
export interface SpamModel {
  readonly card: ModelCard;
  predict(batch: readonly FeatureSet[]): Promise<Float64Array>;
  close(): Promise<void>;
}

export interface LoadOptions {
  /** Threads one inference may use (onnxruntime intra-op threads); default 1, as the stream runs several models side by side. */
  readonly threads?: number;
  /** The views the program computes; a model needing a view id@version not among them is refused. Default: the registry (features/index.ts). */
  readonly views?: readonly FeatureView[];
}

/** spam or ham, by the card's threshold. */
export function labelFor(card: ModelCard, spamProbability: number): 'spam' | 'ham' {
  return spamProbability >= card.threshold ? 'spam' : 'ham';
}

/** Whether `available` (view ids present in a record) covers every view the model eats. */
export function canScore(card: ModelCard, available: Iterable<string>): boolean {
  const present = new Set(available);
  return card.views.every((view) => present.has(view.id));
}

/** Model versions found in `dir`: sub-directories named v<N> holding a card.json, in numeric order. */
export function availableModels(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^v\d+$/u.test(entry.name) && existsSync(join(dir, entry.name, 'card.json')))
    .map((entry) => entry.name)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/**
 * Loads the models `versions` (empty: every model in `dir`, e.g. config.pipeline.models and
 * config.pipeline.modelsDir). Throws — at start-up, not per record — when a version is missing,
 * a card is invalid, model.onnx does not match its card's sha256, or a model needs a view version
 * the registry does not compute (a refit vocabulary without retrained models, say).
 */
export async function loadModels(dir: string, versions: readonly string[] = [], options: LoadOptions = {}): Promise<SpamModel[]> {
  const found = availableModels(dir);
  const wanted = versions.length === 0 ? found : [...versions];
  const missing = wanted.filter((version) => !found.includes(version));
  if (missing.length > 0) throw new SpamstreamError('INTERNAL', `no model ${missing.join(', ')} in ${dir} (found: ${found.join(', ') || 'none'})`);
  const views = options.views ?? (await import('../features/index.ts')).featureViews;
  const cards = wanted.map((version) => {
    const card = readCard(join(dir, version, 'card.json'));
    if (card.version !== version) throw new SpamstreamError('INTERNAL', `${dir}/${version}/card.json says version ${card.version}`);
    for (const need of card.views) {
      if (!views.some((view) => view.id === need.id && view.version === need.version)) {
        const have = views.find((view) => view.id === need.id);
        throw new SpamstreamError('VIEW_MISSING', `model ${version} needs view ${need.id} version ${need.version}; this program computes ${have ? `version ${have.version}` : 'no such view'} (retrain the model or restore the view)`);
      }
    }
    return card;
  });
  const { openOnnxModel } = await import('./onnx/onnx-model.ts');
  const models: SpamModel[] = [];
  try {
    for (const card of cards) models.push(await openOnnxModel(join(dir, card.version, card.model.file), card, { threads: options.threads ?? 1 }));
  } catch (error) {
    await Promise.all(models.map((model) => model.close()));
    throw error;
  }
  return models;
}
