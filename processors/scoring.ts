// The scoring processor:
//   sms.features ─► decode ─► select models ─► micro-batched inference ─► upsert latest ─► encode ─► sms.predictions
import { type OperatorFunction, pipe } from 'rxjs';
import type { Envelope } from '../core/envelope.ts';
import type { Metrics } from '../core/metrics.ts';
import { type Result, fail, failureFrom, ok } from '../core/result.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { OutgoingRecord } from '../connectors/kafka.ts';
import type { SpamModel } from '../connectors/model-runtime.ts';
import type { PredictionStore, StoredPrediction } from '../connectors/online-store.ts';
import type { FeatureSet, FeatureView } from '../features/index.ts';
import { type SmsFeatures, type SmsPrediction, loadSchema } from '../schemas/index.ts';
import { REPLAY_HEADER } from './deliver.ts';
import { type Flow, type RetryPolicy, decodeRecords, mapOk, mapOkAsync, mapOkBatched } from './flow.ts';

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
  return { name: card.name, version: card.version, views: card.views, threshold: card.threshold, predict: (batch) => model.predict(batch) };
}

export interface ScoringPorts {
  readonly codec: RecordCodec;
  readonly store: PredictionStore;
  readonly models: readonly ScoringModel[];
  /** The known views, to check that incoming vectors have the length their version promises. */
  readonly views: readonly FeatureView[];
  readonly metrics?: Metrics;
}

export interface ScoringSettings {
  readonly predictionsTopic: string;
  readonly batchSize: number;
  readonly batchWaitMs: number;
  readonly policy: RetryPolicy;
  readonly now?: () => number;
}

interface Selected {
  readonly features: SmsFeatures;
  readonly set: FeatureSet;
  readonly models: readonly ScoringModel[];
}

const FEATURES_SCHEMA = loadSchema('sms-features');
const LABELS = ['ham', 'spam'];

export function scoringProcessor(ports: ScoringPorts, settings: ScoringSettings): OperatorFunction<Envelope<Buffer | null>, Flow<readonly OutgoingRecord[]>> {
  const now = settings.now ?? Date.now;
  return pipe(
    decodeRecords<SmsFeatures>(ports.codec, FEATURES_SCHEMA, settings.policy),
    mapOk((features, record) => {
      const selected = selectModels(features, ports.models, ports.views);
      // A replay backfilling a view no configured model reads is no bad input: nothing to score.
      if (!selected.ok && selected.code === 'VIEW_MISSING' && record.headers[REPLAY_HEADER] !== undefined) return ok({ features, set: {}, models: [] });
      return selected;
    }),
    mapOkBatched((batch: readonly Selected[]) => scoreBatch(batch, ports, now), {
      size: settings.batchSize,
      waitMs: settings.batchWaitMs,
      policy: settings.policy,
    }),
    mapOkAsync(async (predictions) => {
      await ports.store.putPredictions(predictions.map(toStoredPrediction));
      return predictions;
    }, settings.policy),
    mapOkAsync((predictions, record) => Promise.all(predictions.map(async (prediction) => ({
      topic: settings.predictionsTopic,
      key: prediction.sms_id,
      value: await ports.codec.encode(`${settings.predictionsTopic}-value`, prediction),
      timestamp: record.timestamp,
    }))), settings.policy),
  );
}

/** The models whose every view is present, at the version the model was trained on. */
export function selectModels(features: SmsFeatures, models: readonly ScoringModel[], views: readonly FeatureView[]): Result<Selected> {
  const present = new Set<string>();
  for (const vector of features.views) {
    const known = views.find((view) => view.id === vector.view && view.version === vector.version);
    if (known && vector.values.length !== known.length) {
      return fail('INVALID_FIELD', `view ${vector.view} v${vector.version} has ${vector.values.length} values; it defines ${known.length}`);
    }
    present.add(`${vector.view}@${vector.version}`);
  }
  const usable = models.filter((model) => model.views.every((view) => present.has(`${view.id}@${view.version}`)));
  if (usable.length === 0) {
    return fail('VIEW_MISSING', `no configured model consumes the views present (${[...present].join(', ') || 'none'})`);
  }
  const byId: Record<string, readonly number[]> = {};
  for (const vector of features.views) byId[vector.view] = vector.values;
  return ok({ features, set: byId, models: usable });
}

async function scoreBatch(batch: readonly Selected[], ports: ScoringPorts, now: () => number): Promise<Result<SmsPrediction[]>[]> {
  const predictions: SmsPrediction[][] = batch.map(() => []);
  const failures: (Result<never> | undefined)[] = batch.map(() => undefined);
  for (const model of ports.models) {
    const rows = batch.flatMap((item, index) => (item.models.includes(model) ? [index] : []));
    if (rows.length === 0) continue;
    const probabilities = await inferIsolatingFailures(model, rows.map((index) => batch[index]!.set), ports.metrics);
    const scoredAt = now();
    rows.forEach((index, i) => {
      const probability = probabilities[i]!;
      if (typeof probability !== 'number') {
        failures[index] ??= probability;
        return;
      }
      predictions[index]!.push(toPrediction(batch[index]!.features, model, probability, scoredAt));
      ports.metrics?.pipelineLatency.observe({ model_version: model.version }, Math.max(0, scoredAt - batch[index]!.features.event_time) / 1000);
    });
  }
  return batch.map((_, index) => failures[index] ?? ok(predictions[index]!));
}

/** One call for the whole micro-batch; if the model rejects it, each row alone, so only the bad row fails. */
async function inferIsolatingFailures(model: ScoringModel, sets: readonly FeatureSet[], metrics?: Metrics): Promise<(number | Result<never>)[]> {
  const started = performance.now();
  try {
    const out = Array.from(await model.predict(sets));
    metrics?.inferenceSeconds.observe({ model_version: model.version }, (performance.now() - started) / 1000);
    metrics?.inferenceBatchSize.observe({ model_version: model.version }, sets.length);
    return out;
  } catch {
    return Promise.all(sets.map(async (set) => {
      try {
        return Array.from(await model.predict([set]))[0]!;
      } catch (error) {
        const failure = failureFrom(error, 'INFERENCE_FAILED');
        return fail(failure.code, `model ${model.version}: ${failure.reason}`);
      }
    }));
  }
}

export function toPrediction(features: SmsFeatures, model: ScoringModel, probability: number, scoredAt: number): SmsPrediction {
  return {
    sms_id: features.sms_id,
    model: model.name,
    model_version: model.version,
    feature_view: model.views.map((view) => view.id).join('+'),
    label: probability >= model.threshold ? 'spam' : 'ham',
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
