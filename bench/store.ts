// The store ceiling: the pipeline's own online-store rows for N messages — every feature view and
// one prediction per model, as the processors store them — written through the Cassandra connector
// (cassandra-driver, nothing else), 128 messages in flight, one putFeatures and one putPredictions
// call per message as the two processors make them. No Kafka, no Avro, no inference.
import type { Config } from '../config/config.ts';
import type { StoredFeatures, StoredPrediction } from '../connectors/online-store.ts';
import { createCassandraClient, createCassandraStores } from '../connectors/cassandra/store.ts';
import { applyOnlineStoreSchema } from '../connectors/cassandra/schema.ts';
import { featureViews } from '../features/index.ts';

export interface StoreCeiling {
  readonly messages: number;
  readonly msgsPerSecond: number;
  readonly rowsPerMessage: number;
}

/** The online-store rows of one message, as the processors store them: every view, one prediction per model. */
export function messageRows(
  smsId: string,
  text: string,
  models: readonly string[],
): [StoredFeatures[], StoredPrediction[]] {
  const eventTime = Date.now();
  return [
    featureViews.map((view) => ({
      smsId,
      view: view.id,
      viewVersion: view.version,
      values: view.compute(text),
      eventTime,
      computedAt: eventTime,
    })),
    models.map((version) => ({
      smsId,
      model: `spam-${version}`,
      modelVersion: version,
      featureView: 'v1',
      label: 'ham',
      spamProbability: 0.1,
      labels: ['ham', 'spam'],
      scores: [0.9, 0.1],
      threshold: 0.5,
      eventTime,
      scoredAt: eventTime,
    })),
  ];
}

export async function storeCeiling(
  config: Config,
  texts: readonly string[],
  options: { messages: number; inFlight?: number; models?: number },
): Promise<StoreCeiling> {
  const schemaClient = createCassandraClient(config.cassandra);
  await applyOnlineStoreSchema(schemaClient, config.cassandra).finally(() => schemaClient.shutdown());
  const stores = await createCassandraStores(config.cassandra);
  const run = `ceil${Date.now().toString(36)}`;
  const models = Array.from({ length: options.models ?? 3 }, (_, i) => `v${i + 1}`);
  // Feature values are computed before the clock starts: the ceiling is the store alone.
  const rows = Array.from({ length: options.messages }, (_, i) =>
    messageRows(`${run}-${i}`, texts[i % texts.length]!, models),
  );
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: options.inFlight ?? 128 }, async () => {
        while (next < rows.length) {
          const [features, predictions] = rows[next++]!;
          await Promise.all([stores.features.putFeatures(features), stores.predictions.putPredictions(predictions)]);
        }
      }),
    );
  } finally {
    await stores.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const rowsPerMessage = featureViews.length + models.length;
  return { messages: rows.length, msgsPerSecond: Math.round(rows.length / seconds), rowsPerMessage };
}
