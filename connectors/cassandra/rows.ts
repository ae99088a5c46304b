// Rows of the online store tables <-> the interface types. Pure functions, so they are unit-tested
// without a server; store.ts only moves these arrays to and from the driver.
//
// Newest event wins without reading first: every row is written `USING TIMESTAMP` = its event time
// in microseconds, and Cassandra keeps, per cell, the value with the highest write timestamp. So
// an older event arriving later loses, and replaying an event rewrites identical cells.
// Tie rule: when two writes of one key carry the same event time, Cassandra compares each cell on
// its own and keeps the greater serialized value, compared as unsigned bytes (timestamps and
// positive numbers: the larger; a negative number beats any positive one; text: UTF-8 byte order;
// a frozen list: the one with more elements, then element by element). A replay that differs only in computed_at / scored_at therefore keeps the
// latest of those; two different results for one event may end up mixed column by column.
import type { StoredFeatures, StoredPrediction } from '../online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';

/** A result row as the driver returns it: column name -> decoded value. */
export type CqlRow = Readonly<Record<string, unknown>>;

/** The write timestamp for a row with this event time (epoch ms), in microseconds. */
export function writeTimestampMicros(eventTime: number): number {
  if (!Number.isSafeInteger(eventTime) || eventTime < 0 || !Number.isSafeInteger(eventTime * 1000)) {
    throw new SpamstreamError('INVALID_FIELD', `event time ${eventTime} is not a whole number of epoch milliseconds`);
  }
  return eventTime * 1000;
}

/** A column name as CQL text: quoted, because some of ours (`view`, `values`) are keywords. */
export const cqlColumn = (name: string): string => `"${name}"`;

export const FEATURE_COLUMNS = ['sms_id', 'view', 'view_version', 'values', 'event_time', 'computed_at'] as const;

export const PREDICTION_COLUMNS = [
  'sms_id', 'model_version', 'model', 'feature_view', 'label', 'spam_probability',
  'labels', 'scores', 'threshold', 'event_time', 'scored_at',
] as const;

/** Bind values of the feature INSERT: the columns in FEATURE_COLUMNS order, then the write timestamp. */
export function featureParams(row: StoredFeatures): unknown[] {
  return [
    row.smsId, row.view, row.viewVersion, [...row.values], row.eventTime, row.computedAt,
    writeTimestampMicros(row.eventTime),
  ];
}

/** Bind values of the prediction INSERT: the columns in PREDICTION_COLUMNS order, then the write timestamp. */
export function predictionParams(row: StoredPrediction): unknown[] {
  return [
    row.smsId, row.modelVersion, row.model, row.featureView, row.label, row.spamProbability,
    [...row.labels], [...row.scores], row.threshold, row.eventTime, row.scoredAt,
    writeTimestampMicros(row.eventTime),
  ];
}

export function featuresFromRow(row: CqlRow): StoredFeatures {
  return {
    smsId: text(row, 'sms_id'),
    view: text(row, 'view'),
    viewVersion: number(row, 'view_version'),
    values: list(row, 'values', 'number') as number[],
    eventTime: epochMs(row, 'event_time'),
    computedAt: epochMs(row, 'computed_at'),
  };
}

export function predictionFromRow(row: CqlRow): StoredPrediction {
  return {
    smsId: text(row, 'sms_id'),
    modelVersion: text(row, 'model_version'),
    model: text(row, 'model'),
    featureView: text(row, 'feature_view'),
    label: text(row, 'label'),
    spamProbability: number(row, 'spam_probability'),
    labels: list(row, 'labels', 'string') as string[],
    scores: list(row, 'scores', 'number') as number[],
    threshold: number(row, 'threshold'),
    eventTime: epochMs(row, 'event_time'),
    scoredAt: epochMs(row, 'scored_at'),
  };
}

// The readers fail loudly on a column of an unexpected shape (a schema changed under us) instead
// of handing `undefined` to the edge.
function column(row: CqlRow, name: string, expected: string, ok: (value: unknown) => boolean): unknown {
  const value = row[name];
  if (!ok(value)) {
    throw new SpamstreamError('INTERNAL', `online store column ${name} is not ${expected}: ${String(value)}`);
  }
  return value;
}

const text = (row: CqlRow, name: string): string =>
  column(row, name, 'text', (v) => typeof v === 'string') as string;

const number = (row: CqlRow, name: string): number =>
  column(row, name, 'a number', (v) => typeof v === 'number') as number;

const epochMs = (row: CqlRow, name: string): number =>
  (column(row, name, 'a timestamp', (v) => v instanceof Date && !Number.isNaN(v.getTime())) as Date).getTime();

// Cassandra may return an empty collection as null.
const list = (row: CqlRow, name: string, item: 'number' | 'string'): unknown[] =>
  (column(row, name, `a list of ${item}s`, (v) => v === null || (Array.isArray(v) && v.every((x) => typeof x === item))) as
    unknown[] | null) ?? [];
