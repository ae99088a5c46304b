// CDC end to end on the real stack: rows written to PostgreSQL with plain SQL come out as predictions.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableModels } from '../../connectors/model-runtime.ts';
import { applyInboxSchema } from '../../connectors/postgres/schema.ts';
import type { DeadLetter, SmsLabel, SmsPrediction } from '../../schemas/index.ts';
import { type RunningCdcPipeline, runningCdcPipeline } from '../../testkit/cdc-fixture.ts';
import { labelledMessages } from '../../testkit/pipeline-fixture.ts';

const ROWS = 500;

describe('cdc end to end', () => {
  let fixture: RunningCdcPipeline;
  const models = availableModels('models');

  beforeAll(async () => {
    fixture = await runningCdcPipeline(['cdc', 'features', 'scoring', 'edge']);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it(`turns ${ROWS} rows inserted with plain SQL into ${ROWS} × models predictions, each once`, async () => {
    const messages = await labelledMessages(fixture.run, ROWS);
    const started = Date.now();
    const values: string[] = [];
    const params: string[] = [];
    messages.forEach((m, i) => {
      values.push(`($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`);
      params.push(`user-${i % 7}`, m.sms_id, '+447700900000', m.text);
    });
    await fixture.sql.query(
      `INSERT INTO ${fixture.table} (user_id, sms_id, sender_id, sms_text) VALUES ${values.join(', ')}`,
      params,
    );

    const predictions = await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
      until: (r) => r.length >= ROWS * models.length,
    });
    const seconds = (Date.now() - started) / 1000;
    console.log(`[cdc] ${ROWS} rows × ${models.length} models scored in ${seconds.toFixed(1)} s from the INSERT`);
    const perPair = new Map<string, number>();
    for (const { value } of predictions)
      perPair.set(
        `${value.sms_id}|${value.model_version}`,
        (perPair.get(`${value.sms_id}|${value.model_version}`) ?? 0) + 1,
      );
    expect(perPair.size).toBe(ROWS * models.length);
    expect([...perPair.values()].every((n) => n === 1)).toBe(true);
    const byId = new Map(messages.map((m) => [m.sms_id, m.label]));
    const best = Math.max(
      ...models.map((version) => {
        const mine = predictions.filter((p) => p.value.model_version === version);
        return mine.filter((p) => p.value.label === byId.get(p.value.sms_id)).length / mine.length;
      }),
    );
    expect(best).toBeGreaterThan(0.9);

    if (process.env.CDC_CAPTURE) {
      const changes = await fixture.readChanges();
      writeFileSync(
        process.env.CDC_CAPTURE,
        JSON.stringify(
          changes.slice(0, 2).map((c) => ({ key: c.record.key, headers: c.record.headers, value: c.value })),
          null,
          2,
        ),
      );
    }
  });

  it("serves a user's messages from the table with their predictions, and is ready with PostgreSQL and the connector", async () => {
    const base = fixture.pipeline.edge!.address;
    const ready = (await (await fetch(`${base}/ready`)).json()) as {
      status: string;
      checks: { name: string; ok: boolean }[];
    };
    expect(ready.status).toBe('ready');
    expect(ready.checks.filter((c) => ['postgres', 'connect'].includes(c.name)).map((c) => c.ok)).toEqual([true, true]);

    const first = (await (await fetch(`${base}/users/user-3/sms?limit=30`)).json()) as {
      messages: { smsId: string; predictions: unknown[] }[];
      next?: string;
    };
    expect(first.messages).toHaveLength(30);
    expect(first.messages.every((m) => m.smsId.startsWith(fixture.run) && m.predictions.length === models.length)).toBe(
      true,
    );
    const ids = new Set(first.messages.map((m) => m.smsId));
    let cursor = first.next;
    while (cursor) {
      const page = (await (await fetch(`${base}/users/user-3/sms?limit=30&cursor=${cursor}`)).json()) as typeof first;
      for (const m of page.messages) ids.add(m.smsId);
      cursor = page.next;
    }
    // user-3 got every seventh of the 500 rows: 71 of them (i % 7 === 3).
    expect(ids.size).toBe(71);
    const one = await fetch(`${base}/users/user-3/sms/${first.messages[0]!.smsId}`);
    expect(one.status).toBe(200);
    expect((await fetch(`${base}/users/user-4/sms/${first.messages[0]!.smsId}`)).status).toBe(404);
  });

  it('re-scores an update of sms_text, skips an update that keeps it and a delete, and dead-letters an empty text', async () => {
    const id = `${fixture.run}-upd`;
    const empty = `${fixture.run}-empty`;
    await fixture.sql.query(
      `INSERT INTO ${fixture.table} (user_id, sms_id, sender_id, sms_text) VALUES ('u1', $1, 's1', 'see you at lunch'), ('u1', $2, 's1', '   ')`,
      [id, empty],
    );
    await fixture.sql.query(
      `UPDATE ${fixture.table} SET sms_text = 'WINNER!! Claim your FREE prize now, call 09061701461' WHERE sms_id = $1`,
      [id],
    );
    await fixture.sql.query(`UPDATE ${fixture.table} SET sender_id = 's2' WHERE sms_id = $1`, [id]);
    await fixture.sql.query(`DELETE FROM ${fixture.table} WHERE sms_id = $1`, [id]);

    const isEmpty = (l: { value: DeadLetter }) =>
      l.value.value?.toString('utf8').includes(`"sms_id":"${empty}"`) ?? false;
    const letters = await fixture.readTopic<DeadLetter>(fixture.config.topics.dlq, { until: (r) => r.some(isEmpty) });
    const letter = letters.find(isEmpty)!.value;
    expect(letter).toMatchObject({
      processor: 'cdc',
      source_topic: fixture.config.topics.cdc,
      error_code: 'EMPTY_TEXT',
      retriable: false,
    });
    expect(JSON.parse(letter.value!.toString('utf8'))).toMatchObject({ sms_id: empty, sms_text: '   ', __op: 'c' });

    const mine = (
      await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
        until: (r) => r.filter((p) => p.value.sms_id === id).length >= 2 * models.length,
      })
    ).filter((p) => p.value.sms_id === id);
    // Insert and text update: two predictions per model; the sender update and the delete: none.
    expect(mine).toHaveLength(2 * models.length);
    const changes = await fixture.readChanges({ until: (r) => r.filter((c) => c.value.sms_id === id).length >= 4 });
    expect(changes.filter((c) => c.value.sms_id === id).map((c) => c.value.__op)).toEqual(['c', 'u', 'u', 'd']);
    if (process.env.CDC_CAPTURE) {
      writeFileSync(
        `${process.env.CDC_CAPTURE}.more.json`,
        JSON.stringify(
          changes
            .filter((c) => c.value.sms_id === id || c.value.sms_id === empty)
            .map((c) => ({ key: c.record.key, headers: c.record.headers, value: c.value })),
          null,
          2,
        ),
      );
    }
  });

  it('turns user_label into labels: set by an insert or an UPDATE, never taken for a new message; a bad one is a dead letter', async () => {
    const id = `${fixture.run}-lab`;
    const bad = `${fixture.run}-badlab`;
    await fixture.sql.query(
      `INSERT INTO ${fixture.table} (user_id, sms_id, sender_id, sms_text, user_label) VALUES ('u2', $1, 's1', 'Call 09061701461 to claim your prize', 'ham'), ('u2', $2, 's1', 'lunch?', 'maybe')`,
      [id, bad],
    );
    await fixture.sql.query(`UPDATE ${fixture.table} SET user_label = 'spam' WHERE sms_id = $1`, [id]);
    await fixture.sql.query(`UPDATE ${fixture.table} SET user_label = NULL WHERE sms_id = $1`, [id]);

    const labels = await fixture.readTopic<SmsLabel>(fixture.config.topics.labels, {
      until: (r) => r.filter((l) => l.value.sms_id === id).length >= 2,
    });
    const mine = labels.filter((l) => l.value.sms_id === id).map((l) => l.value);
    expect(mine.map((l) => [l.label, l.source])).toEqual([
      ['ham', 'cdc'],
      ['spam', 'cdc'],
    ]);
    expect(mine[1]!.labelled_at).toBeGreaterThan(mine[0]!.labelled_at);
    const isBad = (l: { value: DeadLetter }) => l.value.value?.toString('utf8').includes(`"sms_id":"${bad}"`) ?? false;
    const letters = await fixture.readTopic<DeadLetter>(fixture.config.topics.dlq, { until: (r) => r.some(isBad) });
    expect(letters.find(isBad)!.value).toMatchObject({ processor: 'cdc', error_code: 'INVALID_FIELD' });
    expect(letters.find(isBad)!.value.error_reason).toMatch(/user_label .* "maybe" is not spam or ham/);

    // The message with the bad label is scored all the same; the label updates score nothing again.
    const predictions = await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
      until: (r) => r.filter((p) => p.value.sms_id === bad).length >= models.length,
    });
    expect(predictions.filter((p) => p.value.sms_id === id)).toHaveLength(models.length);
    expect(predictions.filter((p) => p.value.sms_id === bad)).toHaveLength(models.length);
  });

  it('gives an inbox table made before labels its user_label column, keeping its rows', async () => {
    const schema = `${fixture.config.cdc.schema}_old`;
    await fixture.sql.query(`CREATE SCHEMA ${schema}`);
    try {
      await fixture.sql.query(
        `CREATE TABLE ${schema}.smss_by_users (user_id text NOT NULL, sms_id text PRIMARY KEY, sender_id text NOT NULL, sms_text text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())`,
      );
      await fixture.sql.query(`INSERT INTO ${schema}.smss_by_users VALUES ('u', 'old-1', 's', 'from before', now())`);
      await applyInboxSchema(fixture.sql, schema);
      await applyInboxSchema(fixture.sql, schema);
      const { rows } = await fixture.sql.query(`SELECT sms_id, user_label FROM ${schema}.smss_by_users`);
      expect(rows).toEqual([{ sms_id: 'old-1', user_label: null }]);
    } finally {
      await fixture.sql.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
