// The scoring processor:
//   sms.features ─► decode ─► select models ─► micro-batched inference ─► upsert latest ─► encode ─► sms.predictions
import { pipe } from 'rxjs';
import type { Metrics } from '../core/metrics.ts';
import { type Failure, type Result, ok } from '../core/result.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { PredictionStore } from '../connectors/online-store.ts';
import type { FeatureView } from '../features/index.ts';
import {
  type ScoringModel,
  type Selected,
  scoreRows,
  selectModels,
  toPrediction,
  toStoredPrediction,
} from '../models/scoring.ts';
import { type SmsFeatures, type SmsPrediction, loadSchema } from '../schemas/index.ts';
import { REPLAY_HEADER } from './deliver.ts';
import {
  type RecordProcessor,
  type RetryPolicy,
  decodeRecords,
  inTransit,
  mapOk,
  mapOkAsync,
  mapOkBatched,
  namedPipe,
  outputRecord,
  step,
} from './flow.ts';

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

const FEATURES_SCHEMA = loadSchema('sms-features');

export function scoringProcessor(ports: ScoringPorts, settings: ScoringSettings): RecordProcessor {
  const now = settings.now ?? Date.now;
  // Records decoded and selected but not yet at the batcher: once none is, a batch waits no longer.
  const arriving = inTransit();
  return namedPipe(
    step(
      'decode SmsFeatures',
      pipe(arriving.enter(), decodeRecords<SmsFeatures>(ports.codec, FEATURES_SCHEMA, settings.policy)),
    ),
    step(
      'select the models whose views are present',
      pipe(
        mapOk((features: SmsFeatures, record) => {
          const selected = selectModels(features, ports.models, ports.views);
          // A replay backfilling a view no configured model reads is no bad input: nothing to score.
          if (!selected.ok && selected.code === 'VIEW_MISSING' && record.headers[REPLAY_HEADER] !== undefined)
            return ok({ features, set: {}, models: [] });
          return selected;
        }),
        arriving.leave(),
      ),
    ),
    step(
      'micro-batched ONNX inference',
      mapOkBatched((batch: readonly Selected[]) => scoreBatch(batch, ports, now), {
        size: settings.batchSize,
        waitMs: settings.batchWaitMs,
        settled: arriving.empty,
        policy: settings.policy,
      }),
    ),
    step(
      'upsert latest prediction per model version',
      mapOkAsync(async (predictions) => {
        await ports.store.putPredictions(predictions.map(toStoredPrediction));
        return predictions;
      }, settings.policy),
      { stores: ['predictions'] },
    ),
    step(
      'encode SmsPrediction',
      mapOkAsync(
        (predictions, record) =>
          Promise.all(
            predictions.map((p) => outputRecord(ports.codec, settings.predictionsTopic, p.sms_id, p, record)),
          ),
        settings.policy,
      ),
      { topic: settings.predictionsTopic },
    ),
  );
}

async function scoreBatch(
  batch: readonly Selected[],
  ports: ScoringPorts,
  now: () => number,
): Promise<Result<SmsPrediction[]>[]> {
  const predictions: SmsPrediction[][] = batch.map(() => []);
  const failures: (Failure | undefined)[] = batch.map(() => undefined);
  for (const model of ports.models) {
    const rows = batch.flatMap((item, index) => (item.models.includes(model) ? [index] : []));
    if (rows.length === 0) continue;
    const probabilities = await scoreRows(
      model,
      rows.map((index) => batch[index]!.set),
      (seconds, size) => {
        ports.metrics?.inferenceSeconds.observe({ model_version: model.version }, seconds);
        ports.metrics?.inferenceBatchSize.observe({ model_version: model.version }, size);
      },
    );
    const scoredAt = now();
    rows.forEach((index, i) => {
      const probability = probabilities[i]!;
      if (typeof probability !== 'number') {
        failures[index] ??= probability;
        return;
      }
      predictions[index]!.push(toPrediction(batch[index]!.features, model, probability, scoredAt));
      ports.metrics?.pipelineLatency.observe(
        { model_version: model.version },
        Math.max(0, scoredAt - batch[index]!.features.event_time) / 1000,
      );
    });
  }
  return batch.map((_, index) => failures[index] ?? ok(predictions[index]!));
}
