// The pipeline on the real stack, as deployed: `spamstream run features` and `spamstream run
// scoring` as two child processes on isolated topics, with their RSS sampled throughout.
// Backlog: N messages are produced first, then the processors start; throughput is N over the time
// from the first feature computed to the last prediction scored. Steady: messages at a fixed rate,
// spread evenly over each second (an open loop: what falls due is sent, however late the last send
// was), latency = scored_at − received_at of every prediction.
// While the processors work, the bench only polls the groups' committed offsets: reading the
// predictions as they come (decoding three records a message) took a tenth of the two cores the
// pipeline shares with the servers. They are read once everything is committed.
import { type Config, loadConfig } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { type Messaging, applyPorts, connectMessaging } from '../runtime/wiring.ts';
import type { SmsFeatures, SmsPrediction } from '../schemas/index.ts';
import { applyTopology } from '../topology/apply.ts';
import { isolatedEnv } from '../testkit/pipeline-fixture.ts';
import { readTopic } from '../testkit/read-topic.ts';
import { percentile, rawProducer, sampleRss, sleep, startCli } from './support.ts';
import { dropRunAfterResult } from '../testkit/drop-run.ts';

export interface PipelineFigures {
  readonly delivery: string;
  readonly backlog: number;
  readonly msgsPerSecond: number;
  readonly steadyRate: number;
  readonly e2eP50: number;
  readonly e2eP99: number;
  readonly predictions: number;
  readonly rssMb: { readonly features: number; readonly scoring: number };
}

export async function pipelineBench(
  texts: readonly string[],
  options: {
    messages: number;
    rate: number;
    seconds: number;
    env?: Record<string, string>;
    /** Node flags for both processors (bench/run.ts's `uncapped-heap`). */
    nodeArgs?: readonly string[];
  },
): Promise<PipelineFigures> {
  const run = `bench${Date.now().toString(36)}`;
  const env = { ...isolatedEnv(run), ...options.env };
  const config = loadConfig(env);
  const messaging = connectMessaging(config);
  await applyTopology(applyPorts(config, messaging), config);
  const configured = config.pipeline.models;
  const models = (configured.length > 0 ? configured : availableModels(config.pipeline.modelsDir)).length;
  const source = rawProducer(messaging, config, run, texts);
  await source.send(options.messages);

  const features = startCli(['run', 'features'], env, options.nodeArgs);
  const scoring = startCli(['run', 'scoring'], env, options.nodeArgs);
  const rss = sampleRss([features.process.pid!, scoring.process.pid!]);
  try {
    await Promise.all([features.waitFor(/processor features running/), scoring.waitFor(/processor scoring running/)]);
    const timeoutMs = Math.max(120_000, options.messages * 10);
    await untilProcessed(messaging, config, timeoutMs);
    const predicted = await readTopic<SmsPrediction>(messaging, config.topics.predictions, {
      until: (r) => r.length >= options.messages * models,
      timeoutMs,
    });
    const computed = await readTopic<SmsFeatures>(messaging, config.topics.features, { timeoutMs });
    const first = Math.min(...computed.map((r) => r.value.computed_at));
    const last = Math.max(...predicted.map((r) => r.value.scored_at));
    const msgsPerSecond = Math.round(options.messages / ((last - first) / 1000));

    // Steady rate: every 10 ms, what has fallen due since the start, for `seconds`.
    const firstSteady = source.produced;
    const steadyStart = Date.now();
    const due = (now: number) =>
      Math.min(options.rate * options.seconds, Math.floor(((now - steadyStart) * options.rate) / 1000));
    while (source.produced - firstSteady < options.rate * options.seconds) {
      await source.send(due(Date.now()) - (source.produced - firstSteady));
      await sleep(10);
    }
    await untilProcessed(messaging, config, 120_000);
    const total = source.produced * models;
    const all = await readTopic<SmsPrediction>(messaging, config.topics.predictions, {
      until: (r) => r.length >= total,
      timeoutMs: 120_000,
    });
    const latencies = all
      .filter((r) => Number(r.value.sms_id.slice(run.length + 1)) >= firstSteady)
      .map((r) => r.value.scored_at - r.value.event_time)
      .sort((a, b) => a - b);
    const [featuresRss, scoringRss] = rss.peaks();
    return {
      delivery: config.pipeline.delivery,
      backlog: options.messages,
      msgsPerSecond,
      steadyRate: options.rate,
      e2eP50: percentile(latencies, 0.5),
      e2eP99: percentile(latencies, 0.99),
      predictions: latencies.length,
      rssMb: { features: featuresRss!, scoring: scoringRss! },
    };
  } finally {
    rss.stop();
    await Promise.all([features.stop(), scoring.stop()]);
    await messaging.close();
    await dropRunAfterResult(config.kafka, run);
  }
}

/**
 * Resolves once both processors have committed everything produced so far: the features group is at
 * the end of the raw topic (written without transactions, so its end is its last record + 1), and the
 * scoring group within one offset of the end of the features topic (every transaction there ends with
 * a commit marker, which takes the last offset).
 */
export async function untilProcessed(messaging: Messaging, config: Config, timeoutMs: number) {
  const prefix = config.pipeline.consumerGroupPrefix;
  const caughtUp = async (group: string, topic: string, markers: number) => {
    const [ends, committed] = await Promise.all([
      messaging.endOffsets(topic),
      messaging.committedOffsets(group, topic),
    ]);
    return [...ends].every(
      ([partition, end]) => end === 0n || (committed.get(partition) ?? -1n) >= end - BigInt(markers),
    );
  };
  const deadline = Date.now() + timeoutMs;
  while (
    !(await caughtUp(`${prefix}.features`, config.topics.raw, 0)) ||
    !(await caughtUp(`${prefix}.scoring`, config.topics.features, 1))
  ) {
    if (Date.now() > deadline) throw new Error(`the pipeline had not committed everything after ${timeoutMs} ms`);
    await sleep(250);
  }
}
