// The features processor:
//   sms.raw ─► decode ─► check ─► compute views v1, v2 ─► upsert online store ─► encode ─► sms.features
import { checkSmsId, checkText } from '../core/message-rules.ts';
import { type Result, ok } from '../core/result.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { FeatureStore, StoredFeatures } from '../connectors/online-store.ts';
import type { FeatureView } from '../features/index.ts';
import { type SmsFeatures, type SmsRaw, loadSchema } from '../schemas/index.ts';
import {
  type RecordProcessor,
  type RetryPolicy,
  decodeRecords,
  mapOk,
  mapOkAsync,
  namedPipe,
  outputRecord,
  step,
} from './flow.ts';

export interface FeaturesPorts {
  readonly codec: RecordCodec;
  readonly store: FeatureStore;
  readonly views: readonly FeatureView[];
}

export interface FeaturesSettings {
  readonly featuresTopic: string;
  readonly maxTextBytes: number;
  readonly policy: RetryPolicy;
  readonly now?: () => number;
}

const RAW_SCHEMA = loadSchema('sms-raw');

export function featuresProcessor(ports: FeaturesPorts, settings: FeaturesSettings): RecordProcessor {
  const now = settings.now ?? Date.now;
  return namedPipe(
    step('decode SmsRaw', decodeRecords<SmsRaw>(ports.codec, RAW_SCHEMA, settings.policy)),
    step(
      'check id and text',
      mapOk((raw) => checkMessage(raw, settings.maxTextBytes)),
    ),
    step(
      'compute feature views',
      mapOk((raw) => ok(computeFeatures(raw, ports.views, now()))),
    ),
    step(
      'upsert online store (newest event time wins)',
      mapOkAsync(async (features) => {
        await ports.store.putFeatures(toStoredFeatures(features));
        return features;
      }, settings.policy),
      { stores: ['features'] },
    ),
    step(
      'encode SmsFeatures',
      mapOkAsync(
        async (features, record) => [
          await outputRecord(ports.codec, settings.featuresTopic, features.sms_id, features, record),
        ],
        settings.policy,
      ),
      { topic: settings.featuresTopic },
    ),
  );
}

export function checkMessage(raw: SmsRaw, maxTextBytes: number): Result<SmsRaw> {
  const id = checkSmsId(raw.sms_id);
  if (!id.ok) return id;
  const text = checkText(raw.text, maxTextBytes);
  return text.ok ? ok(raw) : text;
}

export function computeFeatures(raw: SmsRaw, views: readonly FeatureView[], computedAt: number): SmsFeatures {
  return {
    sms_id: raw.sms_id,
    views: views.map((view) => ({ view: view.id, version: view.version, values: view.compute(raw.text) })),
    event_time: raw.received_at,
    computed_at: computedAt,
  };
}

export function toStoredFeatures(features: SmsFeatures): StoredFeatures[] {
  return features.views.map((vector) => ({
    smsId: features.sms_id,
    view: vector.view,
    viewVersion: vector.version,
    values: vector.values,
    eventTime: features.event_time,
    computedAt: features.computed_at,
  }));
}
