// Helpers shared by the benchmarks.
import type { Config } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { readSmsCsv } from '../features/sms-csv.ts';
import { type Messaging, applyPorts, connectMessaging } from '../runtime/connect.ts';
import { startParts } from '../runtime/pipeline.ts';
import { applyTopology } from '../topology/apply.ts';
import type { SmsRaw } from '../schemas/index.ts';
import { valueSubject } from '../topology/topics.ts';
import { type ReadOptions, readTopic } from '../test/support/read-topic.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records of a whole topic (read committed), and distinct keys among them as `keyOf` gives them. */
export async function countRecords<T>(
  messaging: Pick<Messaging, 'codec'>,
  topic: string,
  keyOf?: (value: T) => string,
  options: ReadOptions<T> = {},
): Promise<{ total: number; distinct: number }> {
  const records = await readTopic<T>(messaging, topic, options);
  return { total: records.length, distinct: keyOf ? new Set(records.map((r) => keyOf(r.value))).size : records.length };
}

/**
 * Produces messages to sms.raw under ids `<run>-<n>`, cycling `texts`, in writes of 1,000;
 * `produced()` is how many so far (also the next id).
 */
export function rawProducer(config: Pick<Config, 'topics'>, messaging: Messaging, run: string, texts: readonly string[]) {
  const subject = valueSubject(config.topics.raw);
  let produced = 0;
  return {
    produced: () => produced,
    async produce(count: number) {
      for (let sent = 0; sent < count; sent += 1_000) {
        const batch = await Promise.all(Array.from({ length: Math.min(1_000, count - sent) }, async () => {
          const raw: SmsRaw = { sms_id: `${run}-${produced}`, sender: 's', recipient: 'r', text: texts[produced++ % texts.length]!, received_at: Date.now(), source: 'bench' };
          return { topic: config.topics.raw, key: raw.sms_id, value: await messaging.codec.encode(subject, raw) };
        }));
        await messaging.writer.send(batch);
      }
    },
  };
}

/** An isolated live pipeline (features + scoring) in this process, and a producer of the data set's texts. */
export async function benchPipeline(config: Config, run: string, dataPath: string) {
  const texts: string[] = [];
  for await (const row of readSmsCsv(dataPath, { requireLabel: false, maxTextBytes: config.pipeline.maxTextBytes, onProblem: () => {} })) texts.push(row.text);
  const messaging = connectMessaging(config);
  await applyTopology(applyPorts(config, messaging), config);
  const pipeline = await startParts(config, ['features', 'scoring'], () => {});
  const models = availableModels(config.pipeline.modelsDir).length;
  return { messaging, pipeline, models, ...rawProducer(config, messaging, run, texts) };
}
