// The inbox table. REPLICA IDENTITY FULL makes PostgreSQL log the whole old row with each update
// and delete, so Debezium's change events carry `before` and the cdc processor can tell an update
// that changed the text (re-score it) or the user's label (a label) from one that did neither.
import type pg from 'pg';

export const INBOX_TABLE = 'smss_by_users';

/** `schema` is a checked identifier (config/settings.ts), so it can be spliced into DDL. */
export function inboxDdl(schema: string): string[] {
  const table = `${schema}.${INBOX_TABLE}`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${table} (
      user_id text NOT NULL,
      sms_id text PRIMARY KEY,
      sender_id text NOT NULL,
      sms_text text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      user_label text
    )`,
    // What the user said the message is (spam or ham; NULL: nothing yet). Tables made before labels
    // gain the column; no CHECK, since the table takes what applications write: the cdc processor
    // dead-letters a label that is neither.
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS user_label text`,
    // The edge lists one user's messages newest first.
    `CREATE INDEX IF NOT EXISTS ${INBOX_TABLE}_by_user ON ${table} (user_id, received_at DESC, sms_id DESC)`,
    `ALTER TABLE ${table} REPLICA IDENTITY FULL`,
  ];
}

export async function applyInboxSchema(client: pg.ClientBase, schema: string): Promise<void> {
  for (const statement of inboxDdl(schema)) await client.query(statement);
}
