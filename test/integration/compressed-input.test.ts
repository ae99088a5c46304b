// Producers compress record batches as they choose (the Java client's compression.type: gzip,
// snappy, lz4 or zstd), and the broker stores them as written. The source must read every codec
// Kafka has: records it cannot decompress would stop the pipeline at the first such batch. Each
// batch here is written by Kafka's own Java console producer, from the distribution the stack runs.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { dropRun } from '../support/drop-run.ts';
import { config, createKafkaSource, createTopics, kafkaClient, unique } from '../support/real-ports.ts';

const run = unique('compressed');
const kafka = kafkaClient();
afterAll(() => dropRun(config.kafka, run));

const kafkaLibs = join(config.stack.cacheDir, `kafka-${config.stack.kafkaVersion}`, 'libs', '*');

/** Writes `lines` to `topic` in batches compressed with `codec`, through Kafka's console producer. */
async function javaProduce(topic: string, codec: string, lines: readonly string[]) {
  const args = ['-cp', kafkaLibs, 'org.apache.kafka.tools.ConsoleProducer'];
  args.push('--bootstrap-server', config.kafka.brokers.join(','), '--topic', topic, '--compression-codec', codec);
  const child = promisify(execFile)(config.stack.java, args, { timeout: 60_000 });
  child.child.stdin!.end(`${lines.join('\n')}\n`);
  await child;
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
