// The README's configuration tables, generated from the settings table (`npm run gen:readme`
// writes them between the markers; settings-table.test.ts fails when the README is stale).
import { SETTINGS, type SettingSpec } from './settings.ts';

export const BEGIN = '<!-- settings:begin -->';
export const END = '<!-- settings:end -->';

/** What each section (the part of a key before the dot) is about; one not listed here shows its key alone. */
const SECTIONS: Readonly<Record<string, string>> = {
  stack: 'the local servers `npm start` and `spamstream stack` run',
  kafka: 'the Kafka clients',
  registry: 'the schema registry',
  cassandra: 'the online store',
  topics: 'topic names and how they are created',
  pipeline: 'the processors',
  cdc: 'change data capture from the inbox table',
  edge: 'the HTTP edge',
};

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
// `(all)`, `(none)`: words about the default, not a value to type.
const defaultCell = (text: string) => (text === '' ? '(empty)' : /^\(.*\)$/.test(text) ? text : `\`${cell(text)}\``);

/** Every setting, one table per section (the part of its key before the dot), in table order. */
export function settingsMarkdown(settings: readonly SettingSpec[] = SETTINGS): string {
  const sections = new Map<string, SettingSpec[]>();
  for (const setting of settings) {
    const section = setting.key.split('.')[0]!;
    sections.set(section, [...(sections.get(section) ?? []), setting]);
  }
  return [...sections]
    .map(([section, rows]) =>
      [
        `**${section}**${SECTIONS[section] ? ` — ${SECTIONS[section]}` : ''}`,
        '',
        '| variable | default | meaning |',
        '| --- | --- | --- |',
        ...rows.map((s) => `| \`${s.env}\` | ${defaultCell(s.defaultText)} | ${cell(s.doc)} |`),
      ].join('\n'),
    )
    .join('\n\n');
}

/** The README with the region between the markers rewritten; throws when the markers are missing. */
export function withSettingsTable(readme: string, table = settingsMarkdown()): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}
