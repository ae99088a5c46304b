import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type InputMessage, readMessages } from './message-input.ts';

async function read(texts: string[], content?: { name: string; body: string }) {
  let file: string | undefined;
  if (content) {
    file = join(mkdtempSync(join(tmpdir(), 'input-')), content.name);
    writeFileSync(file, content.body);
  }
  const messages: InputMessage[] = [];
  const problems: string[] = [];
  for await (const message of readMessages(texts, file, (line, reason) => problems.push(`${line}: ${reason}`)))
    messages.push(message);
  return { messages, problems };
}

describe('readMessages', () => {
  it('takes texts from the command line', async () => {
    expect((await read(['one', 'two'])).messages).toEqual([{ text: 'one' }, { text: 'two' }]);
  });

  it('reads a CSV with a text column, optional ids, and reports bad rows by line', async () => {
    const { messages, problems } = await read([], {
      name: 'in.csv',
      body: 'sms_id,text,label\nsms1,"hello, there",ham\nsms2,,spam\n,"no id, still fine",ham\n',
    });
    expect(messages).toEqual([
      { smsId: 'sms1', text: 'hello, there', sender: undefined, recipient: undefined },
      { smsId: undefined, text: 'no id, still fine', sender: undefined, recipient: undefined },
    ]);
    expect(problems).toEqual(['3: no text']);
  });

  it('reads JSON lines and reports lines that are not JSON objects with text', async () => {
    const { messages, problems } = await read([], {
      name: 'in.jsonl',
      body: '{"text":"a","sender":"+1"}\nnot json\n\n[1]\n{"sms_id":"x","text":"b"}\n',
    });
    expect(messages.map((m) => [m.smsId, m.text, m.sender])).toEqual([
      [undefined, 'a', '+1'],
      ['x', 'b', undefined],
    ]);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['2', '4']);
  });
});
