// `spamstream inbox insert`: rows into the inbox table (smss_by_users) for users without psql; CDC
// then carries them through the pipeline like any application's writes.
import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import type { NewInboxRow } from '../../connectors/inbox.ts';
import { connectInbox } from '../../runtime/wiring.ts';
import { readMessages } from '../message-input.ts';

const TRANSACTION_ROWS = 1_000;

interface InsertOptions {
  file?: string;
  user: string;
  sender: string;
}

export function inboxCommand(): Command {
  const inbox = new Command('inbox').description(
    'the operational inbox table smss_by_users in PostgreSQL (read by CDC)',
  );
  inbox
    .command('insert')
    .description(
      'insert messages: TEXT arguments and/or a --file (CSV with a text column, or .jsonl); ' +
        'sms_id, sender and recipient (the user) columns are optional',
    )
    .argument('[text...]', 'message texts')
    .option('-f, --file <path>', 'CSV (header with text, optional sms_id, sender, recipient) or JSON lines')
    .option('-u, --user <id>', 'the recipient (user_id) of rows that do not name one', 'user-1')
    .option('-s, --sender <id>', 'the sender of rows that do not name one', '+10000000000')
    .action(async (texts: string[], options: InsertOptions) => {
      const config = loadConfig();
      if (!config.cdc.enabled)
        console.error('note: SPAMSTREAM_CDC is off, so nothing will read these rows until it is on');
      let problems = 0;
      const rows: NewInboxRow[] = [];
      for await (const message of readMessages(texts, options.file, (line, reason) => {
        problems += 1;
        console.error(`${options.file}:${line}: skipped: ${reason}`);
      })) {
        rows.push({
          userId: message.recipient ?? options.user,
          smsId: message.smsId ?? `sms-${randomUUID()}`,
          senderId: message.sender ?? options.sender,
          text: message.text,
        });
      }
      if (rows.length === 0) throw new Error('nothing to insert: give TEXT arguments or --file');
      const store = connectInbox(config);
      const started = Date.now();
      let inserted = 0;
      try {
        for (let i = 0; i < rows.length; i += TRANSACTION_ROWS)
          inserted += await store.insert(rows.slice(i, i + TRANSACTION_ROWS));
      } finally {
        await store.close();
      }
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `inserted ${inserted} rows into ${config.cdc.schema}.smss_by_users in ${seconds.toFixed(1)} s${problems ? `; skipped ${problems}` : ''}`,
      );
      if (inserted <= 10) for (const row of rows) console.log(`  ${row.smsId}  user ${row.userId}`);
    });
  return inbox;
}
