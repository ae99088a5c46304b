// A pipeline wired entirely in memory (Kafka, registry, online store), for processor and topology tests.
import { createMemoryLabelStore } from '../connectors/memory/label-store.ts';
import avro from 'avsc';
import { lastValueFrom, toArray } from 'rxjs';
import { from } from 'rxjs';
import { envelope } from '../core/envelope.ts';
import { createMemoryKafka } from '../connectors/memory/kafka.ts';
import { createMemoryStores } from '../connectors/memory/online-store.ts';
import { createMemorySchemaLookup } from '../connectors/memory/schema-lookup.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { featureViews } from '../features/index.ts';
import { SCHEMA_NAMES, type SmsRaw, loadSchema } from '../schemas/index.ts';
import type { TopologyPorts } from '../topology/build.ts';
import type { ScoringModel } from '../models/scoring.ts';

export const TOPICS = {
  raw: 'sms.raw',
  features: 'sms.features',
  predictions: 'sms.predictions',
  labels: 'sms.labels',
  verdicts: 'sms.verdicts',
  quality: 'sms.quality',
  dlq: 'sms.dlq',
  replays: 'sms.replays',
} as const;
const SUBJECT_OF = {
  'sms-raw': TOPICS.raw,
  'sms-features': TOPICS.features,
  'sms-predictions': TOPICS.predictions,
  'sms-labels': TOPICS.labels,
  'sms-verdicts': TOPICS.verdicts,
  'quality-counts': TOPICS.quality,
  'dead-letter': TOPICS.dlq,
  'replay-status': TOPICS.replays,
} as const;

const v1 = featureViews.find((view) => view.id === 'v1')!;
const CAPITAL_RATIO =
  v1.layout.kind === 'fields' ? v1.layout.fields.findIndex((field) => field.name === 'capital_ratio') : -1;

/** The capital-letter ratio of a v1 vector. */
export const capitalRatio = (values: readonly number[]) => values[CAPITAL_RATIO]!;

/** A stand-in model: "spam" in proportion to the capital-letter ratio. */
export const capitalsModel: ScoringModel = {
  name: 'capitals',
  version: 'vT',
  views: [{ id: 'v1', version: v1.version }],
  threshold: 0.5,
  predict: async (batch) => batch.map((set) => capitalRatio(set.v1!)),
};

export function memoryPipeline() {
  const lookup = createMemorySchemaLookup();
  for (const name of SCHEMA_NAMES) lookup.register(`${SUBJECT_OF[name]}-value`, loadSchema(name));
  const codec = createAvroCodec(lookup);
  const kafka = createMemoryKafka();
  for (const topic of Object.values(TOPICS)) kafka.createTopic(topic, 3);
  const stores = { ...createMemoryStores(), labels: createMemoryLabelStore() };
  return { lookup, codec, kafka, stores, views: featureViews };
}

/** TopologyPorts over the in-memory pipeline. */
export function memoryPorts(
  pipeline: ReturnType<typeof memoryPipeline>,
  models: readonly ScoringModel[],
): TopologyPorts {
  return {
    openSource: (options) => pipeline.kafka.source(options),
    openTransactionalWriter: (groupId) => pipeline.kafka.transactionalWriter(groupId),
    writer: pipeline.kafka.writer(),
    codec: pipeline.codec,
    featureStore: pipeline.stores.features,
    predictionStore: pipeline.stores.predictions,
    labelStore: pipeline.stores.labels,
    views: pipeline.views,
    models,
  };
}

export const raw = (id: string, text: string, receivedAt = 1_700_000_000_000): SmsRaw => ({
  sms_id: id,
  sender: '+4470000000',
  recipient: '+4471111111',
  text,
  received_at: receivedAt,
  source: 'test',
});

/** Runs an operator over records given as bytes, as if they came from partition 0 of a topic. */
export function feed(topic: string, values: readonly (Buffer | null)[]) {
  return from(
    values.map((value, i) =>
      envelope({ key: `k${i}`, value, headers: {}, timestamp: 0, origin: { topic, partition: 0, offset: String(i) } }),
    ),
  );
}

export const collect = lastValueFrom;
export const all = toArray;

/** Avro bytes framed with an id the registry has never seen. */
export function unknownSchemaBytes(): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 0, 0x7f, 0x7f]), avro.Type.forSchema('string').toBuffer('x')]);
}
