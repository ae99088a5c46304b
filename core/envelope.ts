// Every record travels in an immutable envelope. Processors read and replace `value`; they never
// touch `origin`, which the sink uses to commit the source offset after a successful write.
export interface Origin {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as the decimal string kafkajs gives. */
  readonly offset: string;
  /**
   * Which assignment of the partition the record was read under, when the source tracks it: an
   * acknowledgement from an assignment that has ended (a rebalance, a failed transaction) commits nothing.
   */
  readonly generation?: number;
}

export interface Envelope<V> {
  readonly key: string | null;
  readonly value: V;
  readonly headers: Readonly<Record<string, string>>;
  /** Record timestamp, epoch milliseconds. */
  readonly timestamp: number;
  readonly origin: Origin;
}

export function envelope<V>(fields: Envelope<V>): Envelope<V> {
  return Object.freeze({
    ...fields,
    headers: Object.freeze({ ...fields.headers }),
    origin: Object.freeze({ ...fields.origin }),
  });
}

/** The same envelope carrying a new value. */
export function withValue<A, B>(record: Envelope<A>, value: B): Envelope<B> {
  return Object.freeze({ ...record, value });
}
