// Table names of the online store, apart from schema.ts so naming them loads no driver.
// The `_by_message` tables hold one row per message (see rows.ts); the first layout's tables
// (`_by_sms`, one row per view / model version) are left alone, so an older release on the same
// keyspace keeps working.
export const TABLES = {
  features: 'features_by_message',
  predictions: 'predictions_by_message',
  idempotency: 'idempotency_keys',
  labels: 'labels_by_partition',
} as const;
