// RecordWriter over an idempotent kafkajs producer (contract: connectors/kafka.ts).
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { SpamstreamError } from '../../core/errors.ts';
import type { OutgoingRecord, RecordWriter } from '../kafka.ts';

export function createKafkaWriter(kafka: Kafka): RecordWriter {
  const producer: Producer = kafka.producer({
    idempotent: true,
    // The Java client's partitioner: the same key lands on the same partition from any client.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected: Promise<void> | undefined;
  let pending = 0;
  let idle: (() => void) | undefined;

  return {
    async send(records) {
      if (records.length === 0) return;
      pending += 1;
      try {
        await (connected ??= producer.connect());
        await producer.sendBatch({ acks: -1, topicMessages: byTopic(records) });
      } catch (error) {
        // kafkajs marks what may succeed on a retry (leader moved, broker down); anything else is
        // the broker refusing these records, which retrying would never change.
        const retriable = (error as { retriable?: boolean }).retriable !== false;
        const code = retriable ? 'BROKER_UNAVAILABLE' : 'BROKER_REJECTED';
        throw new SpamstreamError(code, `Kafka ${retriable ? 'did not acknowledge' : 'refused'} ${records.length} record(s): ${(error as Error).message}`, { cause: error });
      } finally {
        pending -= 1;
        if (pending === 0) idle?.();
      }
    },
    async close() {
      if (pending > 0) await new Promise<void>((resolve) => (idle = resolve));
      if (connected) await producer.disconnect();
    },
  };
}

export function byTopic(records: readonly OutgoingRecord[]): { topic: string; messages: Message[] }[] {
  const topics = new Map<string, Message[]>();
  for (const record of records) {
    const messages = topics.get(record.topic) ?? [];
    messages.push({
      key: record.key,
      value: record.value,
      headers: record.headers ? { ...record.headers } : undefined,
      timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
    });
    topics.set(record.topic, messages);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
