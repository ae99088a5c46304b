// The store loader (`spamstream replay store`, like Feast's materialize): rewrites the online
// store from the topics' history without recomputing anything.
//   sms.features, sms.predictions ─► decode ─► upsert the online store (newest event time wins)
// Its only Kafka output is dead letters: records that do not decode.
import type { Envelope } from '../core/envelope.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { OutgoingRecord } from '../connectors/kafka.ts';
import type { FeatureStore, PredictionStore } from '../connectors/online-store.ts';
import { type SmsFeatures, type SmsPrediction, loadSchema } from '../schemas/index.ts';
import { toStoredFeatures } from './features.ts';
import { type RecordProcessor, type RetryPolicy, decodeRecords, mapOkAsync, namedPipe, step } from './flow.ts';
import { toStoredPrediction } from '../models/scoring.ts';

export interface MaterializePorts {
  readonly codec: RecordCodec;
  readonly features: FeatureStore;
  readonly predictions: PredictionStore;
}

export interface MaterializeSettings {
  readonly featuresTopic: string;
  readonly predictionsTopic: string;
  readonly policy: RetryPolicy;
}

const FEATURES_SCHEMA = loadSchema('sms-features');
const PREDICTIONS_SCHEMA = loadSchema('sms-predictions');

export function materializeProcessor(ports: MaterializePorts, settings: MaterializeSettings): RecordProcessor {
  const isFeatures = (record: Envelope<unknown>) => record.origin.topic === settings.featuresTopic;
  return namedPipe(
    step(
      'decode SmsFeatures or SmsPrediction',
      decodeRecords<SmsFeatures | SmsPrediction>(
        ports.codec,
        (record) => (isFeatures(record) ? FEATURES_SCHEMA : PREDICTIONS_SCHEMA),
        settings.policy,
      ),
    ),
    step(
      'upsert the online store (newest event time wins)',
      mapOkAsync(async (value, record): Promise<readonly OutgoingRecord[]> => {
        if (isFeatures(record)) await ports.features.putFeatures(toStoredFeatures(value as SmsFeatures));
        else await ports.predictions.putPredictions([toStoredPrediction(value as SmsPrediction)]);
        return [];
      }, settings.policy),
      { stores: ['features', 'predictions'] },
    ),
  );
}
