// `spamstream consume <topic>`: decoded records as JSON lines (Avro field names; bytes as base64),
// for people and scripts. Reads as a fresh consumer group, so it never disturbs the processors.
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { concatMap } from 'rxjs';
import { loadConfig } from '../../config/config.ts';
import { connectMessaging } from '../../runtime/wiring.ts';
import { positiveInt, positiveNumber } from '../numbers.ts';
import { listenForStop } from '../stop-signals.ts';

interface ConsumeOptions {
  fromBeginning?: boolean;
  max?: number;
  idleTimeout?: number;
  meta?: boolean;
}

const JOIN_GRACE_MS = 10_000;

export function consumeCommand(): Command {
  return new Command('consume')
    .description('print the records of a topic as JSON lines')
    .argument('<topic>', 'e.g. sms.predictions, sms.features, sms.raw, sms.dlq')
    .option('--from-beginning', 'start at the oldest record instead of new ones')
    .addOption(new Option('--max <n>', 'stop after n records').argParser(positiveInt))
    .addOption(
      new Option('--idle-timeout <seconds>', 'stop after this many seconds without a new record').argParser(
        positiveNumber,
      ),
    )
    .option('--meta', 'wrap each record with its key, partition, offset and timestamp')
    .action(async (topic: string, options: ConsumeOptions) => {
      const config = loadConfig();
      const messaging = connectMessaging(config);
      const groupId = `${config.pipeline.consumerGroupPrefix}.consume.${randomUUID()}`;
      const source = messaging.openSource({
        groupId,
        topics: [topic],
        fromBeginning: options.fromBeginning ?? false,
        maxInFlight: 1_000,
        partitionsConcurrently: 1,
        processor: 'consume',
        closeTimeoutMs: 5_000,
      });
      let count = 0;
      let stopping: Promise<void> | undefined;
      const stop = () => (stopping ??= source.close());
      // Ctrl-C closes the source; npm's echo of it under npx changes nothing, asking again exits.
      const listening = listenForStop(process, { stop: () => void stop(), force: () => process.exit(130) });
      // Joining the group takes a few seconds: the idle clock starts that much later.
      let lastRecordAt = Date.now() + JOIN_GRACE_MS;
      const idleCheck =
        options.idleTimeout === undefined
          ? undefined
          : setInterval(() => {
              if (Date.now() - lastRecordAt > options.idleTimeout! * 1000) void stop();
            }, 100);
      await new Promise<void>((resolve, reject) => {
        source.records
          .pipe(
            concatMap(async (record) => {
              // Closing lets the records already fetched through: past --max they are not printed.
              if (options.max !== undefined && count >= options.max) return;
              lastRecordAt = Date.now();
              try {
                const value = record.value === null ? null : await messaging.codec.decode(record.value);
                const out = options.meta
                  ? {
                      key: record.key,
                      partition: record.origin.partition,
                      offset: record.origin.offset,
                      timestamp: record.timestamp,
                      value,
                    }
                  : value;
                process.stdout.write(`${JSON.stringify(out, bytesAsBase64)}\n`);
              } catch (error) {
                console.error(
                  `${topic}/${record.origin.partition}@${record.origin.offset}: not decodable: ${(error as Error).message}`,
                );
              }
              source.acknowledge([record.origin]);
              count += 1;
              if (options.max !== undefined && count >= options.max) void stop();
            }),
          )
          .subscribe({ complete: resolve, error: reject });
      });
      clearInterval(idleCheck);
      await stop();
      listening.close();
      // The group was this run's alone: delete it rather than leave one behind per run.
      await messaging.deleteGroup(groupId).catch((error: unknown) => {
        console.error(`could not delete consumer group ${groupId}: ${(error as Error).message}`);
      });
      await messaging.close();
      console.error(`${count} record(s) from ${topic}`);
    });
}

function bytesAsBase64(_key: string, value: unknown): unknown {
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: string }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
