// `spamstream produce`: messages to sms.raw, Avro-encoded, keyed by sms_id; exits once Kafka has
// acknowledged every record. With --count it cycles through the input, every record under a new id (load generation).
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { checkSmsId } from '../../core/message-rules.ts';
import type { OutgoingRecord } from '../../connectors/kafka.ts';
import type { SmsRaw } from '../../schemas/index.ts';
import { connectMessaging } from '../../runtime/wiring.ts';
import { valueSubject } from '../../topology/topics.ts';
import { type InputMessage, readMessages } from '../message-input.ts';
import { nonNegativeInt, positiveInt, positiveNumber } from '../numbers.ts';

interface ProduceOptions {
  file?: string;
  count?: number;
  rate?: number;
  junk: number;
  source: string;
}

const BATCH = 1_000;

export function produceCommand(): Command {
  return new Command('produce')
    .description('produce messages to sms.raw: TEXT arguments and/or a --file (CSV with a text column, or .jsonl)')
    .argument('[text...]', 'message texts')
    .option('-f, --file <path>', 'CSV (header with text, optional sms_id, sender, recipient) or JSON lines')
    .addOption(
      new Option(
        '-n, --count <n>',
        'produce exactly n records, cycling through the input, every one under a new id (<its id>-<run><pass>)',
      ).argParser(positiveInt),
    )
    .addOption(new Option('-r, --rate <per-second>', 'at most this many records per second').argParser(positiveNumber))
    .addOption(
      new Option('--junk <n>', 'also produce n records that are not Avro (to see the dead-letter topic at work)')
        .argParser(nonNegativeInt)
        .default(0),
    )
    .option('--source <name>', 'the source field of every record', 'cli')
    .action(async (texts: string[], options: ProduceOptions) => {
      const config = loadConfig();
      let problems = 0;
      const messages: InputMessage[] = [];
      for await (const message of readMessages(texts, options.file, (line, reason) => {
        problems += 1;
        console.error(`${options.file}:${line}: skipped: ${reason}`);
      }))
        messages.push(message);
      if (messages.length === 0 && options.junk === 0)
        throw new Error('nothing to produce: give TEXT arguments or --file');

      const messaging = connectMessaging(config);
      const subject = valueSubject(config.topics.raw);
      const started = Date.now();
      const total = options.count ?? messages.length;
      // With --count every record is new, even on the first pass: a load run never rewrites the file's messages.
      const run = options.count === undefined ? undefined : randomUUID().slice(0, 6);
      let sent = 0;
      // The ids made up for TEXT arguments, to print once Kafka has them: how a person finds their messages again.
      const generated: { id: string; text: string }[] = [];
      try {
        let batch: OutgoingRecord[] = [];
        const flush = async () => {
          await messaging.writer.send(batch);
          sent += batch.length;
          batch = [];
          if (options.rate) await sleep(started + (sent / options.rate) * 1000 - Date.now());
        };
        const batchSize = options.rate ? Math.max(1, Math.min(BATCH, Math.floor(options.rate / 10))) : BATCH;
        for (let i = 0; i < total && messages.length > 0; i += 1) {
          const message = messages[i % messages.length]!;
          const round = Math.floor(i / messages.length);
          const raw = toRaw(message, recordId(message, run, round), options.source);
          const id = checkSmsId(raw.sms_id);
          if (!id.ok) {
            problems += 1;
            console.error(`skipped: ${id.reason}`);
            continue;
          }
          if (i < texts.length) generated.push({ id: raw.sms_id, text: message.text });
          batch.push({
            topic: config.topics.raw,
            key: raw.sms_id,
            value: await messaging.codec.encode(subject, raw),
            timestamp: raw.received_at,
          });
          if (batch.length >= batchSize) await flush();
        }
        for (let i = 0; i < options.junk; i += 1)
          batch.push({
            topic: config.topics.raw,
            key: `junk-${randomUUID()}`,
            value: Buffer.from(`junk ${i}: not an Avro record`),
          });
        if (batch.length > 0) await flush();
      } finally {
        await messaging.close();
      }
      for (const { id, text } of generated) console.log(`${id}  ${JSON.stringify(shorten(text, 60))}`);
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `produced ${sent} records to ${config.topics.raw} in ${seconds.toFixed(1)} s (${Math.round(sent / Math.max(seconds, 0.001))}/s)${problems ? `; skipped ${problems}` : ''}`,
      );
    });
}

/**
 * The id a record goes out under: the input's own without --count (`run` undefined); with it, the
 * input's id plus the run and the pass, so ids never repeat and each still names the message it copies.
 */
export function recordId(message: Pick<InputMessage, 'smsId'>, run: string | undefined, round: number): string {
  if (message.smsId === undefined) return `sms-${randomUUID()}`;
  return run === undefined ? message.smsId : `${message.smsId}-${run}${round}`;
}

function toRaw(message: InputMessage, smsId: string, source: string): SmsRaw {
  return {
    sms_id: smsId,
    sender: message.sender ?? '+10000000000',
    recipient: message.recipient ?? '+10000000001',
    text: message.text,
    received_at: Date.now(),
    source,
  };
}

const shorten = (text: string, max: number): string =>
  [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
