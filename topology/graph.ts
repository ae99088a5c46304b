// The processor graph as data: what `buildTopology` wires and what `topology describe` prints.
import type { Config } from '../config/config.ts';
import { TABLES } from '../connectors/cassandra/tables.ts';

export type ProcessorName = 'features' | 'scoring' | 'cdc';

export interface ProcessorSpec {
  readonly name: ProcessorName;
  readonly groupId: string;
  readonly input: string;
  readonly outputs: readonly string[];
  readonly deadLetters: string;
  readonly stores: readonly string[];
  readonly steps: readonly string[];
  /** What writes the input topic, when it is outside the pipeline (the CDC connector). */
  readonly upstream?: string;
}

export function processorSpecs(config: Pick<Config, 'topics' | 'pipeline' | 'cassandra' | 'cdc'>): readonly ProcessorSpec[] {
  const { topics, pipeline, cassandra, cdc } = config;
  const models = pipeline.models.length > 0 ? pipeline.models.join(', ') : 'every model in models/';
  const cdcSpecs: ProcessorSpec[] = !cdc.enabled ? [] : [{
    name: 'cdc',
    groupId: `${pipeline.consumerGroupPrefix}.cdc`,
    input: topics.cdc,
    outputs: [topics.raw],
    deadLetters: topics.dlq,
    stores: [],
    steps: ['parse Debezium change event (JSON)', 'inserts and snapshot reads → message; text updates → message again; other updates, deletes → skipped', 'check id and text', 'skip re-deliveries (LSN not newer than the last seen for the message)', 'encode SmsRaw (source cdc)'],
    upstream: `postgres ${cdc.schema}.smss_by_users`,
  }];
  return [
    ...cdcSpecs,
    {
      name: 'features',
      groupId: `${pipeline.consumerGroupPrefix}.features`,
      input: topics.raw,
      outputs: [topics.features],
      deadLetters: topics.dlq,
      stores: [`${cassandra.keyspace}.${TABLES.features}`],
      steps: ['decode SmsRaw', 'check id and text', 'compute feature views', 'upsert online store (newest event time wins)', 'encode SmsFeatures'],
    },
    {
      name: 'scoring',
      groupId: `${pipeline.consumerGroupPrefix}.scoring`,
      input: topics.features,
      outputs: [topics.predictions],
      deadLetters: topics.dlq,
      stores: [`${cassandra.keyspace}.${TABLES.predictions}`],
      steps: ['decode SmsFeatures', `select models (${models})`, `micro-batched ONNX inference (≤${pipeline.inferenceBatchSize} records or ${pipeline.inferenceBatchWaitMs} ms)`, 'upsert latest prediction per model version', 'encode SmsPrediction'],
    },
  ];
}

export function describeText(specs: readonly ProcessorSpec[]): string {
  return specs
    .map((spec) => [
      `processor ${spec.name} (consumer group ${spec.groupId})`,
      `  source: ${spec.input}${spec.upstream ? ` (Debezium connector on ${spec.upstream})` : ''}`,
      ...spec.steps.map((step, i) => `  ${i + 1}. ${step}`),
      `  sinks: ${spec.outputs.join(', ')}; dead letters: ${spec.deadLetters}`,
      `  stores: ${spec.stores.join(', ')}`,
    ].join('\n'))
    .join('\n\n');
}

export function describeMermaid(specs: readonly ProcessorSpec[]): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
  const topics = [...new Set(specs.flatMap((spec) => [spec.input, ...spec.outputs, spec.deadLetters]))];
  const edges = specs.flatMap((spec) => [
    ...(spec.upstream ? [`  ${id(spec.upstream)}[("${spec.upstream}")] -- Debezium --> ${id(spec.input)}`] : []),
    `  ${id(spec.name)}[["${spec.name} processor"]]`,
    `  ${id(spec.input)} --> ${id(spec.name)}`,
    ...spec.outputs.map((output) => `  ${id(spec.name)} --> ${id(output)}`),
    `  ${id(spec.name)} -. dead letters .-> ${id(spec.deadLetters)}`,
    ...spec.stores.map((store) => `  ${id(spec.name)} --> ${id(store)}[("${store}")]`),
  ]);
  return ['flowchart LR', ...topics.map((topic) => `  ${id(topic)}(["${topic}"])`), ...edges].join('\n');
}
