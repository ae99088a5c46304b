// The inbox in memory, for the edge's unit tests (contract in connectors/inbox.ts). Set `down` to
// make every call reject as an unreachable database would.
import { SpamstreamError } from '../../core/errors.ts';
import { type Inbox, type InboxRow, decodeCursor, encodeCursor } from '../inbox.ts';

export interface MemoryInbox extends Inbox {
  down: boolean;
}

export function createMemoryInbox(now: () => number = Date.now): MemoryInbox {
  const rows = new Map<string, InboxRow>();
  const newestFirst = (a: InboxRow, b: InboxRow) =>
    b.receivedAt - a.receivedAt || (a.smsId < b.smsId ? 1 : a.smsId > b.smsId ? -1 : 0);
  const inbox: MemoryInbox = {
    down: false,
    async insert(newRows) {
      available();
      const taken = newRows.find(
        (row, i) => rows.has(row.smsId) || newRows.findIndex((r) => r.smsId === row.smsId) !== i,
      );
      if (taken) throw new SpamstreamError('INVALID_FIELD', `already in the inbox: sms_id ${taken.smsId}`);
      for (const row of newRows) rows.set(row.smsId, { ...row, receivedAt: row.receivedAt ?? now() });
      return newRows.length;
    },
    async list(userId, { limit, cursor }) {
      available();
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && after === undefined)
        throw new SpamstreamError('INVALID_REQUEST', 'the cursor is not one this API returned');
      const mine = [...rows.values()]
        .filter((row) => row.userId === userId)
        .sort(newestFirst)
        .filter(
          (row) =>
            !after ||
            BigInt(row.receivedAt) * 1000n < after.receivedAtUs ||
            (BigInt(row.receivedAt) * 1000n === after.receivedAtUs && row.smsId < after.smsId),
        );
      const page = mine.slice(0, limit);
      const last = page.at(-1);
      return {
        rows: page,
        ...(mine.length > limit && last
          ? { next: encodeCursor({ receivedAtUs: BigInt(last.receivedAt) * 1000n, smsId: last.smsId }) }
          : {}),
      };
    },
    async get(userId, smsId) {
      available();
      const row = rows.get(smsId);
      return row?.userId === userId ? row : undefined;
    },
    async ping() {
      available();
    },
    async close() {},
  };
  function available() {
    if (inbox.down) throw new SpamstreamError('STORE_UNAVAILABLE', 'PostgreSQL: connect ECONNREFUSED 127.0.0.1:5432');
  }
  return inbox;
}
