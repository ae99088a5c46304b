import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { envelope } from '../core/envelope.ts';
import type { SmsLabel, SmsVerdict } from '../schemas/index.ts';
import { verdictsProcessor } from './verdicts.ts';
import { TOPICS, all, collect, memoryPipeline } from '../testkit/memory-pipeline.ts';
import { prediction } from '../testkit/edge-fakes.ts';

function setup() {
  const pipeline = memoryPipeline();
  const processor = verdictsProcessor(
    { codec: pipeline.codec },
    { labelsTopic: TOPICS.labels, verdictsTopic: TOPICS.verdicts, policy: { backoffMs: 1 } },
  );
  const run = async (records: readonly { topic: string; value: Buffer | null }[]) =>
    collect(
      from(
        records.map((r, i) =>
          envelope({
            key: 'k',
            value: r.value,
            headers: {},
            timestamp: 7,
            origin: { topic: r.topic, partition: 1, offset: String(i) },
          }),
        ),
      ).pipe(processor, all()),
    );
  const label = async (value: SmsLabel) => ({
    topic: TOPICS.labels,
    value: await pipeline.codec.encode(`${TOPICS.labels}-value`, value),
  });
  return { ...pipeline, run, label };
}

describe('verdicts processor', () => {
  it('turns a label and a prediction into verdicts on sms.verdicts, keyed by message', async () => {
    const { run, label, codec } = setup();
    const predicted = prediction({ sms_id: 'sms-9', model_version: 'v2', label: 'ham', spam_probability: 0.1 });
    const flows = await run([
      await label({ sms_id: 'sms-9', label: 'spam', labelled_at: 1_000, source: 'api' }),
      { topic: TOPICS.predictions, value: await codec.encode(`${TOPICS.predictions}-value`, predicted) },
    ]);
    const records = flows.map(
      (f) =>
        (f.value.result.ok ? f.value.result.value[0] : undefined) as never as {
          topic: string;
          key: string;
          value: Buffer;
          timestamp: number;
        },
    );
    expect(records.map((r) => [r.topic, r.key, r.timestamp])).toEqual([
      [TOPICS.verdicts, 'sms-9', 7],
      [TOPICS.verdicts, 'sms-9', 7],
    ]);
    const verdicts = await Promise.all(records.map((r) => codec.decode<SmsVerdict>(r.value)));
    expect(verdicts).toEqual([
      { sms_id: 'sms-9', model_version: null, label: 'spam', given_at: 1_000, event_time: 0 },
      {
        sms_id: 'sms-9',
        model_version: 'v2',
        label: 'ham',
        given_at: predicted.scored_at,
        event_time: predicted.event_time,
      },
    ]);
  });

  it('dead-letters a label that is neither spam nor ham, a bad id, a bad time, and bytes that are not Avro', async () => {
    const { run, label } = setup();
    const flows = await run([
      await label({ sms_id: 'sms-1', label: 'SPAM', labelled_at: 1, source: 'x' }),
      await label({ sms_id: 'has space', label: 'spam', labelled_at: 1, source: 'x' }),
      await label({ sms_id: 'sms-1', label: 'spam', labelled_at: -5, source: 'x' }),
      { topic: TOPICS.labels, value: Buffer.from('not avro') },
      { topic: TOPICS.labels, value: null },
    ]);
    expect(flows.map((f) => (f.value.result.ok ? 'ok' : f.value.result.code))).toEqual([
      'INVALID_FIELD',
      'INVALID_FIELD',
      'INVALID_FIELD',
      'DECODE_FAILED',
      'DECODE_FAILED',
    ]);
  });
});
