import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, settingsMarkdown, withSettingsTable } from './settings-table.ts';
import { SETTINGS, type SettingSpec } from './settings.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe("the README's configuration tables", () => {
  const stale = 'README.md differs from config/settings.ts: run npm run gen:readme';

  it('are what config/settings.ts generates', () => {
    expect(readme).toContain(BEGIN);
    const region = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END));
    expect(region.trim(), stale).toBe(settingsMarkdown());
    expect(withSettingsTable(readme), stale).toBe(readme);
  });

  it('list every variable once, under its section, with its default and doc', () => {
    const table = settingsMarkdown();
    for (const setting of SETTINGS) expect(table.split(`| \`${setting.env}\` |`)).toHaveLength(2);
    expect(table).toContain('| `SPAMSTREAM_KAFKA_PORT` | `9092` | local Kafka listener port |');
    expect(table).toContain('| `SPAMSTREAM_MODELS` | (all) |');
    const header = '| variable | default | meaning |\n| --- | --- | --- |';
    expect(table).toContain(`**edge** — the HTTP edge\n\n${header}\n| \`SPAMSTREAM_EDGE\` |`);
  });

  it('escape a | in a doc and title a new section by its key', () => {
    const spec = { ...SETTINGS[0]!, key: 'faults.x', env: 'SPAMSTREAM_X', doc: 'a | b', defaultText: '' };
    expect(settingsMarkdown([spec as unknown as SettingSpec])).toBe(
      '**faults**\n\n| variable | default | meaning |\n| --- | --- | --- |\n| `SPAMSTREAM_X` | (empty) | a \\| b |',
    );
  });
});
