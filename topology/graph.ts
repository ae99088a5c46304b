// The processor graph as data: the wiring `buildTopology` uses, and the text and Mermaid graph
// `topology describe` prints — generated from the named steps each processor's pipe is built from.
import type { Config } from '../config/config.ts';
import { TABLES } from '../connectors/cassandra/schema.ts';
import type { StepInfo } from '../processors/flow.ts';

export type ProcessorName = 'features' | 'scoring' | 'cdc' | 'verdicts' | 'quality';

/** The wiring facts of a processor; what it does and writes is told by its steps. */
export interface ProcessorSpec {
  readonly name: ProcessorName;
  readonly groupId: string;
  /** Its input topics (more than one: read by one consumer group, in one source). */
  readonly inputs: readonly string[];
  readonly deadLetters: string;
  /** What writes the input topic, when it is outside the pipeline (the CDC connector). */
  readonly upstream?: string;
}

export function processorSpecs(config: Pick<Config, 'topics' | 'pipeline' | 'cdc'>): readonly ProcessorSpec[] {
  const { topics, pipeline, cdc } = config;
  const spec = (name: ProcessorName, ...inputs: string[]): ProcessorSpec => ({
    name,
    groupId: `${pipeline.consumerGroupPrefix}.${name}`,
    inputs,
    deadLetters: topics.dlq,
  });
  return [
    ...(cdc.enabled ? [{ ...spec('cdc', topics.cdc), upstream: `postgres ${cdc.schema}.smss_by_users` }] : []),
    spec('features', topics.raw),
    spec('scoring', topics.features),
    spec('verdicts', topics.labels, topics.predictions),
    spec('quality', topics.verdicts),
  ];
}

/** A processor as `topology describe` shows it: its wiring, its pipe's steps and its sink's. */
export interface DescribedProcessor extends ProcessorSpec {
  readonly steps: readonly StepInfo[];
  readonly sink: readonly StepInfo[];
}

export interface GraphDescription {
  readonly processors: readonly DescribedProcessor[];
  readonly keyspace: string;
  readonly delivery: string;
}

const unique = (items: readonly string[]) => [...new Set(items)];
/** The topics a processor writes: those its steps produce records for. */
export const outputsOf = (p: DescribedProcessor) => unique(p.steps.flatMap((s) => (s.topic ? [s.topic] : [])));
const storesOf = (step: StepInfo, keyspace: string) =>
  (step.stores ?? []).map((table) => `${keyspace}.${TABLES[table]}`);

export function describeText(graph: GraphDescription): string {
  const line = (step: StepInfo, i: number) => {
    const writes = [...(step.topic ? [step.topic] : []), ...storesOf(step, graph.keyspace)];
    return `  ${i + 1}. ${step.name}${writes.length > 0 ? ` [writes ${writes.join(', ')}]` : ''}`;
  };
  const processors = graph.processors.map((p) => {
    const stores = unique(p.steps.flatMap((s) => storesOf(s, graph.keyspace)));
    return [
      `processor ${p.name} (consumer group ${p.groupId})`,
      `  source: ${p.inputs.join(', ')}${p.upstream ? ` (Debezium connector on ${p.upstream})` : ''}`,
      ...p.steps.map(line),
      `  then its sink (deliver, ${graph.delivery}), below`,
      `  sinks: ${outputsOf(p).join(', ')}; dead letters: ${p.deadLetters}`,
      `  stores: ${stores.length > 0 ? stores.join(', ') : 'none'}`,
    ].join('\n');
  });
  // Every processor ends in the same sink: told once.
  const sinks = unique(graph.processors.map((p) => p.sink.map((step, i) => line(step, i)).join('\n')));
  const told = sinks.map((sink) => `sink of every processor (deliver, ${graph.delivery})\n${sink}`);
  return [...processors, ...told].join('\n\n');
}

/**
 * Topics are stadiums, stores cylinders, each processor a box of its steps ending in its sink.
 * Edges to the outside leave the processor's box, not a step: Mermaid would otherwise lay the box's
 * steps out top to bottom; a store's edge is labelled with the step that writes it.
 */
export function describeMermaid(graph: GraphDescription): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
  const label = (text: string) => `"${text.replaceAll('"', '#quot;')}"`;
  const topics = unique(graph.processors.flatMap((p) => [...p.inputs, ...outputsOf(p), p.deadLetters]));
  const processor = (p: DescribedProcessor) => {
    const nodes = [
      ...p.steps.map((step, i) => [`${id(p.name)}_${i + 1}`, step.name]),
      [`${id(p.name)}_sink`, `deliver (${graph.delivery})`],
    ];
    return [
      ...(p.upstream ? [`  ${id(p.upstream)}[(${label(p.upstream)})] -- Debezium --> ${id(p.inputs[0]!)}`] : []),
      `  subgraph ${id(p.name)} [${label(`${p.name} processor`)}]`,
      '    direction LR',
      ...nodes.map(([node, name]) => `    ${node}[${label(name!)}]`),
      `    ${nodes.map(([node]) => node).join(' --> ')}`,
      '  end',
      ...p.inputs.map((input) => `  ${id(input)} --> ${id(p.name)}`),
      ...outputsOf(p).map((output) => `  ${id(p.name)} --> ${id(output)}`),
      `  ${id(p.name)} -. dead letters .-> ${id(p.deadLetters)}`,
      ...p.steps.flatMap((step) =>
        storesOf(step, graph.keyspace).map(
          (store) => `  ${id(p.name)} -->|${label(step.name)}| ${id(store)}[(${label(store)})]`,
        ),
      ),
    ];
  };
  const topicNodes = topics.map((topic) => `  ${id(topic)}([${label(topic)}])`);
  return ['flowchart TB', ...topicNodes, ...graph.processors.flatMap(processor)].join('\n');
}
