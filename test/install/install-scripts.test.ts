// `npm install` on a fresh machine runs the install scripts of the dependencies. onnxruntime-node's
// fetches optional CUDA binaries from api.nuget.org, outside the npm registry: where that host is
// unreachable it failed, and the whole install with it. package.json's allowScripts (npm 11)
// decides for every installed package that has such a script; this checks it decides for each one,
// denies onnxruntime-node's and allows the `node` devDependency's, which brings Node 24.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const modules = join(root, 'node_modules');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** Every installed package (at any depth) with an install script of its own. */
function packagesWithInstallScripts(dir = modules, found = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      packagesWithInstallScripts(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, scripts = {} } = readJson(manifest);
    if (INSTALL_SCRIPTS.some((script) => script in scripts)) found.add(name);
    if (existsSync(join(path, 'node_modules'))) packagesWithInstallScripts(join(path, 'node_modules'), found);
  }
  return found;
}

describe('install scripts', () => {
  const { allowScripts } = readJson(join(root, 'package.json'));

  it('are allowed or denied, package by package, for every package that has one', () => {
    const undecided = [...packagesWithInstallScripts()].filter((name) => !(name in (allowScripts ?? {})));
    expect(undecided).toEqual([]);
  });

  it("deny onnxruntime-node's download from outside the npm registry, and allow Node 24's", () => {
    expect(allowScripts).toMatchObject({ 'onnxruntime-node': false, node: true });
  });
});
