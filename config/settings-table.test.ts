import { describe, expect, it } from 'vitest';
import { settingsMarkdown, settingsSummary } from './settings-table.ts';
import { SETTINGS, type SettingSpec } from './settings.ts';

describe('the configuration tables', () => {
  it('list every variable once, under its section, with its default and doc', () => {
    const table = settingsMarkdown();
    for (const setting of SETTINGS) expect(table.split(`| \`${setting.env}\` |`)).toHaveLength(2);
    expect(table).toContain('| `SPAMSTREAM_KAFKA_PORT` | `9092` | same | local Kafka listener port |');
    expect(table).toContain('| `SPAMSTREAM_MODELS` | (all) | same |');
    expect(table).toContain('| `SPAMSTREAM_STACK_DIR` | `.stack` | `.stack-cluster` |');
    const header = '| variable | default | cluster default | meaning |\n| --- | --- | --- | --- |';
    expect(table).toContain(`## edge\n\nThe HTTP edge.\n\n${header}\n| \`SPAMSTREAM_EDGE\` |`);
  });

  it('escape a | in a doc and title a new section by its key', () => {
    const spec = { ...SETTINGS[0]!, key: 'faults.x', env: 'SPAMSTREAM_X', doc: 'a | b', defaultText: '' };
    expect(settingsMarkdown([spec as unknown as SettingSpec])).toBe(
      '## faults\n\n| variable | default | cluster default | meaning |\n| --- | --- | --- | --- |\n' +
        '| `SPAMSTREAM_X` | (empty) | same | a \\| b |',
    );
  });

  it('summarise the settings asked for, in that order, and refuse an unknown one', () => {
    expect(settingsSummary(['edge.port', 'stack.mode']).split('\n').slice(2)).toEqual([
      '| `SPAMSTREAM_EDGE_PORT` | `8080` | same | HTTP edge port |',
      expect.stringMatching(/^\| `SPAMSTREAM_STACK` \| `auto` \| /),
    ]);
    expect(() => settingsSummary(['edge.nope' as never])).toThrow('no setting edge.nope');
  });
});
