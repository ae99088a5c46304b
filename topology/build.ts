// buildTopology: the whole pipeline as a pure function of its ports and configuration. `main`,
// `spamstream run` and the tests all call it; nothing connects until a processor is started.
import type { Subscription } from 'rxjs';
import type { Config } from '../config/config.ts';
import { type Log, silentLog } from '../core/log.ts';
import type { Metrics } from '../core/metrics.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordSource, RecordWriter, TransactionalWriter } from '../connectors/kafka.ts';
import type { FeatureStore, PredictionStore } from '../connectors/online-store.ts';
import type { FeatureView } from '../features/index.ts';
import { deliver } from '../processors/deliver.ts';
import { cdcProcessor } from '../processors/cdc.ts';
import { featuresProcessor } from '../processors/features.ts';
import type { RetryPolicy } from '../processors/flow.ts';
import type { ScoringModel } from '../models/scoring.ts';
import { scoringProcessor } from '../processors/scoring.ts';
import { type ProcessorName, type ProcessorSpec, describeMermaid, describeText, processorSpecs } from './graph.ts';

export interface SourceOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly maxInFlight: number;
  readonly partitionsConcurrently: number;
  readonly processor: string;
  /** Exactly-once: fences a partition's earlier writers before its first record is read (TransactionalWriter.claim). */
  readonly claim?: TransactionalWriter['claim'];
}

export interface TopologyPorts {
  openSource(options: SourceOptions): RecordSource;
  readonly writer: RecordWriter;
  /** A transactional producer for one processor instance (exactly-once delivery). */
  openTransactionalWriter(groupId: string): TransactionalWriter;
  readonly codec: RecordCodec;
  readonly featureStore: FeatureStore;
  readonly predictionStore: PredictionStore;
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
}

export interface ProcessorNode extends ProcessorSpec {
  start(): RunningProcessor;
}

export interface Topology {
  readonly processors: readonly ProcessorNode[];
  processor(name: ProcessorName): ProcessorNode;
  describe(): string;
  mermaid(): string;
}

export function buildTopology(ports: TopologyPorts, config: Pick<Config, 'topics' | 'pipeline' | 'cassandra' | 'cdc'>): Topology {
  const { topics, pipeline } = config;
  const specs = processorSpecs(config);
  const log = ports.log ?? silentLog;

  const operators = {
    cdc: (policy: RetryPolicy) => cdcProcessor(
      { codec: ports.codec, metrics: ports.metrics },
      { rawTopic: topics.raw, maxTextBytes: pipeline.maxTextBytes, policy },
    ),
    features: (policy: RetryPolicy) => featuresProcessor(
      { codec: ports.codec, store: ports.featureStore, views: ports.views },
      { featuresTopic: topics.features, maxTextBytes: pipeline.maxTextBytes, policy },
    ),
    scoring: (policy: RetryPolicy) => scoringProcessor(
      { codec: ports.codec, store: ports.predictionStore, models: ports.models, views: ports.views, metrics: ports.metrics },
      { predictionsTopic: topics.predictions, batchSize: pipeline.inferenceBatchSize, batchWaitMs: pipeline.inferenceBatchWaitMs, policy },
    ),
  } as const;

  const node = (spec: ProcessorSpec): ProcessorNode => ({
    ...spec,
    start() {
      const transactional = pipeline.delivery === 'exactly-once' ? ports.openTransactionalWriter(spec.groupId) : undefined;
      const source = ports.openSource({
        groupId: spec.groupId,
        topics: [spec.input],
        fromBeginning: true,
        maxInFlight: pipeline.maxInFlight,
        partitionsConcurrently: pipeline.partitionsConcurrently,
        processor: spec.name,
        claim: transactional ? (input) => transactional.claim(input) : undefined,
      });
      // Stopping aborts the retries still waiting: their records stay uncommitted, read again later.
      const stopping = new AbortController();
      const policy: RetryPolicy = {
        backoffMs: pipeline.retryBackoffMs,
        maxBackoffMs: pipeline.retryBackoffMaxMs,
        signal: stopping.signal,
        onRetry: (reason, attempt) => log.debug(`${spec.name}: retrying (attempt ${attempt + 1}) after: ${reason}`),
      };
      let subscription: Subscription | undefined;
      const done = new Promise<void>((resolve, reject) => {
        subscription = source.records
          .pipe(
            operators[spec.name](policy),
            deliver(
              { writer: ports.writer, transactional, codec: ports.codec, source, metrics: ports.metrics },
              { processor: spec.name, dlqTopic: topics.dlq, batchSize: pipeline.deliverBatchSize, waitMs: pipeline.deliverWaitMs, policy },
            ),
          )
          .subscribe({ error: reject, complete: resolve });
      });
      return {
        name: spec.name,
        done,
        async stop() {
          await source.close();
          stopping.abort();
          await done.catch(() => undefined);
          subscription?.unsubscribe();
          await transactional?.close();
        },
      };
    },
  });

  const processors = specs.map(node);
  return {
    processors,
    processor(name) {
      const found = processors.find((p) => p.name === name);
      if (!found) throw new Error(`no processor named ${name}`);
      return found;
    },
    describe: () => describeText(specs),
    mermaid: () => describeMermaid(specs),
  };
}
