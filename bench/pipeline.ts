// The pipeline on the real stack, as deployed: `spamstream run features` and `spamstream run
// scoring` as two child processes on isolated topics, with their RSS sampled throughout.
// Backlog: N messages are produced first, then the processors start; throughput is N over the time
// from the first feature computed to the last prediction scored. Steady: messages at a fixed rate,
// latency = scored_at − received_at of every prediction.
import { loadConfig } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { applyPorts, connectMessaging } from '../runtime/connect.ts';
import type { SmsFeatures, SmsPrediction } from '../schemas/index.ts';
import { applyTopology } from '../topology/apply.ts';
import { isolatedEnv } from '../test/support/pipeline-fixture.ts';
import { readTopic } from '../test/support/read-topic.ts';
import { percentile, rawProducer, sampleRss, sleep, startCli } from './support.ts';

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
  options: { messages: number; rate: number; seconds: number; env?: Record<string, string> },
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

  const features = startCli(['run', 'features'], env);
  const scoring = startCli(['run', 'scoring'], env);
  const rss = sampleRss([features.process.pid!, scoring.process.pid!]);
  try {
    await Promise.all([features.waitFor(/processor features running/), scoring.waitFor(/processor scoring running/)]);
    const timeoutMs = Math.max(120_000, options.messages * 10);
    const predicted = await readTopic<SmsPrediction>(messaging, config.topics.predictions, {
      until: (r) => r.length >= options.messages * models,
      timeoutMs,
    });
    const computed = await readTopic<SmsFeatures>(messaging, config.topics.features, { timeoutMs });
    const first = Math.min(...computed.map((r) => r.value.computed_at));
    const last = Math.max(...predicted.map((r) => r.value.scored_at));
    const msgsPerSecond = Math.round(options.messages / ((last - first) / 1000));

    // Steady rate, exactly as many messages each second, for `seconds`.
    const firstSteady = source.produced;
    for (let second = 0; second < options.seconds; second += 1) {
      const tick = Date.now();
      await source.send(options.rate);
      await sleep(1_000 - (Date.now() - tick));
    }
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
  }
}
