// The configuration tables of the documents, rendered from the settings table: every setting in
// docs/configuration.md, the most used in the README (scripts/generated-docs.ts writes both).
import { SETTINGS, type SettingSpec, type TableKey } from './settings.ts';

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

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
// `(all)`, `(none)`: words about the default, not a value to type.
const defaultCell = (text: string) => (text === '' ? '(empty)' : /^\(.*\)$/.test(text) ? text : `\`${cell(text)}\``);
/** The default with SPAMSTREAM_STACK_NODES=3, or `same`. */
const clusterCell = (setting: SettingSpec) =>
  setting.clusterDefaultText === undefined ? 'same' : defaultCell(setting.clusterDefaultText);
const HEADER = '| variable | default | cluster default | meaning |\n| --- | --- | --- | --- |';
const row = (s: SettingSpec) => `| \`${s.env}\` | ${defaultCell(s.defaultText)} | ${clusterCell(s)} | ${cell(s.doc)} |`;

/**
 * Every setting, one table per section (the part of its key before the dot, a heading), in table
 * order; each with its default on one node and on the local cluster (SPAMSTREAM_STACK_NODES=3).
 */
export function settingsMarkdown(settings: readonly SettingSpec[] = SETTINGS): string {
  const sections = new Map<string, SettingSpec[]>();
  for (const setting of settings) {
    const section = setting.key.split('.')[0]!;
    sections.set(section, [...(sections.get(section) ?? []), setting]);
  }
  return [...sections]
    .map(([section, rows]) =>
      [
        `## ${section}`,
        '',
        ...(SECTIONS[section] ? [`${capitalised(SECTIONS[section])}.`, ''] : []),
        HEADER,
        ...rows.map(row),
      ].join('\n'),
    )
    .join('\n\n');
}

/** The settings named by `keys`, in that order, as one table. */
export function settingsSummary(keys: readonly TableKey[], settings: readonly SettingSpec[] = SETTINGS): string {
  const rows = keys.map((key) => {
    const setting = settings.find((s) => s.key === key);
    if (!setting) throw new Error(`no setting ${key}`);
    return row(setting);
  });
  return [HEADER, ...rows].join('\n');
}
