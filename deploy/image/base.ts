// `npm run image:base`: a base image for the Dockerfile made on this machine, for hosts that reach
// no image registry: Debian bookworm (minbase, with CA certificates) from Debian's packages by
// mmdebstrap, plus the Node 24 this project runs on (the npm registry's `node` package, already in
// node_modules) and npm from the npm registry. A CA bundle the host adds through
// NODE_EXTRA_CA_CERTS goes in too, so that `npm ci` in the build trusts what the host trusts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_BASE, podmanOk } from './engine.ts';

const NPM_VERSION = '11.19.1';
const SUITE = 'bookworm';

function sh(command: string, args: readonly string[], cwd?: string): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed (exit ${result.status})`);
}

export function buildLocalBase(image: string = LOCAL_BASE, log: (line: string) => void = console.log): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 19))
    throw new Error(`the base gets this process's Node, ${process.version}; run through npm for Node 24`);
  const work = mkdtempSync(join(tmpdir(), 'spamstream-base-'));
  try {
    const rootfs = join(work, 'rootfs');
    log(`debian ${SUITE} (minbase) from Debian's packages…`);
    sh('mmdebstrap', ['--quiet', '--variant=minbase', '--include=ca-certificates', SUITE, rootfs]);
    log(`node ${process.version} and npm ${NPM_VERSION}…`);
    copyFileSync(process.execPath, join(rootfs, 'usr', 'local', 'bin', 'node'));
    sh('npm', ['pack', `npm@${NPM_VERSION}`, '--silent', '--pack-destination', work]);
    const npmDir = join(rootfs, 'usr', 'local', 'lib', 'node_modules', 'npm');
    mkdirSync(npmDir, { recursive: true });
    sh('tar', ['-xzf', join(work, `npm-${NPM_VERSION}.tgz`), '-C', npmDir, '--strip-components=1']);
    for (const bin of ['npm', 'npx'])
      symlinkSync(`../lib/node_modules/npm/bin/${bin}-cli.js`, join(rootfs, 'usr', 'local', 'bin', bin));
    const changes: string[] = [];
    const extraCa = process.env.NODE_EXTRA_CA_CERTS;
    if (extraCa) {
      copyFileSync(extraCa, join(rootfs, 'etc', 'ssl', 'certs', 'host-extra-ca.crt'));
      changes.push('--change', 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-extra-ca.crt');
    }
    log(`importing as ${image}…`);
    const tarball = join(work, 'rootfs.tar');
    sh('tar', ['-cf', tarball, '-C', rootfs, '.']);
    podmanOk(['import', ...changes, tarball, image]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  buildLocalBase();
  console.log(`built ${LOCAL_BASE}`);
}
