// Every relative link of the documents leads somewhere: the file exists, and an anchor into a
// Markdown file names one of its headings (as GitHub makes them) or an explicit id.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const documents = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' }).trim().split('\n');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => headingAnchor(m[1]!));
  const ids = [...text.matchAll(/<a id="([^"]+)"/g)].map((m) => m[1]!);
  return new Set([...headings, ...ids]);
}

function brokenLinks(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  return targets
    .filter((target) => !/^[a-z]+:/.test(target))
    .filter((target) => {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const resolved = path === '' ? file : relative(root, join(root, dirname(file), path));
      if (!existsSync(join(root, resolved))) return true;
      return anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor);
    })
    .map((target) => `${file}: ${target}`);
}

describe('the documents', () => {
  it('include the README, the design documents and the decision records', () => {
    for (const file of ['README.md', 'docs/architecture.md', 'docs/operations.md', 'docs/adr/README.md'])
      expect(documents).toContain(file);
  });

  it('link only to files and headings that exist', () => {
    expect(documents.flatMap(brokenLinks)).toEqual([]);
  });

  it('say where the code lives: every top-level folder, and only those', () => {
    const architecture = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    const block = architecture.split('## Where the code lives')[1]!.split('```')[1]!;
    const listed = [...block.matchAll(/^([a-z]+)\/ /gm)].map((m) => m[1]!);
    const folders = new Set(
      execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
        .trim()
        .split('\n')
        .filter((path) => path.includes('/') && !path.startsWith('.'))
        .map((path) => path.split('/')[0]!),
    );
    expect(listed.toSorted()).toEqual([...folders].toSorted());
  });

  it('make anchors as GitHub does', () => {
    expect(headingAnchor('Delivery guarantees')).toBe('delivery-guarantees');
    expect(headingAnchor('Bad input and the dead-letter topic')).toBe('bad-input-and-the-dead-letter-topic');
    expect(headingAnchor('SQL: the inbox table')).toBe('sql-the-inbox-table');
    expect(headingAnchor('`npm run bench` and scale 1 → 3')).toBe('npm-run-bench-and-scale-1--3');
  });
});
