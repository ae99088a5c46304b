// The port of the spam models: the SpamModel interface that processors and the HTTP edge depend
// on, and the layout of a models directory. The ONNX implementation and its loader live in
// connectors/onnx/ (`loadModels` in connectors/onnx/load.ts); importing this module never loads
// the native onnxruntime binding.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureSet } from '../features/view.ts';
import type { ModelCard } from '../models/card.ts';

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
 *   The label follows models/scoring.ts `labelFor` (the card's threshold).
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

/** Model versions found in `dir`: sub-directories named v<N> holding a card.json, in numeric order. */
export function availableModels(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && /^v\d+$/u.test(entry.name) && existsSync(join(dir, entry.name, 'card.json')),
    )
    .map((entry) => entry.name)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}
