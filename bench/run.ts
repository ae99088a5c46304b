// `npm run bench`: every benchmark, one after another, each in its own process so their memory
// figures do not mix. Needs the stack (`npx spamstream stack up`) and the data set; pass
// `--data <csv>` when it is not at ../shared/data/sms_labeled.csv.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benches = [
  ['pipeline throughput and latency', 'pipeline.ts'],
  ['offline batch scoring (100k rows)', 'predict.ts'],
  ['HTTP edge', 'edge.ts'],
  ['duplicates after kill -9', 'kill9.ts'],
  ['CDC: inbox table → predictions', 'cdc.ts'],
  ['replay beside the live pipeline', 'replay.ts'],
] as const;

const passThrough = process.argv.slice(2);
let failed = 0;
for (const [title, file] of benches) {
  console.log(`\n## ${title} (bench/${file})`);
  const result = spawnSync(process.execPath, [join(import.meta.dirname, file), ...passThrough], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.log(`bench/${file} exited with ${result.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
