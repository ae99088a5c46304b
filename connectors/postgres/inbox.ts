// The inbox on PostgreSQL through `pg` (contract in connectors/inbox.ts).
import pg from 'pg';
import { SpamstreamError } from '../../core/errors.ts';
import { type Inbox, type InboxRow, decodeCursor, encodeCursor } from '../inbox.ts';
import { INBOX_TABLE } from './schema.ts';

interface Row {
  user_id: string;
  sms_id: string;
  sender_id: string;
  sms_text: string;
  received_us: string;
}

const toRow = (row: Row): InboxRow => ({
  userId: row.user_id,
  smsId: row.sms_id,
  senderId: row.sender_id,
  text: row.sms_text,
  receivedAt: Number(BigInt(row.received_us) / 1000n),
});

/** Connection failures (no answer) are retriable; the database refusing a statement is not. */
function translate(error: unknown): never {
  if (error instanceof SpamstreamError) throw error;
  const pgError = error as { code?: string; detail?: string; message?: string };
  if (pgError.code === '42P01' || pgError.code === '3F000') {
    throw new SpamstreamError(
      'STORE_UNAVAILABLE',
      `PostgreSQL: ${pgError.message}: run \`spamstream topology apply\` (with CDC on) to create the inbox table`,
    );
  }
  if (pgError.code === '23505')
    throw new SpamstreamError('INVALID_FIELD', `already in the inbox: ${pgError.detail ?? pgError.message}`);
  if (typeof pgError.code === 'string' && /^(22|23)/.test(pgError.code)) {
    throw new SpamstreamError('INVALID_FIELD', `the inbox refused the row: ${pgError.message}`);
  }
  throw new SpamstreamError('STORE_UNAVAILABLE', `PostgreSQL: ${pgError.message ?? String(error)}`, { cause: error });
}

export function createPostgresInbox(options: { url: string; schema: string; maxConnections?: number }): Inbox {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: 3000,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const table = `${options.schema}.${INBOX_TABLE}`;
  const columns = `user_id, sms_id, sender_id, sms_text, (extract(epoch FROM received_at) * 1000000)::bigint::text AS received_us`;
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    try {
      return await pool.query<R>(text, values);
    } catch (error) {
      return translate(error);
    }
  };
  return {
    async insert(rows) {
      if (rows.length === 0) return 0;
      const client = await pool.connect().catch(translate);
      try {
        await client.query('BEGIN');
        // One statement per thousand rows keeps the parameter count far below PostgreSQL's 65,535.
        for (let start = 0; start < rows.length; start += 1000) {
          const chunk = rows.slice(start, start + 1000);
          const values: unknown[] = [];
          const tuples = chunk.map((row) => {
            values.push(
              row.userId,
              row.smsId,
              row.senderId,
              row.text,
              row.receivedAt === undefined ? null : new Date(row.receivedAt),
            );
            const n = values.length;
            return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, coalesce($${n}::timestamptz, now()))`;
          });
          await client.query(
            `INSERT INTO ${table} (user_id, sms_id, sender_id, sms_text, received_at) VALUES ${tuples.join(', ')}`,
            values,
          );
        }
        await client.query('COMMIT');
        return rows.length;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        return translate(error);
      } finally {
        client.release();
      }
    },
    async list(userId, { limit, cursor }) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && after === undefined)
        throw new SpamstreamError('INVALID_REQUEST', 'the cursor is not one this API returned');
      const where = after
        ? `user_id = $1 AND (received_at, sms_id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4)`
        : 'user_id = $1';
      const values: unknown[] = after
        ? [userId, limit + 1, after.receivedAtUs.toString(), after.smsId]
        : [userId, limit + 1];
      const { rows } = await query<Row>(
        `SELECT ${columns} FROM ${table} WHERE ${where} ORDER BY received_at DESC, sms_id DESC LIMIT $2`,
        values,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        rows: page.map(toRow),
        ...(rows.length > limit && last
          ? { next: encodeCursor({ receivedAtUs: BigInt(last.received_us), smsId: last.sms_id }) }
          : {}),
      };
    },
    async get(userId, smsId) {
      const { rows } = await query<Row>(`SELECT ${columns} FROM ${table} WHERE user_id = $1 AND sms_id = $2`, [
        userId,
        smsId,
      ]);
      return rows[0] ? toRow(rows[0]) : undefined;
    },
    async ping() {
      await query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
