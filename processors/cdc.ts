// The cdc processor: the inbox table's change events (Debezium, flattened to the row) become messages
// and users' labels.
//   sms.cdc.inbox ─► parse JSON ─► classify ─► check ─► dedupe ─► encode ─► sms.raw, sms.labels
// Snapshot reads and inserts are new messages; an update that changed sms_text is a new raw event
// (scored again, at the time of the edit). A row's user_label, when an insert or read carries one or
// an update set it, is a label. Other updates and deletes are skipped and counted.
// Debezium is at-least-once: what it re-sends after a restart is recognised and skipped (dedupe).
import { createHash } from 'node:crypto';
import { type OperatorFunction, concatMap } from 'rxjs';
import { type Envelope, withValue } from '../core/envelope.ts';
import type { Metrics } from '../core/metrics.ts';
import { type Failure, type Result, fail, ok } from '../core/result.ts';
import { checkLabel, checkSmsId } from '../core/message-rules.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { SmsLabel, SmsRaw } from '../schemas/index.ts';
import { checkMessage } from './features.ts';
import {
  type Flow,
  type RecordProcessor,
  type RetryPolicy,
  type SinkRecord,
  mapOk,
  mapOkAsync,
  namedPipe,
  outputRecord,
  step,
} from './flow.ts';

/** Header ExtractChangedRecordState sets on updates: the columns whose value changed. */
export const CHANGED_HEADER = 'spamstream-changed';
/** Header of each output: the PostgreSQL LSN of the change, for consumers that dedupe. */
export const LSN_HEADER = 'spamstream-cdc-lsn';

/** One change event as ExtractNewRecordState writes it (add.fields=op,lsn,source.ts_ms; deletes rewritten). */
export interface ChangeEvent {
  readonly op: 'c' | 'r' | 'u' | 'd';
  readonly lsn: number;
  readonly sourceTsMs: number;
  readonly deleted: boolean;
  /** Columns whose value changed (updates only; needs REPLICA IDENTITY FULL for the old row). */
  readonly changed: readonly string[] | undefined;
  readonly raw: SmsRaw;
  /** The row's user_label: null when NULL, or from a table (or an event) without the column. */
  readonly userLabel: string | null;
}

export type SkipReason = 'update_without_text_change' | 'label_cleared' | 'delete' | 'duplicate' | 'tombstone';

/**
 * What a change carries on: its message (a new or edited text), its label (the row's user_label,
 * new or changed), or both. A label that is neither spam nor ham travels as its failure, to become
 * a dead letter of the change while its message goes on.
 */
interface Carried {
  readonly kind: 'carried';
  readonly event: ChangeEvent;
  readonly message: boolean;
  readonly label?: Result<SmsLabel>;
}
type Change = Carried | { readonly kind: 'skip'; readonly reason: SkipReason };

export interface CdcPorts {
  readonly codec: RecordCodec;
  readonly metrics?: Metrics;
}

export interface CdcSettings {
  readonly rawTopic: string;
  readonly labelsTopic: string;
  readonly maxTextBytes: number;
  readonly policy: RetryPolicy;
  /** Messages whose last LSN is remembered for dedupe (oldest forgotten first). */
  readonly dedupeCapacity?: number;
}

export function cdcProcessor(ports: CdcPorts, settings: CdcSettings): RecordProcessor {
  const skipped = (reason: SkipReason) => ports.metrics?.cdcSkipped.inc({ reason });
  return namedPipe(
    step('parse Debezium change event (JSON)', parseChangeEvents()),
    step('classify: insert, read, text update → message; user_label set → label; else skipped', mapOk(classify)),
    step(
      'check id, text and label',
      mapOk(
        (change: Change): Result<Change> =>
          change.kind === 'carried' ? checkChange(change, settings.maxTextBytes) : ok(change),
      ),
    ),
    step('skip re-deliveries (LSN not newer than the last seen)', dropRedeliveries(settings.dedupeCapacity ?? 100_000)),
    step(
      'encode SmsRaw (source cdc)',
      mapOkAsync(async (change, record) => {
        if (change.kind === 'skip') {
          skipped(change.reason);
          return { change, records: [] };
        }
        const { raw, lsn } = change.event;
        if (!change.message) return { change, records: [] };
        const message = await outputRecord(ports.codec, settings.rawTopic, raw.sms_id, raw, record);
        return { change, records: [{ ...message, headers: { [LSN_HEADER]: String(lsn) } }] };
        // mapOkAsync keeps arrival order: the changes of one message reach sms.raw in the order they happened.
      }, settings.policy),
      { topic: settings.rawTopic },
    ),
    step(
      'encode SmsLabel (source cdc); a label neither spam nor ham becomes a dead letter',
      mapOkAsync(async ({ change, records }, record): Promise<readonly SinkRecord[]> => {
        if (change.kind === 'skip' || change.label === undefined) return records;
        const { label } = change;
        if (!label.ok) return [...records, { deadLetter: label }];
        const given = await outputRecord(ports.codec, settings.labelsTopic, label.value.sms_id, label.value, record);
        return [...records, { ...given, headers: { [LSN_HEADER]: String(change.event.lsn) } }];
      }, settings.policy),
      { topic: settings.labelsTopic },
    ),
  );
}

/** JSON bytes to a change event; anything else is a dead letter with the field at fault. */
function parseChangeEvents(): OperatorFunction<Envelope<Buffer | null>, Flow<ChangeEvent | null>> {
  return concatMap(async (record) => {
    const input = record.value;
    const result: Result<ChangeEvent | null> = input === null ? ok(null) : parseChangeEvent(input, record.headers);
    return withValue(record, { input, result });
  });
}

const OPS = new Set(['c', 'r', 'u', 'd']);

export function parseChangeEvent(bytes: Buffer, headers: Readonly<Record<string, string>>): Result<ChangeEvent> {
  let row: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return fail('DECODE_FAILED', 'the change event is not a JSON object');
    row = parsed as Record<string, unknown>;
  } catch (error) {
    return fail('DECODE_FAILED', `the change event is not JSON: ${(error as Error).message}`);
  }
  for (const field of ['user_id', 'sms_id', 'sender_id', 'sms_text', 'received_at', '__op', '__lsn']) {
    if (row[field] === undefined || row[field] === null)
      return fail('MISSING_FIELD', `the change event has no ${field}`);
  }
  const strings = ['user_id', 'sms_id', 'sender_id', 'sms_text', 'received_at'].find(
    (field) => typeof row[field] !== 'string',
  );
  if (strings) return fail('INVALID_FIELD', `${strings} must be a string, got ${JSON.stringify(row[strings])}`);
  if (!OPS.has(row.__op as string))
    return fail('INVALID_FIELD', `__op ${JSON.stringify(row.__op)} is not one of c, r, u, d`);
  if (typeof row.__lsn !== 'number' || !Number.isSafeInteger(row.__lsn))
    return fail('INVALID_FIELD', `__lsn ${JSON.stringify(row.__lsn)} is not a whole number`);
  const receivedAt = parseTimestamp(row.received_at as string);
  if (receivedAt === undefined)
    return fail('INVALID_FIELD', `received_at ${JSON.stringify(row.received_at)} is not an ISO-8601 time`);
  const sourceTsMs = typeof row.__source_ts_ms === 'number' ? row.__source_ts_ms : 0;
  // Tables from before labels have no user_label column; NULL is no label.
  const userLabel = row.user_label ?? null;
  if (userLabel !== null && typeof userLabel !== 'string')
    return fail('INVALID_FIELD', `user_label must be a string, got ${JSON.stringify(userLabel)}`);
  // An edited text is a new event at the time of the edit: the online store keeps the newest event
  // time per message, so the re-scored values must not carry the original, older time.
  const eventTime = row.__op === 'u' ? Math.max(receivedAt, sourceTsMs) : receivedAt;
  return ok({
    op: row.__op as ChangeEvent['op'],
    lsn: row.__lsn,
    sourceTsMs,
    deleted: row.__deleted === 'true' || row.__deleted === true,
    changed: changedColumns(headers[CHANGED_HEADER]),
    raw: {
      sms_id: row.sms_id as string,
      sender: row.sender_id as string,
      recipient: row.user_id as string,
      text: row.sms_text as string,
      received_at: eventTime,
      source: 'cdc',
    },
    userLabel,
  });
}

/** Debezium writes timestamptz as ISO-8601 with up to nanoseconds; keep milliseconds. */
function parseTimestamp(text: string): number | undefined {
  const trimmed = text.replace(/(\.\d{3})\d+/, '$1');
  const ms = /^\d{4}-\d\d-\d\dT/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** The header is Connect's text form of a list of strings: `[a, b]` (or JSON); undefined when absent. */
export function changedColumns(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  return header
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((name) => name.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
}

function classify(event: ChangeEvent | null): Result<Change> {
  if (event === null) return ok({ kind: 'skip', reason: 'tombstone' });
  if (event.op === 'd' || event.deleted) return ok({ kind: 'skip', reason: 'delete' });
  const fresh = event.op === 'c' || event.op === 'r';
  // Without the old row (REPLICA IDENTITY not FULL) the change cannot be seen: take both, to be safe
  // (the same message scored again and the same label again change nothing downstream).
  const changed = (column: string) => fresh || event.changed === undefined || event.changed.includes(column);
  const message = changed('sms_text');
  const label = changed('user_label') && event.userLabel !== null ? labelOf(event) : undefined;
  if (message || label) return ok({ kind: 'carried', event, message, label });
  return ok({ kind: 'skip', reason: changed('user_label') ? 'label_cleared' : 'update_without_text_change' });
}

/**
 * The row's label as given when the change was committed. A snapshot read does not know when, so it
 * is dated when the message was received: a read sent again never outdates a label given since.
 */
function labelOf(event: ChangeEvent): Result<SmsLabel> {
  const label = checkLabel(event.userLabel, `user_label of ${event.raw.sms_id}`);
  if (!label.ok) return label;
  const given = event.op === 'r' || event.sourceTsMs <= 0 ? event.raw.received_at : event.sourceTsMs;
  return ok({ sms_id: event.raw.sms_id, label: label.value, labelled_at: given, source: 'cdc' });
}

/** The message rules, when the change carries its message; a bad label fails the change only when it carries nothing else. */
function checkChange(change: Carried, maxTextBytes: number): Result<Change> {
  if (change.message) {
    const checked = checkMessage(change.event.raw, maxTextBytes);
    return checked.ok ? ok(change) : checked;
  }
  const id = checkSmsId(change.event.raw.sms_id);
  if (!id.ok) return id;
  return change.label && !change.label.ok ? (change.label as Failure) : ok(change);
}

/**
 * Skips re-deliveries. Debezium resumes from its last flushed offset after Connect stops, so it
 * re-sends changes (same LSN), or, if it had flushed none yet, snapshots the table again: reads of
 * rows already streamed, at a newer LSN. So a change whose LSN is not newer than the last one seen
 * for its message is a duplicate, and so is what a snapshot read carries that was seen last: the
 * same text (a hash of it), the same label. Events of one message share a partition (keyed by
 * sms_id), so one instance sees them in order. Memory is bounded by `capacity` messages (the
 * oldest are forgotten first).
 */
function dropRedeliveries(capacity: number): OperatorFunction<Flow<Change>, Flow<Change>> {
  const seen = new Map<string, { readonly lsn: number; readonly text: string; readonly label: string | null }>();
  return mapOk((change: Change): Result<Change> => {
    if (change.kind === 'skip') return ok(change);
    const { raw, lsn, op, userLabel } = change.event;
    const text = createHash('sha256').update(raw.text).digest('base64').slice(0, 22);
    const last = seen.get(raw.sms_id);
    const resent = last !== undefined && lsn <= last.lsn;
    const reread = last !== undefined && op === 'r';
    const message = change.message && !resent && !(reread && text === last.text);
    const label =
      change.label !== undefined && !resent && !(reread && userLabel === last.label) ? change.label : undefined;
    if (!message && label === undefined) return ok({ kind: 'skip', reason: 'duplicate' });
    seen.delete(raw.sms_id);
    seen.set(raw.sms_id, { lsn, text, label: userLabel });
    if (seen.size > capacity) seen.delete(seen.keys().next().value!);
    return ok({ ...change, message, label });
  });
}
