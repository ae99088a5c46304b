// RecordWriter over an idempotent kafkajs producer (contract: connectors/kafka.ts).
import type { Kafka, Producer } from 'kafkajs';
import type { RecordWriter } from '../kafka.ts';
import { type CompressionOf, uncompressed } from './compression.ts';
import { DEFAULT_MAX_BATCH_BYTES, chunked, produceBatches, produceError, settleWithin } from './produce.ts';
import { javaCompatiblePartitioner } from './partitioner.ts';

export interface KafkaWriterOptions {
  readonly maxBatchBytes?: number;
  /** Default: nothing compressed. */
  readonly compressionOf?: CompressionOf;
}

interface Connection {
  readonly producer: Producer;
  readonly connected: Promise<void>;
}

export function createKafkaWriter(kafka: Kafka, options: KafkaWriterOptions = {}): RecordWriter {
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  const compressionOf = options.compressionOf ?? uncompressed;
  let current: Connection | undefined;
  let pending = 0;
  let idle: (() => void) | undefined;

  const open = (): Connection => {
    if (current) return current;
    const producer = kafka.producer({
      idempotent: true,
      // The Java client's partitioner: the same key lands on the same partition from any client.
      createPartitioner: javaCompatiblePartitioner,
    });
    const connected = producer.connect();
    connected.catch(() => undefined); // observed by the send that awaits it
    return (current = { producer, connected });
  };

  // kafkajs rolls back the sequence numbers of every partition of a failed request, including those
  // the broker appended: the next write would reuse them and be dropped as a duplicate. So a failed
  // send retires its producer (a failed connect too: it is tried afresh next time).
  const retire = async (connection: Connection) => {
    if (current === connection) current = undefined;
    await settleWithin(5_000, connection.producer.disconnect());
  };

  return {
    async send(records) {
      if (records.length === 0) return;
      pending += 1;
      const connection = open();
      try {
        await connection.connected;
        for (const chunk of chunked(records, maxBatchBytes))
          for (const batch of produceBatches(chunk, compressionOf))
            await connection.producer.sendBatch({ acks: -1, ...batch });
      } catch (error) {
        await retire(connection);
        throw produceError(error, `writing ${records.length} record(s)`);
      } finally {
        pending -= 1;
        if (pending === 0) idle?.();
      }
    },
    async close() {
      if (pending > 0) await new Promise<void>((resolve) => (idle = resolve));
      if (current) await retire(current);
    },
  };
}
