// Rewrites the README's configuration tables from config/settings.ts and its benchmark table from
// docs/benchmarks/quick-run.json (`npm run gen:readme`); config/settings-table.test.ts and
// bench/table.test.ts fail when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { withSettingsTable } from '../config/settings-table.ts';
import { README_RUN, withBenchTable } from '../bench/table.ts';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withBenchTable(withSettingsTable(before), JSON.parse(readFileSync(README_RUN, 'utf8')));
if (after === before) {
  console.log('README.md: the generated tables are up to date');
} else {
  writeFileSync(path, after);
  console.log('README.md: configuration and benchmark tables rewritten');
}
