// The sink end of every processor: successful records go to their topics, failed ones to the
// dead-letter topic with their code, reason and original bytes; only after Kafka acknowledged the
// whole micro-batch are the source records acknowledged, which lets the source commit them.
// With a transactional writer, the records and the source offsets commit in one transaction.
import type { Observable, OperatorFunction } from 'rxjs';
import type { Metrics } from '../core/metrics.ts';
import type { Origin } from '../core/envelope.ts';
import { SpamstreamError } from '../core/errors.ts';
import type { DeadLetter } from '../schemas/index.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { OutgoingRecord, RecordSource, RecordWriter, TransactionalWriter } from '../connectors/kafka.ts';
import { type Flow, type RetryPolicy, batchWhileBusy, withRetry } from './flow.ts';

/** Header of every output record: `<topic>/<partition>@<offset>` of the input it was computed from. */
export const ORIGIN_HEADER = 'spamstream-origin';

export interface DeliverPorts {
  readonly writer: RecordWriter;
  /** When present, outputs and source offsets are committed together (exactly-once delivery). */
  readonly transactional?: TransactionalWriter;
  readonly codec: RecordCodec;
  readonly source: Pick<RecordSource, 'acknowledge' | 'groupId'>;
  readonly metrics?: Metrics;
}

export interface DeliverSettings {
  readonly processor: string;
  readonly dlqTopic: string;
  readonly batchSize: number;
  readonly waitMs: number;
  readonly policy: RetryPolicy;
}

interface Output {
  readonly records: readonly OutgoingRecord[];
  /** The error code, when the input became a dead letter. */
  readonly deadLetter?: string;
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
  const recordsOf = async (flow: Flow<readonly OutgoingRecord[]>): Promise<Output> => {
    const { result } = flow.value;
    if (result.ok) return { records: result.value.map((record) => ({ ...record, headers: { ...record.headers, ...lineage(flow) } })) };
    return { records: [await persistently(() => deadLetterRecord(flow, result.code, result.reason, result.retriable))], deadLetter: result.code };
  };

  /** Writes the outputs of these inputs, then acknowledges the inputs: in one transaction if there is a transactional writer. */
  const commit = async (flows: readonly Flow<readonly OutgoingRecord[]>[], records: readonly OutgoingRecord[]) => {
    const origins = flows.map((flow) => flow.origin);
    const { transactional } = ports;
    if (transactional) {
      await persistently(() => ports.source.acknowledge(origins, (offsets) => transactional.sendAndCommit(records, ports.source.groupId, offsets)));
    } else {
      await persistently(() => ports.writer.send(records));
      await ports.source.acknowledge(origins);
    }
  };

  /** After the broker refused a batch: each input alone, and what it refuses goes to the dead-letter topic. */
  const commitOneByOne = async (batch: readonly Flow<readonly OutgoingRecord[]>[], outputs: Output[]) => {
    for (const [i, flow] of batch.entries()) {
      try {
        await commit([flow], outputs[i]!.records);
      } catch (error) {
        if (!(error instanceof SpamstreamError) || error.code !== 'BROKER_REJECTED' || outputs[i]!.deadLetter === 'BROKER_REJECTED') throw error;
        const letter = await persistently(() => deadLetterRecord(flow, 'BROKER_REJECTED', error.message, false));
        await commit([flow], [letter]);
        outputs[i] = { records: [letter], deadLetter: 'BROKER_REJECTED' };
      }
    }
  };

  return (flows: Observable<Flow<readonly OutgoingRecord[]>>) =>
    flows.pipe(
      batchWhileBusy(async (batch: readonly Flow<readonly OutgoingRecord[]>[]) => {
        const outputs = await Promise.all(batch.map(recordsOf));
        try {
          await commit(batch, outputs.flatMap((o) => o.records));
        } catch (error) {
          if (!(error instanceof SpamstreamError) || error.code !== 'BROKER_REJECTED') throw error;
          await commitOneByOne(batch, outputs);
        }
        let records = 0;
        let deadLetters = 0;
        for (const output of outputs) {
          ports.metrics?.processed.inc({ processor: settings.processor, outcome: output.deadLetter ? 'dead_letter' : 'ok' });
          if (output.deadLetter) {
            deadLetters += 1;
            ports.metrics?.deadLetters.inc({ processor: settings.processor, code: output.deadLetter });
          } else {
            records += output.records.length;
          }
        }
        return { records, deadLetters, origins: batch.map((flow) => flow.origin) };
      }, { maxSize: settings.batchSize, lingerMs: settings.waitMs }),
    );
}
