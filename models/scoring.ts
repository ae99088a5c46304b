// The scoring domain, in one place for the scoring processor, the edge's /models routes and the
// offline `spamstream predict`: what a scoring model is, which models a record can use, the spam
// threshold rule, how a probability becomes an SmsPrediction, and how a batch is scored when one
// of its rows makes the model fail.
import { type Failure, type Result, fail, failureFrom, ok } from '../core/result.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import type { StoredPrediction } from '../connectors/online-store.ts';
import type { FeatureSet, FeatureView } from '../features/view.ts';
import type { SmsFeatures, SmsPrediction } from '../schemas/index.ts';

/** What scoring needs of a model: which views (and versions) it eats, and batched inference. */
export interface ScoringModel {
  readonly name: string;
  readonly version: string;
  readonly views: readonly { readonly id: string; readonly version: number }[];
  readonly threshold: number;
  /** Spam probability per row, in order. */
  predict(batch: readonly FeatureSet[]): Promise<Float64Array | readonly number[]>;
}

/** The scoring view of a loaded model (connectors/model-runtime.ts). */
export function scoringModelOf(model: SpamModel): ScoringModel {
  const { card } = model;
  return {
    name: card.name,
    version: card.version,
    views: card.views,
    threshold: card.threshold,
    predict: (batch) => model.predict(batch),
  };
}

/** The threshold rule (models/card.ts): a message is spam when its probability reaches the threshold. */
export function labelFor(threshold: number, spamProbability: number): 'spam' | 'ham' {
  return spamProbability >= threshold ? 'spam' : 'ham';
}

/** A record with the feature set its models read, and the models that can score it. */
export interface Selected {
  readonly features: SmsFeatures;
  readonly set: FeatureSet;
  readonly models: readonly ScoringModel[];
}

/** The models whose every view is present, at the version the model was trained on. */
export function selectModels(
  features: SmsFeatures,
  models: readonly ScoringModel[],
  views: readonly FeatureView[],
): Result<Selected> {
  const present = new Set<string>();
  for (const vector of features.views) {
    const known = views.find((view) => view.id === vector.view && view.version === vector.version);
    if (known && vector.values.length !== known.length) {
      const counts = `has ${vector.values.length} values; it defines ${known.length}`;
      return fail('INVALID_FIELD', `view ${vector.view} v${vector.version} ${counts}`);
    }
    present.add(`${vector.view}@${vector.version}`);
  }
  const usable = models.filter((model) => model.views.every((view) => present.has(`${view.id}@${view.version}`)));
  if (usable.length === 0) {
    const have = [...present].join(', ') || 'none';
    return fail('VIEW_MISSING', `no configured model consumes the views present (${have})`);
  }
  const byId: Record<string, readonly number[]> = {};
  for (const vector of features.views) byId[vector.view] = vector.values;
  return ok({ features, set: byId, models: usable });
}

/** Called after a whole batch went through the model in one call (for metrics). */
export type OnBatchScored = (seconds: number, rows: number) => void;

/**
 * Scores `sets` in one call; if the model rejects the batch, scores each row alone, so only the bad
 * row fails. Resolves to a probability or a Failure (code from the error, else INFERENCE_FAILED)
 * per row, in order; never rejects.
 */
export async function scoreRows(
  model: ScoringModel,
  sets: readonly FeatureSet[],
  onBatch?: OnBatchScored,
): Promise<(number | Failure)[]> {
  const started = performance.now();
  try {
    const out = Array.from(await model.predict(sets));
    if (out.length !== sets.length) throw new Error(`returned ${out.length} probabilities for ${sets.length} rows`);
    onBatch?.((performance.now() - started) / 1000, sets.length);
    return out;
  } catch (batchError) {
    if (sets.length === 1) return [rowFailure(model, batchError)];
    return Promise.all(sets.map(async (set) => (await scoreRows(model, [set]))[0]!));
  }
}

function rowFailure(model: ScoringModel, error: unknown): Failure {
  const failure = failureFrom(error, 'INFERENCE_FAILED');
  const prefix = `model ${model.version}:`;
  return fail(failure.code, failure.reason.startsWith(prefix) ? failure.reason : `${prefix} ${failure.reason}`);
}

const LABELS = ['ham', 'spam'];

export function toPrediction(
  features: SmsFeatures,
  model: ScoringModel,
  probability: number,
  scoredAt: number,
): SmsPrediction {
  return {
    sms_id: features.sms_id,
    model: model.name,
    model_version: model.version,
    feature_view: model.views.map((view) => view.id).join('+'),
    label: labelFor(model.threshold, probability),
    spam_probability: probability,
    labels: LABELS,
    scores: [1 - probability, probability],
    threshold: model.threshold,
    event_time: features.event_time,
    scored_at: scoredAt,
  };
}

export function toStoredPrediction(prediction: SmsPrediction): StoredPrediction {
  return {
    smsId: prediction.sms_id,
    model: prediction.model,
    modelVersion: prediction.model_version,
    featureView: prediction.feature_view,
    label: prediction.label,
    spamProbability: prediction.spam_probability,
    labels: prediction.labels,
    scores: prediction.scores,
    threshold: prediction.threshold,
    eventTime: prediction.event_time,
    scoredAt: prediction.scored_at,
  };
}
