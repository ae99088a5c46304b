// The chart's generated parts (scripts/generated-docs.ts writes them, a test fails when stale):
// the settings reference at the end of values.yaml, and the helpers that tell the templates each
// processor's consumer group and input topics, derived from the topology's own wiring.
import { loadConfig } from '../../config/config.ts';
import { SETTINGS, type SettingSpec, type TableKey, topicName } from '../../config/settings.ts';
import { processorSpecs } from '../../topology/graph.ts';

const setting = (key: TableKey): SettingSpec => SETTINGS.find((s) => s.key === key)!;
const TOPIC_SETTINGS = SETTINGS.filter((s) => s.parse === topicName);

/** Per processor, the variables naming its input topics: the topology built with each topic named after its variable. */
export function processorInputs(): Record<string, readonly string[]> {
  const marked = Object.fromEntries(TOPIC_SETTINGS.map((s) => [s.env, s.env.toLowerCase()]));
  const config = loadConfig({ ...marked, SPAMSTREAM_CDC: 'on' });
  const byTopic = new Map(TOPIC_SETTINGS.map((s) => [s.env.toLowerCase(), s.env]));
  return Object.fromEntries(processorSpecs(config).map((spec) => [spec.name, spec.inputs.map((t) => byTopic.get(t)!)]));
}

const quoted = (value: string) => JSON.stringify(value);

/** The body of templates/_generated.tpl's region: defaults the templates need, and each processor's input. */
export function chartHelpers(): string {
  const inputs = processorInputs();
  const needed = [setting('pipeline.consumerGroupPrefix'), setting('topics.partitions')];
  const helped = [
    ...needed,
    ...TOPIC_SETTINGS.filter((s) => Object.values(inputs).some((envs) => envs.includes(s.env))),
  ];
  return [
    '{{- define "spamstream.settingDefaults" -}}',
    ...helped.map((s) => `${s.env}: ${quoted(s.defaultText)}`),
    '{{- end }}',
    '{{- define "spamstream.processorInputs" -}}',
    ...Object.entries(inputs).map(([name, envs]) => `${name}: [${envs.join(', ')}]`),
    '{{- end }}',
  ].join('\n');
}

/** Every setting but the local stack's (the image runs none) as a comment line of values.yaml: variable, default, meaning. */
export function chartSettingsReference(): string {
  return SETTINGS.filter((s) => !s.key.startsWith('stack.'))
    .map((s) => `#   ${s.env} (${s.defaultText === '' ? 'empty' : s.defaultText}): ${s.doc.replaceAll('\n', ' ')}`)
    .join('\n');
}
