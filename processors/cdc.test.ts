import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { envelope } from '../core/envelope.ts';
import { createMetrics } from '../core/metrics.ts';
import type { OutgoingRecord } from '../connectors/kafka.ts';
import type { SmsLabel, SmsRaw } from '../schemas/index.ts';
import { isDeadPart } from './flow.ts';
import { CHANGED_HEADER, LSN_HEADER, cdcProcessor, changedColumns } from './cdc.ts';
import { TOPICS, all, collect, memoryPipeline } from '../testkit/memory-pipeline.ts';

interface Captured {
  key: string;
  headers: Record<string, string>;
  value: Record<string, unknown>;
}
const FIXTURES = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'cdc-events.json'), 'utf8')) as Record<
  string,
  Captured
>;
const event = (name: string) => FIXTURES[name]!;

function setup() {
  const pipeline = memoryPipeline();
  const metrics = createMetrics({ defaultMetrics: false });
  const run = (
    events: readonly (Captured | { key: string; headers: Record<string, string>; value: Buffer | null })[],
  ) => {
    const records = events.map((e, i) =>
      envelope({
        key: e.key,
        value: e.value === null || Buffer.isBuffer(e.value) ? e.value : Buffer.from(JSON.stringify(e.value)),
        headers: e.headers,
        timestamp: 5,
        origin: { topic: 'sms.cdc.inbox', partition: 0, offset: String(i) },
      }),
    );
    const processor = cdcProcessor(
      { codec: pipeline.codec, metrics },
      { rawTopic: TOPICS.raw, labelsTopic: TOPICS.labels, maxTextBytes: 64, policy: { backoffMs: 1 } },
    );
    return collect(from(records).pipe(processor, all()));
  };
  const skipped = async () =>
    Object.fromEntries((await metrics.cdcSkipped.get()).values.map((v) => [v.labels.reason, v.value]));
  return { ...pipeline, run, skipped };
}

describe('cdc processor (change events captured from the running connector)', () => {
  it('turns an insert into an SmsRaw on sms.raw keyed by sms_id, source cdc, received_at from the row', async () => {
    const { run, codec } = setup();
    const [flow] = await run([event('insert-ham')]);
    expect(flow!.value.result.ok).toBe(true);
    const [record] = (flow!.value.result.ok ? flow!.value.result.value : []) as OutgoingRecord[];
    const row = event('insert-ham').value;
    expect(record).toMatchObject({
      topic: TOPICS.raw,
      key: row.sms_id,
      timestamp: 5,
      headers: { [LSN_HEADER]: String(row.__lsn) },
    });
    expect(await codec.decode<SmsRaw>(record!.value)).toEqual({
      sms_id: row.sms_id,
      sender: row.sender_id,
      recipient: row.user_id,
      text: row.sms_text,
      received_at: Date.parse('2026-11-30T17:33:27.436Z'),
      source: 'cdc',
    });
  });

  it('re-scores an update that changed sms_text; skips one that did not, and deletes, counting them', async () => {
    const { run, skipped, codec } = setup();
    const flows = await run([event('insert'), event('update-text'), event('update-sender'), event('delete')]);
    const outputs = flows.map((f) => (f.value.result.ok ? f.value.result.value.length : 'failed'));
    expect(outputs).toEqual([1, 1, 0, 0]);
    // The edit is a new event at the time of the edit, so the online store keeps its values.
    const edited = await codec.decode<SmsRaw>(
      (flows[1]!.value.result as { value: readonly { value: Buffer }[] }).value[0]!.value,
    );
    expect(edited.received_at).toBe(event('update-text').value.__source_ts_ms);
    expect(await skipped()).toEqual({ update_without_text_change: 1, delete: 1 });
  });

  it('dead-letters a row that breaks the message rules, with its code', async () => {
    const { run } = setup();
    const badId = { ...event('insert'), value: { ...event('insert').value, sms_id: 'has spaces' } };
    const long = {
      ...event('insert'),
      value: { ...event('insert').value, sms_id: 'long-1', sms_text: 'x'.repeat(65) },
    };
    const flows = await run([event('insert-empty-text'), badId, long]);
    expect(flows.map((f) => (f.value.result.ok ? 'ok' : f.value.result.code))).toEqual([
      'EMPTY_TEXT',
      'INVALID_FIELD',
      'TEXT_TOO_LONG',
    ]);
    expect(flows[0]!.value.input!.toString()).toContain('"sms_text":"   "');
  });

  it('dead-letters malformed change events: not JSON, a missing column, a bad time or op', async () => {
    const { run } = setup();
    const base = event('insert');
    const { sms_text: _dropped, ...noText } = base.value;
    const flows = await run([
      { key: 'k', headers: {}, value: Buffer.from('{not json') },
      { key: 'k', headers: {}, value: Buffer.from('[1,2]') },
      { ...base, value: noText },
      { ...base, value: { ...base.value, received_at: 'yesterday' } },
      { ...base, value: { ...base.value, __op: 't' } },
      { ...base, value: { ...base.value, user_id: 42 } },
    ]);
    expect(flows.map((f) => (f.value.result.ok ? 'ok' : f.value.result.code))).toEqual([
      'DECODE_FAILED',
      'DECODE_FAILED',
      'MISSING_FIELD',
      'INVALID_FIELD',
      'INVALID_FIELD',
      'INVALID_FIELD',
    ]);
  });

  it('skips a re-delivered change (LSN not newer than the last seen for the message) but not a later one', async () => {
    const { run, skipped } = setup();
    const flows = await run([
      event('insert'),
      event('insert'),
      event('update-text'),
      event('insert'),
      event('update-text'),
    ]);
    expect(flows.map((f) => (f.value.result.ok ? f.value.result.value.length : 'failed'))).toEqual([1, 0, 1, 0, 0]);
    expect(await skipped()).toEqual({ duplicate: 3 });
  });

  it('skips a snapshot re-read of a message already streamed with the same text, not one whose text differs', async () => {
    const { run, skipped } = setup();
    const insert = event('insert');
    const reread = { ...insert, value: { ...insert.value, __op: 'r', __lsn: (insert.value.__lsn as number) + 10_000 } };
    const edited = {
      ...reread,
      value: {
        ...reread.value,
        sms_text: 'edited while nobody watched',
        __lsn: (insert.value.__lsn as number) + 20_000,
      },
    };
    const flows = await run([insert, reread, edited]);
    expect(flows.map((f) => (f.value.result.ok ? f.value.result.value.length : 'failed'))).toEqual([1, 0, 1]);
    expect(await skipped()).toEqual({ duplicate: 1 });
  });

  describe('labels: the user_label column', () => {
    /** An event of the captured insert's message with user_label and, for an update, the changed columns. */
    const labelled = (op: string, userLabel: unknown, changed: string[] | undefined, lsnStep = 0) => {
      const insert = event('insert');
      const headers = { ...insert.headers };
      if (changed === undefined) delete headers[CHANGED_HEADER];
      else headers[CHANGED_HEADER] = JSON.stringify(changed);
      const lsn = (insert.value.__lsn as number) + lsnStep;
      return { ...insert, headers, value: { ...insert.value, __op: op, __lsn: lsn, user_label: userLabel } };
    };
    const kinds = (flows: Awaited<ReturnType<ReturnType<typeof setup>['run']>>) =>
      flows.map((f) =>
        f.value.result.ok
          ? f.value.result.value.map((r) => (isDeadPart(r) ? `dead:${r.deadLetter.code}` : r.topic)).join('+')
          : f.value.result.code,
      );

    it('an insert with a label is a message and a label, given when the row was committed', async () => {
      const { run, codec } = setup();
      const flows = await run([labelled('c', 'spam', [])]);
      expect(kinds(flows)).toEqual([`${TOPICS.raw}+${TOPICS.labels}`]);
      const label = (flows[0]!.value.result as { value: readonly OutgoingRecord[] }).value[1]!;
      expect(label).toMatchObject({ key: event('insert').value.sms_id, headers: { [LSN_HEADER]: expect.any(String) } });
      expect(await codec.decode<SmsLabel>(label.value)).toEqual({
        sms_id: event('insert').value.sms_id,
        label: 'spam',
        labelled_at: event('insert').value.__source_ts_ms,
        source: 'cdc',
      });
    });

    it('an update that set user_label is a label only, never a message; one that cleared it is skipped', async () => {
      const { run, skipped } = setup();
      const flows = await run([
        labelled('c', null, []),
        labelled('u', 'ham', ['user_label'], 1),
        labelled('u', 'spam', ['user_label'], 2),
        labelled('u', null, ['user_label'], 3),
        labelled('u', 'spam', ['sender_id'], 4),
      ]);
      expect(kinds(flows)).toEqual([TOPICS.raw, TOPICS.labels, TOPICS.labels, '', '']);
      expect(await skipped()).toEqual({ label_cleared: 1, update_without_text_change: 1 });
    });

    it('an update of text and label is both; without the changed columns, both are taken again', async () => {
      const { run } = setup();
      const flows = await run([labelled('u', 'ham', ['sms_text', 'user_label']), labelled('u', 'spam', undefined, 1)]);
      expect(kinds(flows)).toEqual([`${TOPICS.raw}+${TOPICS.labels}`, `${TOPICS.raw}+${TOPICS.labels}`]);
    });

    it('a label neither spam nor ham is a dead letter of the change; its message still goes on', async () => {
      const { run } = setup();
      const flows = await run([labelled('c', 'spma', []), labelled('u', 'SPAM', ['user_label'], 1)]);
      expect(kinds(flows)).toEqual([`${TOPICS.raw}+dead:INVALID_FIELD`, 'INVALID_FIELD']);
      const reason = flows[1]!.value.result.ok ? '' : flows[1]!.value.result.reason;
      expect(reason).toMatch(/user_label of .* "SPAM" is not spam or ham/);
    });

    it('a snapshot re-read sends again neither the same text nor the same label, and is dated when the message came', async () => {
      const { run, codec, skipped } = setup();
      const flows = await run([
        labelled('c', 'spam', []),
        labelled('r', 'spam', undefined, 10_000),
        labelled('r', 'ham', undefined, 20_000),
      ]);
      expect(kinds(flows)).toEqual([`${TOPICS.raw}+${TOPICS.labels}`, '', TOPICS.labels]);
      const reread = (flows[2]!.value.result as { value: readonly OutgoingRecord[] }).value[0]!;
      const given = await codec.decode<SmsLabel>(reread.value);
      expect(given.labelled_at).toBe(Date.parse('2026-11-30T17:35:46.259Z'));
      expect(await skipped()).toEqual({ duplicate: 1 });
    });

    it('a table without the column (rows from before labels) gives messages only', async () => {
      const { run } = setup();
      expect(kinds(await run([event('insert')]))).toEqual([TOPICS.raw]);
    });

    it('dead-letters a user_label that is not text', async () => {
      const { run } = setup();
      expect(kinds(await run([labelled('c', 7, [])]))).toEqual(['INVALID_FIELD']);
    });
  });

  it('reads the changed-columns header in the forms Connect writes', () => {
    expect(changedColumns(event('update-text').headers[CHANGED_HEADER])).toEqual(['sms_text']);
    expect(changedColumns('[sms_text, sender_id]')).toEqual(['sms_text', 'sender_id']);
    expect(changedColumns('[]')).toEqual([]);
    expect(changedColumns(undefined)).toBeUndefined();
  });
});
