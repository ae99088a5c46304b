// The Prometheus metrics of one process: processors and the edge register into the same registry,
// so `GET /metrics` shows pipeline throughput, lag, dead letters and inference latency together.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  /** Records a processor finished, by outcome (`ok`, `dead_letter`). */
  readonly processed: Counter<'processor' | 'outcome'>;
  readonly deadLetters: Counter<'processor' | 'code'>;
  /** Records behind the end of each partition, per consumer group, sampled from the consumer. */
  readonly consumerLag: Gauge<'processor' | 'topic' | 'partition'>;
  /** Event time to scoring time of the newest prediction, seconds. */
  readonly pipelineLatency: Histogram<'model_version'>;
  readonly inferenceSeconds: Histogram<'model_version'>;
  readonly inferenceBatchSize: Histogram<'model_version'>;
  /** Change events of the inbox table that the cdc processor did not turn into a message, by reason. */
  readonly cdcSkipped: Counter<'reason'>;
  /**
   * A replay's progress: offsets read and to read, messages a second. The replay process sets them
   * for its own run (`--metrics-port`); the edge for every replay it reads on sms.replays.
   */
  readonly replayDone: Gauge<'run' | 'kind'>;
  readonly replayTotal: Gauge<'run' | 'kind'>;
  readonly replayRate: Gauge<'run' | 'kind'>;
  /** 1 for a replay's state as the edge reads it (running, done, stopped, failed, lost), 0 for the others. */
  readonly replayState: Gauge<'run' | 'kind' | 'state'>;
  /**
   * Live quality as the edge reads it on sms.quality: confusion counts per model version, over every
   * labelled message (`scope="all"`) and over those labelled in the recent window (`scope="recent"`),
   * and the figures they give (left out while undefined: nothing predicted spam, nothing labelled spam).
   */
  readonly qualityCount: Gauge<'model_version' | 'scope' | 'outcome'>;
  readonly qualityFigure: Gauge<'model_version' | 'scope' | 'figure'>;
  readonly qualityLabelled: Gauge;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'spamstream_' });
  const registers = [registry];
  return {
    registry,
    processed: new Counter({
      name: 'spamstream_records_processed_total',
      help: 'Records a processor finished, by outcome',
      labelNames: ['processor', 'outcome'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'spamstream_dead_letters_total',
      help: 'Records sent to the dead-letter topic, by error code',
      labelNames: ['processor', 'code'],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'spamstream_consumer_lag',
      help: 'Records behind the partition end',
      labelNames: ['processor', 'topic', 'partition'],
      registers,
    }),
    pipelineLatency: new Histogram({
      name: 'spamstream_pipeline_latency_seconds',
      help: 'From event time to prediction',
      labelNames: ['model_version'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    inferenceSeconds: new Histogram({
      name: 'spamstream_inference_seconds',
      help: 'ONNX inference time per micro-batch',
      labelNames: ['model_version'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
    replayDone: new Gauge({
      name: 'spamstream_replay_offsets_done',
      help: 'Input offsets a replay has read and committed',
      labelNames: ['run', 'kind'],
      registers,
    }),
    replayTotal: new Gauge({
      name: 'spamstream_replay_offsets_total',
      help: 'Input offsets a replay reads in all',
      labelNames: ['run', 'kind'],
      registers,
    }),
    replayRate: new Gauge({
      name: 'spamstream_replay_messages_per_second',
      help: 'Messages a second a replay has read, over its run',
      labelNames: ['run', 'kind'],
      registers,
    }),
    replayState: new Gauge({
      name: 'spamstream_replay_state',
      help: "A replay's state as the edge reads it from the replays topic: 1 for the current one, 0 for the others",
      labelNames: ['run', 'kind', 'state'],
      registers,
    }),
    qualityCount: new Gauge({
      name: 'spamstream_quality_count',
      help: 'Labelled messages per model version by outcome (tp, fp, tn, fn; spam is positive), over all or the recent window',
      labelNames: ['model_version', 'scope', 'outcome'],
      registers,
    }),
    qualityFigure: new Gauge({
      name: 'spamstream_quality',
      help: 'Precision, recall, F1 and accuracy per model version against users labels, over all or the recent window',
      labelNames: ['model_version', 'scope', 'figure'],
      registers,
    }),
    qualityLabelled: new Gauge({
      name: 'spamstream_quality_labelled_messages',
      help: 'Messages with a label, as the quality processor counts them',
      registers,
    }),
    inferenceBatchSize: new Histogram({
      name: 'spamstream_inference_batch_size',
      help: 'Records per ONNX micro-batch',
      labelNames: ['model_version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    }),
    cdcSkipped: new Counter({
      name: 'spamstream_cdc_skipped_total',
      help: 'Inbox change events not turned into messages (updates that kept the text, deletes, re-deliveries)',
      labelNames: ['reason'],
      registers,
    }),
  };
}
