import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { describeTopology } from './describe.ts';

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/**
 * The steps of a processor's pipe, read from its source rather than from the running code: every
 * argument of `return namedPipe(` (indented four spaces) must be a `step('name', …)`.
 */
function stepsInSource(file: string): string[] {
  const body = /\n {2}return namedPipe\(\n([\s\S]*?)\n {2}\);\n/.exec(read(file))?.[1];
  if (body === undefined) throw new Error(`${file}: no \`return namedPipe(\` found`);
  const operators = body.split('\n').filter((line) => /^ {4}[^ /)}\]]/.test(line));
  return operators.map((line) => {
    const name = /^ {4}step\('([^']+)'/.exec(line)?.[1];
    if (name === undefined) throw new Error(`${file}: an operator of the pipe has no step name: ${line.trim()}`);
    return name;
  });
}

/** The numbered steps `topology describe` lists for one processor. */
function describedSteps(text: string, processor: string): string[] {
  const block = text.split('\n\n').find((part) => part.startsWith(`processor ${processor} `));
  if (block === undefined) throw new Error(`no processor ${processor} described`);
  return block.split('\n').flatMap((line) => /^ {2}\d+\. (.*?)(?: \[writes [^\]]*\])?$/.exec(line)?.[1] ?? []);
}

const config = loadConfig({});

describe('topology describe', () => {
  it.each(['cdc', 'features', 'scoring'])('lists exactly the steps the %s processor\'s pipe is built from', (name) => {
    const steps = stepsInSource(`processors/${name}.ts`);
    expect(steps.length).toBeGreaterThanOrEqual(4);
    expect(describedSteps(describeTopology(config).describe(), name)).toEqual(steps);
  });

  it('tells the sink steps and what each step writes', () => {
    const text = describeTopology(config).describe();
    expect(text).toContain('  4. upsert online store (newest event time wins) [writes spamstream.features_by_message]\n');
    expect(text).toContain('  5. encode SmsPrediction [writes sms.predictions]\n');
    expect(text).toMatch(/sink of every processor \(deliver, exactly-once\)\n {2}1\. each input becomes its output/);
    expect(text).toContain('in one Kafka transaction');
    const atLeastOnce = describeTopology(loadConfig({ SPAMSTREAM_DELIVERY: 'at-least-once' })).describe();
    expect(atLeastOnce).toContain('sink of every processor (deliver, at-least-once)');
    expect(atLeastOnce).not.toContain('transaction');
  });

  it('the README shows the graph describeMermaid prints for the default configuration', () => {
    const readme = read('README.md');
    const block = /```mermaid\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block, 'README.md has no ```mermaid block').toBeDefined();
    // On a mismatch: paste `npx spamstream topology describe --mermaid` into the README.
    expect(block).toBe(describeTopology(config).mermaid());
  });
});
