import { describe, expect, it } from 'vitest';
import { createMemoryKafka } from '../connectors/memory/kafka.ts';
import { createMemorySchemaLookup } from '../connectors/memory/schema-lookup.ts';
import { createAvroCodec } from '../connectors/registry/avro-codec.ts';
import { loadSchema } from '../schemas/index.ts';
import { createReplayTracker } from './replay-board.ts';
import { replayFeed } from './replay-feed.ts';
import { followTopic } from './topic-feed.ts';
import { replayStatus } from '../testkit/edge-fakes.ts';

const TOPIC = 'sms.replays';

describe('the replay feed', () => {
  it('hands each record to the tracker under its key; a tombstone forgets, a record it cannot read is skipped', async () => {
    const lookup = createMemorySchemaLookup();
    lookup.register(`${TOPIC}-value`, loadSchema('replay-status'));
    const codec = createAvroCodec(lookup);
    const kafka = createMemoryKafka();
    kafka.createTopic(TOPIC, 1);
    const writer = kafka.writer();
    const encoded = async (group: string, done: number) =>
      codec.encode(`${TOPIC}-value`, replayStatus({ group_id: group, run_id: `run-${group}`, done }));
    await writer.send([
      { topic: TOPIC, key: 'a', value: await encoded('a', 1) },
      { topic: TOPIC, key: 'b', value: await encoded('b', 2) },
      { topic: TOPIC, key: 'junk', value: Buffer.from('not avro') },
      { topic: TOPIC, key: 'a', value: await encoded('a', 3) },
    ]);

    const tracker = createReplayTracker({ checkEveryMs: 0 });
    const skipped: unknown[] = [];
    const source = kafka.source({ groupId: 'edge', topics: [TOPIC], maxInFlight: 10 });
    const feed = followTopic(source, codec, replayFeed(tracker), { onSkip: (reason) => skipped.push(reason) });
    await expect
      .poll(() => tracker.snapshot().map((r) => [r.runId, r.done]))
      .toEqual([
        ['run-a', 3],
        ['run-b', 2],
      ]);
    expect(skipped).toHaveLength(1);

    await writer.send([{ topic: TOPIC, key: 'b', value: null as unknown as Buffer }]);
    await expect.poll(() => tracker.snapshot().map((r) => r.runId)).toEqual(['run-a']);
    await feed.close();
    // Every record acknowledged, the junk and the tombstone too: nothing holds the source back.
    expect(kafka.committed('edge', TOPIC, 0)).toBe(5);
  });
});
