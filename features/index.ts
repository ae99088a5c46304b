// The registry of feature views: the stream processors, the HTTP edge, the offline export and the
// model runtime all compute features through exactly these functions, so training and serving
// can never disagree on what a view means.
import { join } from 'node:path';
import { textStatsView } from './v1-text-stats.ts';
import { tokenIdsView } from './v2-token-ids.ts';
import type { FeatureSet, FeatureView } from './view.ts';
import { readVocabulary } from './vocabulary.ts';

export type { FeatureField, FeatureSet, FeatureView, FieldsLayout, SequenceLayout } from './view.ts';

/** The committed v2 vocabulary, fitted by `spamstream features fit-vocab`. */
export const VOCABULARY_PATH = join(import.meta.dirname, '..', 'models', 'vocab', 'v2.json');

/** Every view, in id order. */
export const featureViews: readonly FeatureView[] = Object.freeze([
  textStatsView,
  tokenIdsView(readVocabulary(VOCABULARY_PATH)),
]);

const byId = new Map(featureViews.map((view) => [view.id, view]));

export const viewIds: readonly string[] = Object.freeze(featureViews.map((view) => view.id));

/** The view with this id, or undefined. */
export function getView(id: string): FeatureView | undefined {
  return byId.get(id);
}

/** Ids that are not views (e.g. to reject `?views=v9` with a 400). */
export function unknownViews(ids: readonly string[]): string[] {
  return ids.filter((id) => !byId.has(id));
}

/** The views with these ids (all when none are given), in id order; a RangeError names an unknown id. */
export function selectViews(ids: readonly string[]): readonly FeatureView[] {
  const unknown = unknownViews(ids);
  if (unknown.length > 0)
    throw new RangeError(`unknown feature view ${unknown.join(', ')} (known: ${viewIds.join(', ')})`);
  return ids.length === 0 ? featureViews : featureViews.filter((view) => ids.includes(view.id));
}

/**
 * Computes the views `ids` (default: all) of one text. Throws a RangeError for an unknown id;
 * callers that take ids from users check them with unknownViews first.
 */
export function computeViews(text: string, ids: readonly string[] = viewIds): FeatureSet {
  const set: Record<string, number[]> = {};
  for (const id of ids) {
    const view = byId.get(id);
    if (view === undefined) throw new RangeError(`unknown feature view "${id}" (known: ${viewIds.join(', ')})`);
    set[id] = view.compute(text);
  }
  return set;
}
