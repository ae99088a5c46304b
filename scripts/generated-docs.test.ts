import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_REGIONS, PROJECT_ROOT, regenerated, withRegion } from './generated-docs.ts';

describe('the generated regions of the documents', () => {
  it.each(GENERATED_REGIONS.map((r) => [r.file, r.name]))('%s: %s is what the code renders', (file, name) => {
    const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    const region = GENERATED_REGIONS.filter((r) => r.file === file && r.name === name);
    expect(regenerated(file, text, region), `${file} is stale: run npm run gen:docs`).toBe(text);
  });

  it('rewrites only between the marker lines, also markers in comments, and refuses a file without them', () => {
    const text = 'before\n<!-- x:begin -->\nold\n<!-- x:end -->\nafter\n';
    expect(withRegion(text, 'x', 'new')).toBe('before\n<!-- x:begin -->\nnew\n<!-- x:end -->\nafter\n');
    const yaml = 'a: 1\n  # <!-- x:begin -->\n  old: 2\n  # <!-- x:end -->\nb: 3\n';
    expect(withRegion(yaml, 'x', '  new: 2')).toBe('a: 1\n  # <!-- x:begin -->\n  new: 2\n  # <!-- x:end -->\nb: 3\n');
    expect(() => withRegion('no markers', 'x', 'new')).toThrow('<!-- x:begin --> … <!-- x:end --> are missing');
  });
});
