// Where a replay starts and stops, and where `reset` moves a group: offsets per partition from
// `earliest`, `latest`, an ISO time (the first record at or after it, by record timestamp) or an
// explicit `partition:offset,…` list.
import type { Kafka } from 'kafkajs';
import { offsetsAtTime, topicOffsets } from '../connectors/kafka/admin.ts';

/** `earliest`, `latest`, an ISO time, or (for a start only) `partition:offset,…`. */
export type OffsetSpec = string;

export type Parsed =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'time'; readonly timestamp: number }
  | { readonly kind: 'offsets'; readonly offsets: ReadonlyMap<number, bigint> };

/** Parses a spec; throws an Error saying what is accepted. */
export function parseOffsetSpec(spec: OffsetSpec, allowOffsets = true): Parsed {
  if (spec === 'earliest') return { kind: 'earliest' };
  if (spec === 'latest') return { kind: 'latest' };
  if (/^\d+:\d+(,\d+:\d+)*$/.test(spec)) {
    if (!allowOffsets) throw new Error(`${spec}: partition:offset lists are only accepted by --from`);
    return {
      kind: 'offsets',
      offsets: new Map(
        spec
          .split(',')
          .map((pair) => pair.split(':'))
          .map(([p, o]) => [Number(p), BigInt(o!)]),
      ),
    };
  }
  // An ISO 8601 date or date-time; a bare number is not taken as a time.
  const timestamp = /^\d{4}-\d{2}-\d{2}/.test(spec) ? Date.parse(spec) : Number.NaN;
  if (Number.isNaN(timestamp)) {
    throw new Error(
      `${spec}: expected earliest, latest, an ISO time (2025-06-01T12:00:00Z)${allowOffsets ? ' or partition:offset,…' : ''}`,
    );
  }
  return { kind: 'time', timestamp };
}

/**
 * Offsets of every partition of `topic` for a spec. Explicit offsets are clamped to what the
 * partition holds; partitions they leave out get `unlisted` (their end: not read).
 */
export async function resolveOffsets(kafka: Kafka, topic: string, spec: Parsed): Promise<Map<number, bigint>> {
  const bounds = await topicOffsets(kafka, topic);
  if (spec.kind === 'earliest') return new Map(bounds.map((b) => [b.partition, b.low]));
  if (spec.kind === 'latest') return new Map(bounds.map((b) => [b.partition, b.high]));
  if (spec.kind === 'time') {
    const at = await offsetsAtTime(kafka, topic, spec.timestamp);
    return new Map(bounds.map((b) => [b.partition, at.get(b.partition) ?? b.high]));
  }
  const unknown = [...spec.offsets.keys()].filter((p) => !bounds.some((b) => b.partition === p));
  if (unknown.length > 0) throw new Error(`${topic} has no partition ${unknown.join(', ')} (it has ${bounds.length})`);
  const clamp = (offset: bigint, low: bigint, high: bigint) => (offset < low ? low : offset > high ? high : offset);
  return new Map(
    bounds.map((b) => [
      b.partition,
      spec.offsets.has(b.partition) ? clamp(spec.offsets.get(b.partition)!, b.low, b.high) : b.high,
    ]),
  );
}
