// Loads the models of a models directory into onnxruntime sessions (connectors/onnx/onnx-model.ts),
// after checking each card against the views this program computes. Import it where models are
// really run (it loads the native binding): runtime/wiring.ts, `spamstream predict`, model tests.
import { join } from 'node:path';
import { SpamstreamError } from '../../core/errors.ts';
import { featureViews } from '../../features/index.ts';
import { readCard } from '../../models/card.ts';
import type { FeatureView } from '../../features/view.ts';
import { type SpamModel, availableModels } from '../model-runtime.ts';
import { openOnnxModel } from './onnx-model.ts';

export interface LoadOptions {
  /** Threads one inference may use (onnxruntime intra-op threads); default 1: the stream runs models side by side. */
  readonly threads?: number;
  /**
   * The views the program computes; a model needing a view id@version not among them is refused.
   * Default: the registry (features/index.ts).
   */
  readonly views?: readonly FeatureView[];
  /**
   * More folders a version named in `versions` may come from (SPAMSTREAM_LOCAL_MODELS_DIR: models
   * trained from labels); never loaded unnamed. A version in two folders is refused.
   */
  readonly extraDirs?: readonly string[];
}

/**
 * Loads the models `versions` (empty: every model in `dir`, e.g. config.pipeline.models and
 * config.pipeline.modelsDir; a named one may also come from `options.extraDirs`). Throws — at
 * start-up, not per record — when a version is missing or in two folders, a card is invalid,
 * model.onnx does not match its card's sha256, or a model needs a view version the registry does not
 * compute (a refit vocabulary without retrained models, say).
 */
export async function loadModels(
  dir: string,
  versions: readonly string[] = [],
  options: LoadOptions = {},
): Promise<SpamModel[]> {
  const dirs = [dir, ...(options.extraDirs ?? [])];
  const found = new Map<string, string[]>();
  for (const folder of dirs)
    for (const version of availableModels(folder)) found.set(version, [...(found.get(version) ?? []), folder]);
  const wanted = versions.length === 0 ? availableModels(dir) : [...versions];
  const missing = wanted.filter((version) => !found.has(version));
  if (missing.length > 0)
    throw new SpamstreamError(
      'INTERNAL',
      `no model ${missing.join(', ')} in ${dirs.join(', ')} (found: ${[...found.keys()].join(', ') || 'none'})`,
    );
  const twice = wanted.find((version) => found.get(version)!.length > 1);
  if (twice) throw new SpamstreamError('INTERNAL', `model ${twice} is in ${found.get(twice)!.join(' and ')}: keep one`);
  const folderOf = (version: string) => found.get(version)![0]!;
  const views = options.views ?? featureViews;
  const cards = wanted.map((version) => {
    const card = readCard(join(folderOf(version), version, 'card.json'));
    if (card.version !== version)
      throw new SpamstreamError('INTERNAL', `${folderOf(version)}/${version}/card.json says version ${card.version}`);
    for (const need of card.views) {
      if (!views.some((view) => view.id === need.id && view.version === need.version)) {
        const have = views.find((view) => view.id === need.id);
        throw new SpamstreamError(
          'VIEW_MISSING',
          `model ${version} needs view ${need.id} version ${need.version}; this program computes ${have ? `version ${have.version}` : 'no such view'} (retrain the model or restore the view)`,
        );
      }
    }
    return card;
  });
  const models: SpamModel[] = [];
  try {
    for (const card of cards)
      models.push(
        await openOnnxModel(join(folderOf(card.version), card.version, card.model.file), card, {
          threads: options.threads ?? 1,
        }),
      );
  } catch (error) {
    await Promise.all(models.map((model) => model.close()));
    throw error;
  }
  return models;
}
