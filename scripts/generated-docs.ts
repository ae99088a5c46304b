// Every generated region of the documents, in one list: the file, the region's name and what
// renders it from the code or the recorded run it describes. `npm run gen:docs` rewrites them;
// scripts/generated-docs.test.ts fails when one is stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scaleOutTable } from '../bench/scale-out-table.ts';
import { benchSection } from '../bench/table.ts';
import { loadConfig } from '../config/config.ts';
import { settingsMarkdown, settingsSummary } from '../config/settings-table.ts';
import type { TableKey } from '../config/settings.ts';
import { faultTable } from '../faults/table.ts';
import { describeTopology } from '../topology/describe.ts';
import { chartHelpers, chartSettingsReference } from '../deploy/helm/chart-settings.ts';

export const PROJECT_ROOT = join(import.meta.dirname, '..');

/** The settings a user sets most often, shown in the README; the full table is docs/configuration.md. */
export const COMMON_SETTINGS: readonly TableKey[] = [
  'stack.mode',
  'kafka.brokers',
  'registry.url',
  'cassandra.contactPoints',
  'cassandra.localDataCenter',
  'cdc.enabled',
  'edge.port',
  'edge.apiKey',
  'pipeline.models',
  'edge.champion',
  'pipeline.delivery',
  'pipeline.logLevel',
  'pipeline.logFormat',
  'pipeline.shutdownTimeoutMs',
];

export interface GeneratedRegion {
  /** Path from the project root. */
  readonly file: string;
  /** The region lies between `<!-- name:begin -->` and `<!-- name:end -->`. */
  readonly name: string;
  render(): string;
}

const recorded = (path: string) => JSON.parse(readFileSync(join(PROJECT_ROOT, path), 'utf8'));

export const GENERATED_REGIONS: readonly GeneratedRegion[] = [
  {
    file: 'README.md',
    name: 'topology',
    render: () => `\`\`\`mermaid\n${describeTopology(loadConfig({})).mermaid()}\n\`\`\``,
  },
  { file: 'README.md', name: 'common-settings', render: () => settingsSummary(COMMON_SETTINGS) },
  { file: 'docs/configuration.md', name: 'settings', render: () => settingsMarkdown() },
  { file: 'docs/benchmarks.md', name: 'bench', render: () => benchSection(recorded('docs/benchmarks/quick-run.json')) },
  {
    file: 'docs/benchmarks.md',
    name: 'scale-out',
    render: () => scaleOutTable(recorded('docs/benchmarks/scale-out-run.json')),
  },
  { file: 'deploy/helm/spamstream/values.yaml', name: 'chart-settings', render: chartSettingsReference },
  { file: 'deploy/helm/spamstream/templates/_generated.tpl', name: 'chart-helpers', render: chartHelpers },
  {
    file: 'docs/faults.md',
    name: 'fault-run',
    render: () => faultTable(recorded('docs/fault-suite-run.json'), 'markdown'),
  },
  {
    file: 'docs/faults.md',
    name: 'fault-cluster-run',
    render: () => faultTable(recorded('docs/fault-suite-cluster-run.json'), 'markdown'),
  },
];

const markers = (name: string) => [`<!-- ${name}:begin -->`, `<!-- ${name}:end -->`] as const;

/**
 * `text` with the lines between the region's marker lines rewritten to `content`; throws when its
 * markers are missing. The marker lines stay whole, so a marker may sit in a comment (`# <!-- … -->`).
 */
export function withRegion(text: string, name: string, content: string): string {
  const [BEGIN, END] = markers(name);
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`the markers ${BEGIN} … ${END} are missing`);
  const beginLineEnd = text.indexOf('\n', begin);
  const endLineStart = text.lastIndexOf('\n', end) + 1;
  return `${text.slice(0, beginLineEnd)}\n${content}\n${text.slice(endLineStart)}`;
}

/** A file's text with each of its generated regions rendered afresh. */
export function regenerated(file: string, text: string, regions = GENERATED_REGIONS): string {
  return regions.filter((r) => r.file === file).reduce((out, r) => withRegion(out, r.name, r.render()), text);
}
