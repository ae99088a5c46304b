// The scenarios' load: labelled messages with ids of the run, produced at a rate, each slice sent
// again until it lands (a broker restarting), so the counts compare with what was actually written.
import avro from 'avsc';
import type { Config } from '../config/config.ts';
import { readSmsCsv } from '../features/sms-csv.ts';
import type { Messaging } from '../runtime/wiring.ts';
import { type SmsRaw, loadSchema } from '../schemas/index.ts';
import { DATA_CSV } from '../testkit/data-set.ts';
import { valueSubject } from '../topology/topics.ts';
import { sleep } from './parts.ts';

/** Confluent framing: magic byte 0, the schema id, the Avro body. */
export function framed(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

let corpus: string[] | undefined;
/** The texts of the labelled data set, read once. */
async function texts(): Promise<string[]> {
  if (corpus) return corpus;
  const out: string[] = [];
  for await (const row of readSmsCsv(DATA_CSV, { requireLabel: false, maxTextBytes: 4096, onProblem: () => {} }))
    out.push(row.text);
  corpus = out;
  return out;
}

export interface Flow {
  /** Lets the flow run on until `count` messages were sent in all, and resolves then. */
  stopAt(count: number): Promise<void>;
  /** Ends the flow after the slice in flight. */
  stop(): Promise<void>;
}

export class Load {
  /** Ids of the good messages produced so far. */
  readonly sentIds: string[] = [];
  /** When each send of good messages was acknowledged, epoch ms. */
  readonly sentAt: number[] = [];
  private rawWriter: Promise<{ id: number; type: avro.Type }> | undefined;

  private readonly run: string;
  private readonly config: Config;
  private readonly messaging: Messaging;

  constructor(run: string, config: Config, messaging: Messaging) {
    this.run = run;
    this.config = config;
    this.messaging = messaging;
  }

  /** Good messages with ids of this run, texts cycling through the data set. */
  async messages(count: number, prefix = 'm'): Promise<SmsRaw[]> {
    if (count <= 0) return [];
    const all = await texts();
    const first = this.sentIds.length;
    return Array.from({ length: count }, (_, i) => ({
      sms_id: `${this.run}-${prefix}${first + i}`,
      sender: '+447700900000',
      recipient: '+447700900001',
      text: all[(first + i) % all.length]!,
      received_at: Date.now(),
      source: 'faults',
    }));
  }

  /**
   * SmsRaw in the wire format, with the id its schema got in this pipeline's registry, asked once:
   * the load must go on while a scenario has the registry down.
   */
  async encode(raw: SmsRaw): Promise<Buffer> {
    this.rawWriter ??= (async () => {
      const schema = loadSchema('sms-raw');
      return {
        id: await this.messaging.registry.register(valueSubject(this.config.topics.raw), schema),
        type: avro.Type.forSchema(schema as avro.Schema),
      };
    })();
    const { id, type } = await this.rawWriter;
    return framed(id, type.toBuffer(raw));
  }

  /** Produces `count` good messages at `rate` per second, in slices every 100 ms. */
  async produce(count: number, rate: number, options: { retryForMs?: number } = {}): Promise<void> {
    await this.flow(rate, options).stopAt(count);
  }

  /** Produces at `rate` until told to stop: phases of a scenario can then follow events, not the clock. */
  flow(rate: number, options: { retryForMs?: number } = {}): Flow {
    const slice = Math.max(1, Math.round(rate / 10));
    let limit = Number.POSITIVE_INFINITY;
    const done = (async () => {
      const begin = Date.now();
      const first = this.sentIds.length;
      while (this.sentIds.length < limit) {
        const batch = await this.messages(Math.min(slice, limit - this.sentIds.length));
        await this.sendGood(batch, options.retryForMs ?? 120_000);
        const due = begin + ((this.sentIds.length - first) / rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    })();
    return {
      stopAt: (count) => {
        limit = Math.max(count, this.sentIds.length);
        return done;
      },
      stop: () => {
        limit = this.sentIds.length;
        return done;
      },
    };
  }

  /** Resolves once `count` good messages were sent. */
  async waitForSent(count: number): Promise<void> {
    while (this.sentIds.length < count) await sleep(100);
  }

  async sendGood(batch: readonly SmsRaw[], retryForMs = 120_000): Promise<void> {
    const records = await Promise.all(
      batch.map(async (raw) => ({ topic: this.config.topics.raw, key: raw.sms_id, value: await this.encode(raw) })),
    );
    await this.sendRetrying(records, retryForMs);
    for (const raw of batch) this.sentIds.push(raw.sms_id);
    this.sentAt.push(Date.now());
  }

  async sendRetrying(records: { topic: string; key: string; value: Buffer }[], retryForMs: number): Promise<void> {
    const deadline = Date.now() + retryForMs;
    for (;;) {
      try {
        await this.messaging.writer.send(records);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  }
}
