import { describe, expect, it } from 'vitest';
import { ensureTopics, topicsWithLeaders } from './admin.ts';

const unknown = () =>
  Object.assign(new Error('This server does not host this topic-partition'), {
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
  });
const led = (name: string) => ({ name, partitions: [{ partitionId: 0, leader: 2, replicas: [2], isr: [2] }] });

describe('topicsWithLeaders', () => {
  it('asks again while a lagging broker does not know a topic another has just reported', async () => {
    const answers: (() => unknown)[] = [
      () => ({ topics: [led('a')] }),
      () => {
        throw unknown();
      },
      () => ({ topics: [led('a'), led('b')] }),
    ];
    const admin = { fetchTopicMetadata: async () => answers.shift()!() };
    const found = await topicsWithLeaders(admin as never, ['a', 'b'], 5_000);
    expect(found.map((t) => t.name)).toEqual(['a', 'b']);
    expect(answers).toHaveLength(0);
  });

  it("gives up with the broker's error once the time is up, and at once on any other error", async () => {
    await expect(
      topicsWithLeaders({ fetchTopicMetadata: async () => Promise.reject(unknown()) } as never, ['a'], 50),
    ).rejects.toThrow('does not host');
    let asked = 0;
    const refused = Object.assign(new Error('not authorized'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const admin = {
      fetchTopicMetadata: async () => {
        asked += 1;
        throw refused;
      },
    };
    await expect(topicsWithLeaders(admin as never, ['a'], 5_000)).rejects.toThrow('not authorized');
    expect(asked).toBe(1);
  });
});

describe('ensureTopics', () => {
  it('reports the topics it made even when the broker asked next has not heard of them yet', async () => {
    // The cluster fault suite failed `topology apply` so: created, led, then unknown to another broker.
    const metadata: (() => unknown)[] = [
      () => ({ topics: [led('a')] }),
      () => {
        throw unknown();
      },
      () => ({ topics: [led('a')] }),
    ];
    const admin = {
      connect: async () => {},
      disconnect: async () => {},
      listTopics: async () => [],
      createTopics: async () => true,
      fetchTopicMetadata: async () => metadata.shift()!(),
    };
    const outcome = await ensureTopics({ admin: () => admin } as never, [
      { name: 'a', partitions: 1, replicationFactor: 3, config: {} },
    ]);
    expect(outcome).toEqual([{ name: 'a', state: 'created', partitions: 1 }]);
  });
});
