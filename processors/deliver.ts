// The sink end of every processor: successful records go to their topics, failed ones to the
// dead-letter topic with their code, reason and original bytes; only after Kafka acknowledged the
// whole micro-batch are the source records acknowledged, which lets the source commit them.
import { type Observable, type OperatorFunction, bufferTime, concatMap, filter } from 'rxjs';
import type { Metrics } from '../core/metrics.ts';
import type { Origin } from '../core/envelope.ts';
import { SpamstreamError } from '../core/errors.ts';
import type { DeadLetter } from '../schemas/index.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { OutgoingRecord, RecordSource, RecordWriter } from '../connectors/kafka.ts';
import { type Flow, type RetryPolicy, withRetry } from './flow.ts';

/** Header of every output record: `<topic>/<partition>@<offset>` of the input it was computed from. */
export const ORIGIN_HEADER = 'spamstream-origin';

export interface DeliverPorts {
  readonly writer: RecordWriter;
  readonly codec: RecordCodec;
  readonly source: Pick<RecordSource, 'acknowledge'>;
  readonly metrics?: Metrics;
}

export interface DeliverSettings {
  readonly processor: string;
  readonly dlqTopic: string;
  readonly batchSize: number;
  readonly waitMs: number;
  readonly policy: RetryPolicy;
}

export interface Delivered {
  readonly records: number;
  readonly deadLetters: number;
  readonly origins: readonly Origin[];
}

export function deliver(ports: DeliverPorts, settings: DeliverSettings): OperatorFunction<Flow<readonly OutgoingRecord[]>, Delivered> {
  const lineage = (flow: Flow<unknown>) => ({ [ORIGIN_HEADER]: `${flow.origin.topic}/${flow.origin.partition}@${flow.origin.offset}` });

  const deadLetterRecord = async (flow: Flow<unknown>, code: string, reason: string, retriable: boolean): Promise<OutgoingRecord> => {
    const letter: DeadLetter = {
      processor: settings.processor,
      source_topic: flow.origin.topic,
      source_partition: flow.origin.partition,
      source_offset: Number(flow.origin.offset),
      key: flow.key === null ? null : Buffer.from(flow.key, 'utf8'),
      value: flow.value.input,
      headers: { ...flow.headers },
      error_code: code,
      error_reason: reason,
      retriable,
      failed_at: Date.now(),
    };
    const value = await ports.codec.encode(`${settings.dlqTopic}-value`, letter);
    return { topic: settings.dlqTopic, key: flow.key, value, headers: { 'spamstream-error-code': code, ...lineage(flow) } };
  };

  // Delivery never gives up on an outage: a record that cannot be written stays unacknowledged
  // (and so uncommitted) until Kafka or the registry answers again. A refusal is final.
  const persistently = async <T>(step: () => Promise<T>): Promise<T> => {
    for (;;) {
      const result = await withRetry(step, settings.policy);
      if (result.ok) return result.value;
      if (!result.retriable) throw new SpamstreamError(result.code, result.reason);
    }
  };

  /** What one input record turns into: its outputs, or its dead letter. */
  const recordsOf = async (flow: Flow<readonly OutgoingRecord[]>): Promise<{ records: OutgoingRecord[]; deadLetter?: string }> => {
    const { result } = flow.value;
    if (result.ok) return { records: result.value.map((record) => ({ ...record, headers: { ...record.headers, ...lineage(flow) } })) };
    return { records: [await persistently(() => deadLetterRecord(flow, result.code, result.reason, result.retriable))], deadLetter: result.code };
  };

  /** After the broker refused a batch: each record alone, and what it refuses goes to the dead-letter topic. */
  const sendOneByOne = async (batch: readonly Flow<readonly OutgoingRecord[]>[], outputs: { records: OutgoingRecord[]; deadLetter?: string }[]) => {
    for (const [i, flow] of batch.entries()) {
      try {
        await persistently(() => ports.writer.send(outputs[i]!.records));
      } catch (error) {
        if (!(error instanceof SpamstreamError) || error.code !== 'BROKER_REJECTED' || outputs[i]!.deadLetter === 'BROKER_REJECTED') throw error;
        const letter = await persistently(() => deadLetterRecord(flow, 'BROKER_REJECTED', error.message, false));
        await persistently(() => ports.writer.send([letter]));
        outputs[i] = { records: [letter], deadLetter: 'BROKER_REJECTED' };
      }
    }
  };

  return (flows: Observable<Flow<readonly OutgoingRecord[]>>) =>
    flows.pipe(
      bufferTime(settings.waitMs, null, settings.batchSize),
      filter((batch) => batch.length > 0),
      concatMap(async (batch) => {
        const outputs = await Promise.all(batch.map(recordsOf));
        try {
          await persistently(() => ports.writer.send(outputs.flatMap((o) => o.records)));
        } catch (error) {
          if (!(error instanceof SpamstreamError) || error.code !== 'BROKER_REJECTED') throw error;
          await sendOneByOne(batch, outputs);
        }
        let records = 0;
        let deadLetters = 0;
        for (const output of outputs) {
          const outcome = output.deadLetter ? 'dead_letter' : 'ok';
          ports.metrics?.processed.inc({ processor: settings.processor, outcome });
          if (output.deadLetter) {
            deadLetters += 1;
            ports.metrics?.deadLetters.inc({ processor: settings.processor, code: output.deadLetter });
          } else {
            records += output.records.length;
          }
        }
        const origins = batch.map((flow) => flow.origin);
        ports.source.acknowledge(origins);
        return { records, deadLetters, origins };
      }),
    );
}
