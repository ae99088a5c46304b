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
// Drops kafkajs's harmless negative-timer warning, and only that one (runtime/warnings.ts).
const { dropKafkajsTimerWarnings } = await import('../runtime/warnings.ts');
dropKafkajsTimerWarnings();
await import('../cli/main.ts');
