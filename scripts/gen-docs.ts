// `npm run gen:docs`: rewrites every generated region of the documents (scripts/generated-docs.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_REGIONS, PROJECT_ROOT, regenerated } from './generated-docs.ts';

for (const file of new Set(GENERATED_REGIONS.map((region) => region.file))) {
  const path = join(PROJECT_ROOT, file);
  const before = readFileSync(path, 'utf8');
  const after = regenerated(file, before);
  if (after !== before) writeFileSync(path, after);
  console.log(`${file}: ${after === before ? 'up to date' : 'rewritten'}`);
}
