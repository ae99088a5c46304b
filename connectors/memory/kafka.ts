// An in-memory Kafka for unit tests: topics of partitioned logs, consumer groups with committed
// offsets, and the RecordSource/RecordWriter contract of connectors/kafka.ts (one consumer per
// group: there are no rebalances in memory).
import { Observable } from 'rxjs';
import { type Envelope, envelope } from '../../core/envelope.ts';
import { SpamstreamError } from '../../core/errors.ts';
import type { CommitOffset, OutgoingRecord, RecordSource, RecordWriter, TransactionalWriter } from '../kafka.ts';
import { InFlight } from '../kafka/in-flight.ts';

export interface StoredRecord {
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
  readonly partition: number;
  readonly offset: number;
}

export interface MemorySourceOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly maxInFlight: number;
  /** How long `close` waits for emitted records to be acknowledged. */
  readonly closeTimeoutMs?: number;
  /** Bounded: records at or past these offsets are not emitted; the stream completes once all are committed. */
  readonly endOffsets?: readonly CommitOffset[];
  /** Exactly-once: called before a partition's first record is read; reading starts at the offset it answers. */
  readonly claim?: TransactionalWriter['claim'];
}

export interface MemoryKafka {
  createTopic(name: string, partitions: number): void;
  writer(): RecordWriter;
  source(options: MemorySourceOptions): RecordSource;
  /** Records and offsets land together, in one synchronous step; a claim fences earlier writers (the same contract as the broker's, transactional-writer.contract.ts). */
  transactionalWriter(groupId?: string): TransactionalWriter;
  /** Every record of a topic, partition by partition. */
  records(topic: string): readonly StoredRecord[];
  committed(groupId: string, topic: string, partition: number): number | undefined;
}

/** The largest record value the in-memory broker takes: Kafka's default `message.max.bytes`, about 1 MiB. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export function createMemoryKafka(): MemoryKafka {
  const topics = new Map<string, StoredRecord[][]>();
  const commits = new Map<string, number>();
  /** Per group, topic and partition: how many claims it has seen; only the latest claimant may commit. */
  const epochs = new Map<string, number>();
  const listeners = new Set<() => void>();
  const log = (topic: string) => {
    const partitions = topics.get(topic);
    if (!partitions) throw new Error(`unknown topic ${topic}`);
    return partitions;
  };

  return {
    createTopic(name, partitions) {
      if (!topics.has(name))
        topics.set(
          name,
          Array.from({ length: partitions }, () => []),
        );
    },
    writer() {
      return {
        async send(records: readonly OutgoingRecord[]) {
          for (const record of records) {
            const partitions = log(record.topic);
            const partition = record.key === null ? 0 : hash(record.key) % partitions.length;
            const entries = partitions[partition]!;
            entries.push({
              key: record.key,
              value: record.value,
              headers: { ...record.headers },
              timestamp: record.timestamp ?? Date.now(),
              partition,
              offset: entries.length,
            });
          }
          for (const wake of listeners) wake();
        },
        async close() {},
      };
    },
    transactionalWriter(groupId = 'memory') {
      const writer = this.writer();
      /** This writer's claims: the epoch it claimed at and the offset it knows committed. */
      const claims = new Map<string, { epoch: number; committed: number | undefined }>();
      return {
        async claim(input) {
          const key = `${groupId}|${input.topic}|${input.partition}`;
          // A claim bumps the partition's epoch, as InitProducerId bumps the transactional id's.
          const epoch = (epochs.get(key) ?? 0) + 1;
          epochs.set(key, epoch);
          const committed = commits.get(key);
          claims.set(key, { epoch, committed });
          return committed === undefined ? undefined : String(committed);
        },
        async sendAndCommit(input, records, offset) {
          const key = `${groupId}|${input.topic}|${input.partition}`;
          const claim = claims.get(key);
          if (!claim)
            throw new SpamstreamError('REVOKED', `${input.topic}.${input.partition} is not claimed by this writer`);
          if (epochs.get(key) !== claim.epoch) {
            claims.delete(key);
            throw new SpamstreamError('REVOKED', `${input.topic}.${input.partition} was claimed by another writer`);
          }
          if (claim.committed !== undefined && Number(offset) <= claim.committed)
            throw new SpamstreamError(
              'REVOKED',
              `${input.topic}.${input.partition} is committed to ${claim.committed} already`,
            );
          // Checked before anything is written, then written in one synchronous step: all or nothing.
          const refused = records.find((r) => !topics.has(r.topic) || r.value.length > MAX_RECORD_BYTES);
          if (refused)
            throw new SpamstreamError(
              'BROKER_REJECTED',
              `a record for ${refused.topic} was refused (unknown topic or too large)`,
            );
          await writer.send(records);
          commits.set(key, Number(offset));
          claim.committed = Number(offset);
        },
        async close() {},
      };
    },
    source(options) {
      const inFlight = new InFlight(options.maxInFlight);
      const commitKey = (topic: string, partition: number) => `${options.groupId}|${topic}|${partition}`;
      const commit = () => {
        for (const topic of options.topics) {
          log(topic).forEach((_, partition) => {
            const offset = inFlight.committable({ topic, partition });
            if (offset === undefined) return;
            commits.set(commitKey(topic, partition), Number(offset));
            inFlight.committed({ topic, partition }, offset);
          });
        }
      };
      let closing = false;
      let member = false;
      let finish: (() => void) | undefined;
      const end = (topic: string, partition: number) =>
        options.endOffsets?.find((o) => o.topic === topic && o.partition === partition)?.offset;
      /** Bounded: completes once every listed partition is committed up to its end. */
      const checkEnd = () => {
        if (!options.endOffsets || closing) return;
        const reached = options.endOffsets.every(
          (o) => Number(o.offset) === 0 || (commits.get(commitKey(o.topic, o.partition)) ?? -1) >= Number(o.offset),
        );
        if (!reached) return;
        closing = true;
        finish?.();
      };
      const records = new Observable<Envelope<Buffer | null>>((subscriber) => {
        finish = () => subscriber.complete();
        member = true; // one consumer per group: subscribing is joining
        const positions = new Map<string, number>();
        const pump = async () => {
          while (!closing) {
            let emitted = false;
            for (const topic of options.topics) {
              for (const [partition, entries] of log(topic).entries()) {
                if (options.claim && !positions.has(commitKey(topic, partition))) {
                  const claimed = await options.claim({ topic, partition });
                  positions.set(commitKey(topic, partition), claimed === undefined ? 0 : Number(claimed));
                }
                const at = positions.get(commitKey(topic, partition)) ?? commits.get(commitKey(topic, partition)) ?? 0;
                const entry = entries[at];
                const stop = end(topic, partition);
                if (!entry || closing || (stop !== undefined && at >= Number(stop))) continue;
                await inFlight.reserve();
                const origin = inFlight.emitted({ topic, partition, offset: String(at) });
                positions.set(commitKey(topic, partition), at + 1);
                subscriber.next(
                  envelope({
                    key: entry.key,
                    value: entry.value,
                    headers: entry.headers,
                    timestamp: entry.timestamp,
                    origin,
                  }),
                );
                emitted = true;
              }
            }
            if (!emitted)
              await new Promise<void>((resolve) => {
                const wake = () => {
                  listeners.delete(wake);
                  resolve();
                };
                listeners.add(wake);
                setTimeout(wake, 20);
              });
          }
        };
        pump().catch((error: unknown) => subscriber.error(error));
        checkEnd();
      });
      return {
        records,
        groupId: options.groupId,
        joined: () => member && !closing,
        async acknowledge(origins, commitWith) {
          if (commitWith) await inFlight.finishInTransaction(origins, commitWith);
          else {
            inFlight.done(origins);
            commit();
          }
          checkEnd();
        },
        async close() {
          closing = true;
          const drained = Promise.all(inFlight.partitions().map((tp) => inFlight.drained(tp)));
          await Promise.race([
            drained,
            new Promise((resolve) => setTimeout(resolve, options.closeTimeoutMs ?? 30_000).unref()),
          ]);
          commit();
          finish?.();
        },
      };
    },
    records: (topic) => log(topic).flat(),
    committed: (groupId, topic, partition) => commits.get(`${groupId}|${topic}|${partition}`),
  };
}

function hash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i += 1) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
  return h;
}
