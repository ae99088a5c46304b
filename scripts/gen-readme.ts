// Rewrites the README's configuration tables from config/settings.ts (`npm run gen:readme`);
// config/settings-table.test.ts fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../config/settings-table.ts';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withSettingsTable(before);
if (after === before) {
  console.log('README.md: the configuration tables are up to date');
} else {
  writeFileSync(path, after);
  console.log('README.md: configuration tables rewritten from config/settings.ts');
}
