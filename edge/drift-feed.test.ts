import { describe, expect, it } from 'vitest';
import { createMemoryKafka } from '../connectors/memory/kafka.ts';
import { createMemorySchemaLookup } from '../connectors/memory/schema-lookup.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { REPLAY_HEADER } from '../processors/deliver.ts';
import { type SmsFeatures, loadSchema } from '../schemas/index.ts';
import { driftFeed } from './drift-feed.ts';
import { followTopic } from './topic-feed.ts';

const TOPIC = 'sms.features';

describe('the drift feed', () => {
  it('observes each live record, leaves out what a replay wrote, skips what it cannot read', async () => {
    const lookup = createMemorySchemaLookup();
    lookup.register(`${TOPIC}-value`, loadSchema('sms-features'));
    const codec = createAvroCodec(lookup);
    const kafka = createMemoryKafka();
    kafka.createTopic(TOPIC, 1);
    const features = (id: string, value: number): SmsFeatures => ({
      sms_id: id,
      views: [{ view: 'v1', version: 1, values: [value] }],
      event_time: 1,
      computed_at: 2,
    });
    const encoded = (id: string, value: number) => codec.encode(`${TOPIC}-value`, features(id, value));
    await kafka.writer().send([
      { topic: TOPIC, key: 'a', value: await encoded('a', 1) },
      { topic: TOPIC, key: 'b', value: await encoded('b', 2), headers: { [REPLAY_HEADER]: 'features-run-1' } },
      { topic: TOPIC, key: 'junk', value: Buffer.from('not avro') },
      { topic: TOPIC, key: 'c', value: await encoded('c', 3) },
    ]);

    const observed: number[] = [];
    const skipped: unknown[] = [];
    const source = kafka.source({ groupId: 'edge', topics: [TOPIC], maxInFlight: 10 });
    const feed = followTopic(source, codec, driftFeed({ observe: (views) => observed.push(views[0]!.values[0]!) }), {
      onSkip: (reason) => skipped.push(reason),
    });
    await expect.poll(() => observed).toEqual([1, 3]);
    await expect.poll(() => skipped.length).toBe(1);
    await feed.close();
    expect(kafka.committed('edge', TOPIC, 0)).toBe(4);
  });
});
