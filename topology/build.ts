// buildTopology: the whole pipeline as a pure function of its ports and configuration. `main`,
// `spamstream run` and the tests all call it; nothing connects until a processor is started.
import type { Subscription } from 'rxjs';
import type { Config } from '../config/config.ts';
import { type Log, silentLog } from '../core/log.ts';
import type { Metrics } from '../core/metrics.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type {
  CommitOffset,
  RecordSource,
  RecordWriter,
  TopicPartition,
  TransactionalWriter,
} from '../connectors/kafka.ts';
import type { FeatureStore, PredictionStore } from '../connectors/online-store.ts';
import type { LabelStore } from '../connectors/label-store.ts';
import type { FeatureView } from '../features/index.ts';
import { type Delivered, deliver, sinkSteps } from '../processors/deliver.ts';
import { cdcProcessor } from '../processors/cdc.ts';
import { featuresProcessor } from '../processors/features.ts';
import { type RecordProcessor, type RetryPolicy, inTransit, paced } from '../processors/flow.ts';
import { materializeProcessor } from '../processors/materialize.ts';
import { qualityProcessor } from '../processors/quality.ts';
import { verdictsProcessor } from '../processors/verdicts.ts';
import type { ScoringModel } from '../models/scoring.ts';
import { scoringProcessor } from '../processors/scoring.ts';
import {
  type GraphDescription,
  type ProcessorName,
  type ProcessorSpec,
  describeMermaid,
  describeText,
  processorSpecs,
} from './graph.ts';

export interface SourceOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly maxInFlight: number;
  readonly partitionsConcurrently: number;
  readonly processor: string;
  /** Exactly-once: fences a partition's earlier writers before its first record is read (TransactionalWriter.claim). */
  readonly claim?: TransactionalWriter['claim'];
  /** A rejoin gave this partition to another instance: a stateful processor forgets its state of it. */
  readonly release?: (input: TopicPartition) => void;
  /** Bounded (a replay): the source completes once committed up to these offsets. */
  readonly endOffsets?: readonly CommitOffset[];
}

/** How a run of a processor differs from the live one: a replay's. */
export interface StartOptions {
  /** A consumer group of its own: its own offsets and transactional ids; live groups never move. */
  readonly groupId?: string;
  /** Bounded: the run ends by itself once its input is committed up to these offsets. */
  readonly endOffsets?: readonly CommitOffset[];
  /** Headers of every record written (the replay's run id). */
  readonly headers?: Readonly<Record<string, string>>;
  /** At most this many input records a second. */
  readonly maxRate?: number;
  /** Told of each batch delivered (progress). */
  readonly onDelivered?: (delivered: Delivered) => void;
}

export interface TopologyPorts {
  openSource(options: SourceOptions): RecordSource;
  readonly writer: RecordWriter;
  /** A transactional producer for one processor instance (exactly-once delivery). */
  openTransactionalWriter(groupId: string): TransactionalWriter;
  readonly codec: RecordCodec;
  readonly featureStore: FeatureStore;
  readonly predictionStore: PredictionStore;
  /** The quality processor's labels. */
  readonly labelStore: LabelStore;
  readonly views: readonly FeatureView[];
  readonly models: readonly ScoringModel[];
  readonly metrics?: Metrics;
  /** Where expected retries are told (debug). */
  readonly log?: Log;
}

export interface RunningProcessor {
  readonly name: ProcessorName;
  /** Settles when the processor has stopped: resolves after `stop`, rejects if the stream failed. */
  readonly done: Promise<void>;
  /** Stops fetching, finishes and commits what is in flight, then leaves the consumer group. */
  stop(): Promise<void>;
  /** Its consumer is a member of its group (RecordSource.joined). */
  joined(): boolean;
}

export interface ProcessorNode extends ProcessorSpec {
  start(options?: StartOptions): RunningProcessor;
}

/** A run of the store loader (`replay store`): not a live processor, so not in the graph. */
export type RunningNode = Omit<RunningProcessor, 'name'>;

export interface Topology {
  readonly processors: readonly ProcessorNode[];
  processor(name: ProcessorName): ProcessorNode;
  describe(): string;
  mermaid(): string;
  /** Rewrites the online store from sms.features and sms.predictions, in a group of its own. */
  startStoreLoader(options: StartOptions & { readonly groupId: string }): RunningNode;
}

export function buildTopology(
  ports: TopologyPorts,
  config: Pick<Config, 'topics' | 'pipeline' | 'cassandra' | 'cdc' | 'quality'>,
): Topology {
  const { topics, pipeline } = config;
  const specs = processorSpecs(config);
  const log = ports.log ?? silentLog;

  const operators = {
    cdc: (policy: RetryPolicy) =>
      cdcProcessor(
        { codec: ports.codec, metrics: ports.metrics },
        { rawTopic: topics.raw, labelsTopic: topics.labels, maxTextBytes: pipeline.maxTextBytes, policy },
      ),
    features: (policy: RetryPolicy) =>
      featuresProcessor(
        { codec: ports.codec, store: ports.featureStore, views: ports.views },
        { featuresTopic: topics.features, maxTextBytes: pipeline.maxTextBytes, policy },
      ),
    scoring: (policy: RetryPolicy) =>
      scoringProcessor(
        {
          codec: ports.codec,
          store: ports.predictionStore,
          models: ports.models,
          views: ports.views,
          metrics: ports.metrics,
        },
        {
          predictionsTopic: topics.predictions,
          batchSize: pipeline.inferenceBatchSize,
          batchWaitMs: pipeline.inferenceBatchWaitMs,
          policy,
        },
      ),
    verdicts: (policy: RetryPolicy) =>
      verdictsProcessor({ codec: ports.codec }, { labelsTopic: topics.labels, verdictsTopic: topics.verdicts, policy }),
    quality: (policy: RetryPolicy) =>
      qualityProcessor(
        { codec: ports.codec, labels: ports.labelStore, predictions: ports.predictionStore },
        {
          qualityTopic: topics.quality,
          partitions: topics.partitions,
          windowMs: config.quality.windowMs,
          bucketMs: config.quality.bucketMs,
          policy,
        },
      ),
  } as const;

  /** A processor, and a stateful one's state of a partition: rebuilt when it is claimed, forgotten when it leaves. */
  type Operator = (policy: RetryPolicy) => RecordProcessor & {
    restore?(input: TopicPartition): Promise<void>;
    release?(input: TopicPartition): void;
  };

  /** Source ─► operator ─► deliver, in the processor's group or (a replay) a group of its own. */
  const startNode = (
    name: string,
    inputs: readonly string[],
    operator: Operator,
    options: StartOptions & { groupId: string },
  ): RunningNode => {
    const { groupId } = options;
    const transactional = pipeline.delivery === 'exactly-once' ? ports.openTransactionalWriter(groupId) : undefined;
    // Stopping aborts the retries still waiting: their records stay uncommitted, read again later.
    const stopping = new AbortController();
    const policy: RetryPolicy = {
      backoffMs: pipeline.retryBackoffMs,
      maxBackoffMs: pipeline.retryBackoffMaxMs,
      signal: stopping.signal,
      // A short outage is expected chatter; one that lasts (about 30 s at the defaults) is news.
      onRetry: (reason, attempt) =>
        (attempt % 30 === 8 ? log.warn : log.debug)(
          `${name}: still retrying (attempt ${attempt + 1}; its records wait, none is dead-lettered) after: ${reason}`,
        ),
    };
    const processor = operator(policy);
    const { restore, release } = processor;
    // A partition's claim fences its earlier writers first; only then is a stateful processor's state
    // of it rebuilt, so nothing an earlier owner commits can be missing from it.
    const claim =
      transactional || restore
        ? async (input: TopicPartition) => {
            const committed = await transactional?.claim(input);
            await restore?.(input);
            return committed;
          }
        : undefined;
    const source = ports.openSource({
      groupId,
      topics: inputs,
      fromBeginning: true,
      maxInFlight: pipeline.maxInFlight,
      partitionsConcurrently: pipeline.partitionsConcurrently,
      processor: name,
      claim,
      release,
      endOffsets: options.endOffsets,
    });
    const records = options.maxRate === undefined ? source.records : source.records.pipe(paced(options.maxRate));
    // The operator turns each record into one flow; the sink writes as soon as none is still inside.
    const computing = inTransit();
    let subscription: Subscription | undefined;
    const done = new Promise<void>((resolve, reject) => {
      subscription = records
        .pipe(
          computing.enter(),
          processor,
          computing.leave(),
          deliver(
            { writer: ports.writer, transactional, codec: ports.codec, source, metrics: ports.metrics },
            {
              processor: name,
              dlqTopic: topics.dlq,
              batchSize: pipeline.deliverBatchSize,
              waitMs: pipeline.deliverWaitMs,
              settled: computing.empty,
              policy,
              headers: options.headers,
            },
          ),
        )
        .subscribe({ next: options.onDelivered, error: reject, complete: resolve });
    });
    return {
      done,
      joined: () => source.joined(),
      async stop() {
        await source.close();
        stopping.abort();
        await done.catch(() => undefined);
        subscription?.unsubscribe();
        await transactional?.close();
      },
    };
  };

  const node = (spec: ProcessorSpec): ProcessorNode => ({
    ...spec,
    start: (options = {}) => ({
      name: spec.name,
      ...startNode(spec.name, spec.inputs, operators[spec.name], {
        ...options,
        groupId: options.groupId ?? spec.groupId,
      }),
    }),
  });

  const processors = specs.map(node);
  // Each processor's steps as its pipe names them; building a pipe connects nothing.
  const graph: GraphDescription = {
    processors: specs.map((spec) => ({
      ...spec,
      steps: operators[spec.name]({ backoffMs: 0 }).steps,
      sink: sinkSteps(pipeline.delivery === 'exactly-once'),
    })),
    keyspace: config.cassandra.keyspace,
    delivery: pipeline.delivery,
  };
  return {
    processors,
    processor(name) {
      const found = processors.find((p) => p.name === name);
      if (!found) throw new Error(`no processor named ${name}`);
      return found;
    },
    describe: () => describeText(graph),
    mermaid: () => describeMermaid(graph),
    startStoreLoader: (options) =>
      startNode(
        'store',
        [topics.features, topics.predictions],
        (policy) =>
          materializeProcessor(
            { codec: ports.codec, features: ports.featureStore, predictions: ports.predictionStore },
            { featuresTopic: topics.features, predictionsTopic: topics.predictions, policy },
          ),
        options,
      ),
  };
}
