// CDC throughput and latency on the real stack: rows written to the inbox table in PostgreSQL,
// carried by Debezium through Kafka Connect, scored by the pipeline in this process (isolated
// table, connector and topics). Phase 1 inserts a backlog of N rows in ONE transaction and times
// until every prediction is written; phase 2 inserts at a steady rate (small transactions every
// 100 ms) and reports insert → prediction latency (received_at = now() of the insert, to scored_at).
//   node bench/cdc.ts [--rows 20000] [--rate 100] [--seconds 20] [--data ../shared/data/sms_labeled.csv]
import { parseArgs } from 'node:util';
import { availableModels } from '../connectors/model-runtime.ts';
import { createPostgresInbox } from '../connectors/postgres/inbox.ts';
import type { NewInboxRow } from '../connectors/inbox.ts';
import { readSmsCsv } from '../features/sms-csv.ts';
import { startParts } from '../runtime/pipeline.ts';
import type { SmsPrediction } from '../schemas/index.ts';
import { cdcFixture } from '../testkit/cdc-fixture.ts';
import { sleep } from './support.ts';
import { DATA_CSV } from '../testkit/data-set.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '20' },
    data: { type: 'string', default: DATA_CSV },
  },
});

const fixture = await cdcFixture();
const { config, run } = fixture;
const texts: string[] = [];
for await (const row of readSmsCsv(args.data, {
  requireLabel: false,
  maxTextBytes: config.pipeline.maxTextBytes,
  onProblem: () => {},
}))
  texts.push(row.text);
const inbox = createPostgresInbox({ url: config.cdc.postgresUrl, schema: config.cdc.schema });
await fixture.waitForConnector();
const pipeline = await startParts(config, ['cdc', 'features', 'scoring'], () => {});
const models = availableModels(config.pipeline.modelsDir).length;

let made = 0;
const rows = (count: number): NewInboxRow[] =>
  Array.from({ length: count }, () => {
    const i = made++;
    return {
      userId: `user-${i % 100}`,
      smsId: `${run}-${i}`,
      senderId: '+447700900000',
      text: texts[i % texts.length]!,
    };
  });
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

try {
  // Phase 1: a backlog committed at once.
  const backlog = Number(args.rows);
  const started = Date.now();
  await inbox.insert(rows(backlog));
  const committedIn = (Date.now() - started) / 1000;
  const burst = await fixture.readTopic<SmsPrediction>(config.topics.predictions, {
    until: (r) => r.length >= backlog * models,
    timeoutMs: 900_000,
  });
  const seconds = (Math.max(...burst.map((r) => r.value.scored_at)) - started) / 1000;
  console.log(
    `backlog: ${backlog} rows in one transaction (committed in ${committedIn.toFixed(1)} s) × ${models} models scored ${seconds.toFixed(1)} s after the INSERT began → ${Math.round(backlog / seconds)} rows/s, ${Math.round((backlog * models) / seconds)} predictions/s`,
  );

  // Phase 2: a steady rate, for latency.
  const rate = Number(args.rate);
  const duration = Number(args.seconds);
  const first = made;
  for (let tick = 0; tick < duration * 10; tick += 1) {
    const at = Date.now();
    await inbox.insert(rows(Math.round(rate / 10)));
    await sleep(100 - (Date.now() - at));
  }
  const steadyCount = made - first;
  const steady = await fixture.readTopic<SmsPrediction>(config.topics.predictions, {
    until: (r) => r.length >= (backlog + steadyCount) * models,
    timeoutMs: 300_000,
  });
  const latencies = steady
    .filter((r) => Number(r.value.sms_id.slice(run.length + 1)) >= first)
    .map((r) => r.value.scored_at - r.value.event_time)
    .sort((a, b) => a - b);
  console.log(
    `steady ${rate} rows/s for ${duration} s: insert → prediction latency p50 ${percentile(latencies, 0.5)} ms, p95 ${percentile(latencies, 0.95)} ms, p99 ${percentile(latencies, 0.99)} ms, max ${latencies.at(-1)} ms (${latencies.length} predictions)`,
  );
} finally {
  await pipeline.stop();
  await inbox.close();
  await fixture.close();
}
