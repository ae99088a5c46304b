import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.ts';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const start = readme.indexOf('### Command line');
const table = readme.slice(start, readme.indexOf('\n#', start + 1));

describe("the README's command table", () => {
  it.each(buildProgram().commands.map((command) => command.name()))('lists `spamstream %s`', (name) => {
    expect(table).toContain(`| \`spamstream ${name}`);
  });

  it('lists no command the program lacks', () => {
    const names = new Set(buildProgram().commands.map((command) => command.name()));
    const listed = [...table.matchAll(/^\| `spamstream (\w+)/gm)].map((match) => match[1]!);
    expect(listed.filter((name) => !names.has(name))).toEqual([]);
  });
});
