import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { describeTopology } from './describe.ts';

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/**
 * The steps of a processor's pipe, read from its source rather than from the running code: every
 * top-level argument of `return namedPipe(…)` must be a `step('name', …)`.
 */
function stepsInSource(file: string): string[] {
  const source = read(file);
  const start = source.indexOf('return namedPipe(');
  if (start < 0) throw new Error(`${file}: no \`return namedPipe(\` found`);
  // Split the call's arguments at the commas outside any bracket or string.
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  // Comments go first: their apostrophes and brackets are prose.
  const code = source.slice(start + 'return namedPipe('.length).replace(/^\s*\/\/.*$/gm, '');
  for (const char of code) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === '`') quote = char;
    else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      if (depth === 0) break;
      depth -= 1;
    } else if (char === ',' && depth === 0) {
      args.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  args.push(current);
  return args
    .map((arg) => arg.trim())
    .filter((arg) => arg.length > 0 && !arg.startsWith('//'))
    .map((arg) => {
      const name = /^step\(\s*'([^']+)'/.exec(arg)?.[1];
      if (name === undefined) throw new Error(`${file}: an operator of the pipe has no step name: ${arg.slice(0, 60)}`);
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
  it.each(['cdc', 'features', 'scoring', 'verdicts', 'quality'])(
    "lists exactly the steps the %s processor's pipe is built from",
    (name) => {
      const steps = stepsInSource(`processors/${name}.ts`);
      expect(steps.length).toBeGreaterThanOrEqual(3);
      expect(describedSteps(describeTopology(config).describe(), name)).toEqual(steps);
    },
  );

  it('tells the sink steps and what each step writes', () => {
    const text = describeTopology(config).describe();
    expect(text).toContain(
      '  4. upsert online store (newest event time wins) [writes spamstream.features_by_message]\n',
    );
    expect(text).toContain('  5. encode SmsPrediction [writes sms.predictions]\n');
    expect(text).toMatch(/sink of every processor \(deliver, exactly-once\)\n {2}1\. each input becomes its output/);
    expect(text).toContain('in one Kafka transaction');
    const atLeastOnce = describeTopology(loadConfig({ SPAMSTREAM_DELIVERY: 'at-least-once' })).describe();
    expect(atLeastOnce).toContain('sink of every processor (deliver, at-least-once)');
    expect(atLeastOnce).not.toContain('transaction');
  });
});
