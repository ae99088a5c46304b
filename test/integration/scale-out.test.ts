// Two instances of one processor share the work as one consumer group; instances joining and
// leaving mid-stream (rebalances) lose nothing and process nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import type { SmsFeatures } from '../../schemas/index.ts';
import { type PipelineFixture, labelledMessages, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';
import { kafkaClient } from '../../testkit/real-ports.ts';

const MESSAGES = 3_000;
const quiet = () => {};

describe('two instances of the features processor', () => {
  let fixture: PipelineFixture;
  const running: RunningPipeline[] = [];

  beforeAll(async () => {
    // Small batches and few records in flight keep both instances busy for a while.
    fixture = await pipelineFixture({ SPAMSTREAM_MAX_IN_FLIGHT: '32', SPAMSTREAM_PARTITIONS_CONCURRENTLY: '1' });
  });

  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await fixture?.close();
  });

  it('splits the partitions, survives one instance joining and one leaving, and writes each message once', async () => {
    const first = await startParts(fixture.config, ['features'], quiet);
    running.push(first);
    const messages = await labelledMessages(fixture.run, MESSAGES);
    const producing = fixture.produceRaw(messages);

    // A second instance joins once the first is working: a rebalance mid-stream.
    await fixture.readTopic(fixture.config.topics.features, { until: (r) => r.length > 0 });
    const second = await startParts(fixture.config, ['features'], quiet);
    running.push(second);
    await producing;
    const group = `${fixture.config.pipeline.consumerGroupPrefix}.features`;
    await waitUntil('both instances are members of the group', async () => (await groupSize(group)) === 2);

    // The first leaves while work remains: another rebalance, after it drained and committed.
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const records = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features, {
      until: (r) => r.length >= MESSAGES,
    });
    const perMessage = new Map<string, number>();
    for (const { value } of records) perMessage.set(value.sms_id, (perMessage.get(value.sms_id) ?? 0) + 1);
    expect(perMessage.size).toBe(MESSAGES);
    const duplicated = records
      .filter(({ value }) => perMessage.get(value.sms_id)! > 1)
      .map(
        ({ value, record }) =>
          `${value.sms_id} from ${record.headers['spamstream-origin']} at ${record.origin.partition}@${record.origin.offset}`,
      );
    expect(duplicated).toEqual([]);
  });
});

async function groupSize(groupId: string): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}
