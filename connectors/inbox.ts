// The operational inbox: the table `smss_by_users` in which applications keep their users' messages.
// CDC reads it (Debezium); the edge lists a user's messages from it; `spamstream inbox insert` writes it.
// connectors/postgres/ implements it with `pg`; connectors/memory/inbox.ts is the fake for unit tests.

export interface InboxRow {
  /** The recipient. */
  readonly userId: string;
  readonly smsId: string;
  readonly senderId: string;
  readonly text: string;
  /** Epoch ms (the column keeps microseconds; reads round down to the millisecond). */
  readonly receivedAt: number;
}

/** A row to insert; `receivedAt` defaults to the database's now(). */
export type NewInboxRow = Omit<InboxRow, 'receivedAt'> & { readonly receivedAt?: number };

export interface InboxPage {
  readonly rows: readonly InboxRow[];
  /** Opaque; pass it back for the next page. Absent on the last page. */
  readonly next?: string;
}

/**
 * Contract:
 * - `insert` writes all rows in one transaction and resolves with their count; an sms_id already in
 *   the table rejects the whole call with SpamstreamError('INVALID_FIELD') naming it, and so does a
 *   row the table refuses (null text…). Rows are not checked against message rules here: the table
 *   accepts what applications write, and the cdc processor dead-letters what breaks the rules.
 * - `list` gives one user's rows newest first (received_at, then sms_id, both descending), at most
 *   `limit`; `next` continues exactly after the last row, even if rows were inserted meanwhile.
 *   A cursor that was not produced by `list` rejects with SpamstreamError('INVALID_REQUEST').
 * - `get` returns the row of that user and message, or undefined.
 * - Every method rejects with SpamstreamError('STORE_UNAVAILABLE') (retriable) when the database
 *   does not answer.
 */
export interface Inbox {
  insert(rows: readonly NewInboxRow[]): Promise<number>;
  list(userId: string, options: { limit: number; cursor?: string }): Promise<InboxPage>;
  get(userId: string, smsId: string): Promise<InboxRow | undefined>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The position after a row, for `next`: its time in microseconds since the epoch and its id. */
export interface InboxCursor {
  readonly receivedAtUs: bigint;
  readonly smsId: string;
}

/**
 * `<microseconds>.<base64url of the id>`. Every string of this form is a position (CURSOR_PATTERN),
 * so the edge's document can say exactly which cursors it accepts; ids may be any text, hence base64.
 * At most 17 digits keeps the time inside PostgreSQL's timestamp range.
 */
export const CURSOR_PATTERN = '^(0|-?[1-9][0-9]{0,16})\\.[A-Za-z0-9_-]{0,1000}$';
const CURSOR = new RegExp(CURSOR_PATTERN);

export function encodeCursor(cursor: InboxCursor): string {
  return `${cursor.receivedAtUs}.${Buffer.from(cursor.smsId, 'utf8').toString('base64url')}`;
}

/** The cursor, or undefined when `text` does not have the form `encodeCursor` gives. */
export function decodeCursor(text: string): InboxCursor | undefined {
  if (!CURSOR.test(text)) return undefined;
  const dot = text.indexOf('.');
  // Ids never hold NUL (PostgreSQL text cannot): a client-made cursor's id stops before one.
  const smsId = Buffer.from(text.slice(dot + 1), 'base64url')
    .toString('utf8')
    .split('\0')[0]!;
  return { receivedAtUs: BigInt(text.slice(0, dot)), smsId };
}
