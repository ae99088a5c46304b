// What both writers share: records as kafkajs messages, requests cut to the broker's batch limit,
// and kafkajs errors turned into catalogue codes.
import type { CompressionTypes, Message } from 'kafkajs';
import { SpamstreamError } from '../../core/errors.ts';
import type { OutgoingRecord } from '../kafka.ts';
import type { CompressionOf } from './compression.ts';

/**
 * Bytes of records per produce request. The broker refuses a partition's record batch above the
 * topic's `max.message.bytes` (1 MiB by default), and one request may put all its records on one
 * partition (the dead-letter topic has one): so no request carries more than this.
 */
export const DEFAULT_MAX_BATCH_BYTES = 900_000;

// Per-record framing in a v2 record batch (lengths, attributes, deltas) is under 30 bytes; the
// rest is a generous margin.
const RECORD_OVERHEAD_BYTES = 64;

export function recordBytes(record: OutgoingRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + (record.key === null ? 0 : Buffer.byteLength(record.key)) + record.value.length;
  for (const [name, value] of Object.entries(record.headers ?? {}))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/** Consecutive slices of at most `maxBytes` each; a record larger than that travels alone. */
export function chunked(records: readonly OutgoingRecord[], maxBytes: number): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let size = 0;
  for (const record of records) {
    const bytes = recordBytes(record);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(record);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function message(record: OutgoingRecord): Message {
  return {
    key: record.key,
    value: record.value,
    headers: record.headers ? { ...record.headers } : undefined,
    timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
  };
}

export interface ProduceBatch {
  readonly compression: CompressionTypes;
  readonly topicMessages: { topic: string; messages: Message[] }[];
}

/**
 * A chunk's records as kafkajs sends: grouped by topic, in their order, and the topics grouped by
 * how they are compressed, since kafkajs compresses a whole request one way. Usually one batch.
 */
export function produceBatches(records: readonly OutgoingRecord[], compressionOf: CompressionOf): ProduceBatch[] {
  const topics = new Map<string, Message[]>();
  for (const record of records) {
    const messages = topics.get(record.topic);
    if (messages) messages.push(message(record));
    else topics.set(record.topic, [message(record)]);
  }
  const batches = new Map<CompressionTypes, ProduceBatch>();
  for (const [topic, messages] of topics) {
    const compression = compressionOf(topic);
    const batch = batches.get(compression) ?? { compression, topicMessages: [] };
    batch.topicMessages.push({ topic, messages });
    batches.set(compression, batch);
  }
  return [...batches.values()];
}

// The broker's answers that refuse the records themselves: sending them again changes nothing.
const REFUSALS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
  'CORRUPT_MESSAGE',
  'INVALID_REQUIRED_ACKS',
  'TOPIC_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'POLICY_VIOLATION',
]);
// The answers that mean a newer producer with the same transactional id exists.
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

/** Every kafkajs error type found in an error and its causes. */
export function errorTypes(error: unknown, seen = new Set<unknown>()): Set<string> {
  const types = new Set<string>();
  if (!error || typeof error !== 'object' || seen.has(error)) return types;
  seen.add(error);
  const { type, cause, originalError, errors } = error as {
    type?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
  };
  if (typeof type === 'string') types.add(type);
  for (const inner of [cause, originalError, ...(Array.isArray(errors) ? errors : [])])
    for (const t of errorTypes(inner, seen)) types.add(t);
  return types;
}

/**
 * The catalogue code of a failed produce: BROKER_REJECTED when the broker refused the records,
 * REVOKED when this producer was fenced, BROKER_UNAVAILABLE (retriable) for everything else — a
 * broker down, a request timed out, a producer in a state it cannot leave (it is replaced anyway).
 */
export function produceError(error: unknown, what: string): SpamstreamError {
  const types = [...errorTypes(error)];
  const message = error instanceof Error ? error.message : String(error);
  if (types.some((type) => FENCED.has(type)))
    return new SpamstreamError('REVOKED', `${what}: fenced by a newer producer (${message})`, { cause: error });
  if (types.some((type) => REFUSALS.has(type)))
    return new SpamstreamError('BROKER_REJECTED', `${what}: Kafka refused it (${message})`, { cause: error });
  return new SpamstreamError('BROKER_UNAVAILABLE', `${what}: ${message}`, { cause: error });
}

/** Resolves after `work` settles or `ms` pass, whichever is first: a disconnect must not hang a recovery. */
export async function settleWithin(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
