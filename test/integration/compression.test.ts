// Producers compress record batches as they choose (the Java client's compression.type: gzip,
// snappy, lz4 or zstd), and the broker stores them as written. The source must read every codec
// Kafka has: records it cannot decompress would stop the pipeline at the first such batch. And what
// spamstream writes compressed, other clients must read. Kafka's own Java tools, from the
// distribution the stack runs, are the other side: the console producer and consumer, and the
// log dump that shows how each stored batch is compressed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { connectMessaging } from '../../runtime/wiring.ts';
import { mavenLibsDir } from '../../stack/fetch.ts';
import { kafkaDistribution } from '../../stack/kafka.ts';
import { serverDir } from '../../stack/server.ts';
import { dropRun } from '../../testkit/drop-run.ts';
import { config, createKafkaSource, createTopics, kafkaClient, unique } from '../../testkit/real-ports.ts';

const run = unique('compressed');
const kafka = kafkaClient();
afterAll(() => dropRun(config.kafka, run));

const kafkaLibs = join(mavenLibsDir(config.stack.cacheDir, kafkaDistribution(config)), '*');

const java = (mainClass: string, args: readonly string[]) =>
  promisify(execFile)(config.stack.java, ['-cp', kafkaLibs, mainClass, ...args], { timeout: 60_000 });
const bootstrap = ['--bootstrap-server', config.kafka.brokers.join(',')];

/** Writes `lines` to `topic` in batches compressed with `codec`, through Kafka's console producer. */
async function javaProduce(topic: string, codec: string, lines: readonly string[]) {
  const child = java('org.apache.kafka.tools.ConsoleProducer', [
    ...bootstrap,
    '--topic',
    topic,
    '--compression-codec',
    codec,
  ]);
  child.child.stdin!.end(`${lines.join('\n')}\n`);
  await child;
}

/** The values of `topic`'s first `count` records, read by Kafka's console consumer (read committed). */
async function javaConsume(topic: string, count: number): Promise<string[]> {
  const args = [...bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(count)];
  args.push('--isolation-level', 'read_committed', '--timeout-ms', '30000');
  const { stdout } = await java('org.apache.kafka.tools.consumer.ConsoleConsumer', args);
  return stdout.trim().split('\n');
}

/** The codec of every data batch stored in partition 0 of `topic`, as Kafka's log dump reports it. */
async function storedCodecs(topic: string): Promise<string[]> {
  const segment = join(serverDir(config, 'kafka'), 'data', `${topic}-0`, '00000000000000000000.log');
  const { stdout } = await java('kafka.tools.DumpLogSegments', ['--files', segment]);
  return [...stdout.matchAll(/isControl: false .*compresscodec: (\w+)/g)].map((match) => match[1]!);
}

describe('records compressed by another producer', () => {
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`the source reads batches compressed with ${codec}`, async () => {
      const topic = `${run}.${codec}`;
      await createTopics(kafka, [{ topic, numPartitions: 1 }]);
      const lines = Array.from({ length: 50 }, (_, i) => `${codec} message ${i} `.repeat(1 + (i % 7)).trim());
      await javaProduce(topic, codec, lines);
      const source = createKafkaSource(kafka, {
        groupId: `${run}.${codec}.reader`,
        topics: [topic],
        fromBeginning: true,
        maxInFlight: 100,
      });
      try {
        const records = await firstValueFrom(source.records.pipe(take(lines.length), toArray()));
        expect(records.map((r) => r.value?.toString('utf8'))).toEqual(lines);
        await source.acknowledge(records.map((r) => r.origin));
      } finally {
        await source.close();
      }
    }, 60_000);
  }
});

describe('records spamstream writes compressed', () => {
  for (const codec of ['zstd', 'gzip']) {
    it(`are stored as ${codec} batches on the listed topics only, and Kafka's Java consumer reads them`, async () => {
      const [compressed, plain] = [`${run}.${codec}.compressed`, `${run}.${codec}.plain`];
      await createTopics(
        kafka,
        [compressed, plain].map((topic) => ({ topic, numPartitions: 1 })),
      );
      const env = { ...process.env, SPAMSTREAM_TOPIC_COMPRESSION: codec, SPAMSTREAM_TOPIC_COMPRESSED: compressed };
      const messaging = connectMessaging(loadConfig(env));
      const record = (topic: string, value: string) => ({ topic, key: 'k', value: Buffer.from(value) });
      const sent = Array.from({ length: 30 }, (_, i) => `${codec} record ${i}`);
      try {
        // The plain writer, both topics in one call; then a transaction, as the processors write.
        await messaging.writer.send([...sent.slice(0, 20).map((v) => record(compressed, v)), record(plain, 'plain')]);
        const writer = messaging.openTransactionalWriter(`${run}.${codec}.group`);
        const input = { topic: plain, partition: 0 };
        await writer.claim(input);
        await writer.sendAndCommit(
          input,
          sent.slice(20).map((v) => record(compressed, v)),
          '1',
        );
        await writer.close();
      } finally {
        await messaging.close();
      }
      expect(await storedCodecs(compressed)).toEqual([codec, codec]);
      expect(await storedCodecs(plain)).toEqual(['none']);
      expect(await javaConsume(compressed, sent.length)).toEqual(sent);
    }, 90_000);
  }
});
