#!/usr/bin/env node
// The CLI is written in TypeScript and run by Node's built-in type stripping (Node >= 22.18).
// npm scripts and npx put node_modules/.bin first on PATH, where the `node` devDependency
// provides Node 24 even on machines whose own Node is older.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `spamstream needs Node >= 22.18 (this is ${process.version}). Run it through npm (npm start, npx spamstream), which uses the Node 24 from devDependencies.`,
  );
  process.exit(1);
}
// V8 lets the young generation grow to 64 MiB per semi-space on a large machine: most of a
// processor's resident memory under load (docs/adr/0006-heap-settings.md; the bench's uncapped-heap
// scenario shows the trade in every run). The limit is read only at start-up, so without one the CLI starts itself again with one, in the
// same process (execve keeps the pid, so signals and supervisors see no difference). A limit in
// NODE_OPTIONS or on the command line wins.
const SEMI_SPACE = '--max-semi-space-size';
const semiSpaceSet = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes(SEMI_SPACE));
if (!semiSpaceSet && typeof process.execve === 'function' && process.platform !== 'win32') {
  process.execve(process.execPath, [
    process.execPath,
    `${SEMI_SPACE}=8`,
    ...process.execArgv,
    ...process.argv.slice(1),
  ]);
}
// After each full collection V8 lets the old generation grow to up to 4 times what survived it on
// a machine with this much memory (its heap-growing factor); 1.5 keeps a processor under 256 MiB at
// the same throughput, and unlike --max-old-space-size it sets no limit (docs/adr/0006). V8 reads the flag at every collection, so setting it now works; one on the command line
// wins (NODE_OPTIONS may not carry it).
const GROWING = '--heap-growing-percent';
if (!process.execArgv.some((arg) => arg.startsWith(GROWING))) {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(`${GROWING}=50`);
}
// Drops kafkajs's harmless negative-timer warning, and only that one (runtime/warnings.ts).
const { dropKafkajsTimerWarnings } = await import('../runtime/warnings.ts');
dropKafkajsTimerWarnings();
await import('../cli/main.ts');
