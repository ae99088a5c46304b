// The sink end of every processor: successful records go to their topics, failed ones to the
// dead-letter topic with their code, reason and original bytes; only after Kafka acknowledged the
// whole micro-batch are the source records acknowledged, which lets the source commit them.
import { type Observable, type OperatorFunction, bufferTime, concatMap, filter } from 'rxjs';
import type { Metrics } from '../core/metrics.ts';
import type { Origin } from '../core/envelope.ts';
import type { DeadLetter } from '../schemas/index.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { OutgoingRecord, RecordSource, RecordWriter } from '../connectors/kafka.ts';
import { type Flow, type RetryPolicy, withRetry } from './flow.ts';

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
    return { topic: settings.dlqTopic, key: flow.key, value, headers: { 'spamstream-error-code': code } };
  };

  // Delivery never gives up: a record that cannot be written stays unacknowledged (and so
  // uncommitted) until Kafka or the registry answers again.
  const persistently = async <T>(step: () => Promise<T>): Promise<T> => {
    for (;;) {
      const result = await withRetry(step, settings.policy);
      if (result.ok) return result.value;
      if (!result.retriable) throw new Error(`${result.code}: ${result.reason}`);
    }
  };

  return (flows: Observable<Flow<readonly OutgoingRecord[]>>) =>
    flows.pipe(
      bufferTime(settings.waitMs, null, settings.batchSize),
      filter((batch) => batch.length > 0),
      concatMap(async (batch) => {
        const outgoing: OutgoingRecord[] = [];
        let deadLetters = 0;
        for (const flow of batch) {
          const { result } = flow.value;
          if (result.ok) {
            outgoing.push(...result.value);
            ports.metrics?.processed.inc({ processor: settings.processor, outcome: 'ok' });
          } else {
            outgoing.push(await persistently(() => deadLetterRecord(flow, result.code, result.reason, result.retriable)));
            deadLetters += 1;
            ports.metrics?.processed.inc({ processor: settings.processor, outcome: 'dead_letter' });
            ports.metrics?.deadLetters.inc({ processor: settings.processor, code: result.code });
          }
        }
        await persistently(() => ports.writer.send(outgoing));
        const origins = batch.map((flow) => flow.origin);
        ports.source.acknowledge(origins);
        return { records: outgoing.length - deadLetters, deadLetters, origins };
      }),
    );
}
