// dropRun, which tests and benchmarks call when done: it removes a run's topics and consumer groups
// from the broker, and nothing of another run.
import type { Admin } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRun, dropRunAfterResult } from '../../testkit/drop-run.ts';
import { loadConfig } from '../../config/config.ts';
import { closedPort } from '../../testkit/ports.ts';
import { type PipelineFixture, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { kafkaClient } from '../../testkit/real-ports.ts';

describe('dropRun', () => {
  const fixtures: PipelineFixture[] = [];
  afterAll(async () => {
    for (const fixture of fixtures) await fixture.close();
  });

  // A new admin client each time: kafkajs keeps refreshing the metadata of every topic a client has
  // touched, and fails once one of them is deleted.
  async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = kafkaClient().admin();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }
  /** A group of the run with a committed offset, as a processor leaves behind. */
  const commitAs = (groupId: string, topic: string) =>
    withAdmin((admin) => admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] }));
  const namesOf = (run: string) =>
    withAdmin(async (admin) => ({
      topics: (await admin.listTopics()).filter((t) => t.startsWith(`${run}.`)),
      groups: (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${run}.`)),
    }));

  it("deletes the run's topics and groups, and leaves another run's alone", async () => {
    const [mine, other] = [await pipelineFixture(), await pipelineFixture()];
    fixtures.push(mine, other);
    await commitAs(`${mine.run}.features`, mine.config.topics.raw);
    await commitAs(`${other.run}.features`, other.config.topics.raw);
    const before = await namesOf(mine.run);
    expect(before.topics).toContain(mine.config.topics.raw);
    expect(before.groups).toEqual([`${mine.run}.features`]);

    const dropped = await dropRun(mine.config.kafka, mine.run);
    expect(new Set(dropped.topics)).toEqual(new Set(before.topics));
    expect(dropped.groups).toEqual([`${mine.run}.features`]);
    expect(await namesOf(mine.run)).toEqual({ topics: [], groups: [] });
    const others = await namesOf(other.run);
    expect(others.topics).toContain(other.config.topics.raw);
    expect(others.groups).toEqual([`${other.run}.features`]);
  });

  it('keeps the topics when asked, and deletes the groups', async () => {
    const fixture = await pipelineFixture();
    fixtures.push(fixture);
    await commitAs(`${fixture.run}.scoring`, fixture.config.topics.features);
    const dropped = await dropRun(fixture.config.kafka, fixture.run, { keepTopics: true });
    expect(dropped).toEqual({ topics: [], groups: [`${fixture.run}.scoring`] });
    expect((await namesOf(fixture.run)).topics).toContain(fixture.config.topics.features);
  });

  it('after a result, a cleanup that fails is a note, not an error that hides the result', async () => {
    const unreachable = { ...loadConfig().kafka, brokers: [`127.0.0.1:${await closedPort()}`] };
    await expect(dropRun(unreachable, 'gone')).rejects.toThrow();
    const notes: string[] = [];
    await dropRunAfterResult(unreachable, 'gone', {}, (line) => notes.push(line));
    expect(notes).toEqual([expect.stringMatching(/^cleanup: the run's topics or groups were not all deleted/)]);
  });
});
