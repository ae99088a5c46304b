import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import type { DeadLetter, SmsPrediction } from '../schemas/index.ts';
import { TOPICS, capitalsModel, memoryPipeline, memoryPorts, raw } from '../testkit/memory-pipeline.ts';
import { buildTopology } from './build.ts';

const env = {
  SPAMSTREAM_RETRY_BACKOFF_MS: '1',
  SPAMSTREAM_INFERENCE_WAIT_MS: '1',
  SPAMSTREAM_DELIVER_WAIT_MS: '1',
};
const config = loadConfig(env);

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('buildTopology', () => {
  it('describes itself as text and Mermaid', () => {
    const topology = buildTopology(memoryPorts(memoryPipeline(), []), config);
    expect(topology.describe()).toContain('processor features (consumer group spamstream.features)');
    expect(topology.describe()).toMatch(/source: sms\.features[\s\S]*sinks: sms\.predictions; dead letters: sms\.dlq/);
    expect(topology.mermaid()).toMatch(/^flowchart TB/);
    expect(topology.mermaid()).toContain('sms_raw --> features');
  });

  it('shows the verdicts processor reading labels and predictions, and the quality processor its verdicts', () => {
    const topology = buildTopology(memoryPorts(memoryPipeline(), []), config);
    expect(topology.describe()).toMatch(
      /processor verdicts \(consumer group spamstream\.verdicts\)\n {2}source: sms\.labels, sms\.predictions[\s\S]*sinks: sms\.verdicts;/,
    );
    expect(topology.describe()).toMatch(
      /processor quality[\s\S]*source: sms\.verdicts[\s\S]*sinks: sms\.quality;[\s\S]*stores: spamstream\.labels_by_partition/,
    );
    expect(topology.mermaid()).toContain('sms_labels --> verdicts');
    expect(topology.mermaid()).toContain('sms_predictions --> verdicts');
  });

  it('shows the cdc processor, fed by the Debezium connector, when CDC is on, and leaves it out when off', () => {
    const on = buildTopology(memoryPorts(memoryPipeline(), []), config);
    expect(on.describe()).toMatch(
      /processor cdc \(consumer group spamstream\.cdc\)\n {2}source: sms\.cdc\.inbox \(Debezium connector on postgres public\.smss_by_users\)/,
    );
    expect(on.describe()).toMatch(/processor cdc[\s\S]*sinks: sms\.raw, sms\.labels; dead letters: sms\.dlq/);
    expect(on.mermaid()).toContain(
      'postgres_public_smss_by_users[("postgres public.smss_by_users")] -- Debezium --> sms_cdc_inbox',
    );
    expect(on.mermaid()).toContain('cdc --> sms_raw');
    const off = buildTopology(memoryPorts(memoryPipeline(), []), loadConfig({ ...env, SPAMSTREAM_CDC: 'off' }));
    expect(off.processors.map((p) => p.name)).toEqual(['features', 'scoring', 'verdicts', 'quality']);
    expect(off.describe()).not.toContain('cdc');
  });

  it.each(['exactly-once', 'at-least-once'])(
    'runs raw messages through both processors (%s), dead-letters junk, and commits everything',
    async (delivery) => {
      const pipeline = memoryPipeline();
      const { codec, kafka, stores, views } = pipeline;
      const writer = kafka.writer();
      const topology = buildTopology(
        memoryPorts(pipeline, [capitalsModel]),
        loadConfig({ ...env, SPAMSTREAM_DELIVERY: delivery, SPAMSTREAM_CDC: 'off' }),
      );
      const good = Array.from({ length: 40 }, (_, i) =>
        raw(`sms-${i}`, i % 2 ? 'CALL NOW TO CLAIM' : 'see you at lunch'),
      );
      const records = [
        ...(await Promise.all(
          good.map(async (r) => ({
            topic: TOPICS.raw,
            key: r.sms_id,
            value: await codec.encode(`${TOPICS.raw}-value`, r),
          })),
        )),
        { topic: TOPICS.raw, key: 'junk', value: Buffer.from('garbage bytes') },
      ];
      await writer.send(records);
      const running = topology.processors.map((p) => p.start());
      await until(() => kafka.records(TOPICS.predictions).length === 40 && kafka.records(TOPICS.dlq).length === 1);
      await Promise.all(running.map((r) => r.stop()));

      const predictions = await Promise.all(
        kafka.records(TOPICS.predictions).map((r) => codec.decode<SmsPrediction>(r.value)),
      );
      expect(new Set(predictions.map((p) => p.sms_id)).size).toBe(40);
      expect(predictions.find((p) => p.sms_id === 'sms-1')!.label).toBe('spam');
      expect(predictions.find((p) => p.sms_id === 'sms-0')!.label).toBe('ham');
      const [letter] = await Promise.all(kafka.records(TOPICS.dlq).map((r) => codec.decode<DeadLetter>(r.value)));
      expect(letter).toMatchObject({
        processor: 'features',
        source_topic: TOPICS.raw,
        error_code: 'DECODE_FAILED',
        retriable: false,
      });
      expect(letter!.value).toEqual(Buffer.from('garbage bytes'));
      expect(await stores.features.getFeatures('sms-7')).toHaveLength(views.length);
      const committed = [0, 1, 2].reduce(
        (sum, p) => sum + (kafka.committed('spamstream.features', TOPICS.raw, p) ?? 0),
        0,
      );
      expect(committed).toBe(41);
    },
  );
});
