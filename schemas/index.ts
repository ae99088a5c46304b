// The Avro schemas of the topics (all but the CDC topic, whose values are Debezium's JSON), read from the .avsc files beside this one.
// Their TypeScript types are generated into types.ts (`npm run gen:types`); a test fails when they drift.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type AvroSchema = Readonly<Record<string, unknown>>;

export type SchemaName =
  | 'sms-raw'
  | 'sms-features'
  | 'sms-predictions'
  | 'sms-labels'
  | 'sms-verdicts'
  | 'quality-counts'
  | 'dead-letter'
  | 'replay-status';
export const SCHEMA_NAMES: readonly SchemaName[] = [
  'sms-raw',
  'sms-features',
  'sms-predictions',
  'sms-labels',
  'sms-verdicts',
  'quality-counts',
  'dead-letter',
  'replay-status',
];

export function loadSchema(name: SchemaName): AvroSchema {
  return JSON.parse(readFileSync(join(import.meta.dirname, `${name}.avsc`), 'utf8')) as AvroSchema;
}

export type {
  BucketCounts,
  DeadLetter,
  FeatureVector,
  QualityCounts,
  ReplayStatus,
  SmsFeatures,
  SmsLabel,
  SmsPrediction,
  SmsRaw,
  SmsVerdict,
  VersionCounts,
} from './types.ts';
