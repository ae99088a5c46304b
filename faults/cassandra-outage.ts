// Scenario 3: the online store killed mid-stream and started again about 30 s later — a private
// Cassandra (testkit/second-cassandra.ts), never the shared one. Processors must back off
// (retriable STORE_UNAVAILABLE, never a dead letter), `/ready` must answer 503 naming cassandra, no
// offset may be committed while no record can be written, and afterwards every message must be in
// the store and scored.
import cassandra from 'cassandra-driver';
import { TABLES } from '../connectors/cassandra/tables.ts';
import { startSecondCassandra } from '../testkit/second-cassandra.ts';
import type { Harness } from './harness.ts';
import { type Scenario, withHarness, withServer } from './harness.ts';
import { sleep } from './parts.ts';
import { committed, edgeUrl, waitReady, watchReady } from './outage-checks.ts';

export const cassandraOutage: Scenario = {
  name: 'Cassandra down 30 s',
  run: ({ quick, log }) =>
    withServer(
      'cassandra',
      () => startSecondCassandra(),
      (store) =>
        withHarness('cassandra', { SPAMSTREAM_CASSANDRA_CONTACT_POINTS: store.contactPoint }, async (h) => {
          const messages = quick ? 3_000 : 20_000;
          const rate = quick ? 100 : 250;
          const [url] = await Promise.all([
            edgeUrl(h),
            h.parts.startRunning('features'),
            h.parts.startRunning('scoring'),
          ]);
          const flow = h.load.flow(rate);
          await h.load.waitForSent(messages * 0.25);
          const down = Date.now();
          await store.kill();
          const sentBeforeKill = h.load.sentIds.length;
          log(`  cassandra killed at ${h.elapsed()}, ${h.load.sentIds.length} sent`);
          // What was written before the kill may still commit; then nothing more can.
          const outage = (async () => {
            await sleep(5_000);
            const before = await committed(h);
            // The rest of the 30 s (quick: 15 s), then Cassandra's own start (10-40 s here).
            await sleep(quick ? 10_000 : 25_000);
            const after = await committed(h);
            h.check(before === after, `offsets were committed while Cassandra was down: ${before} → ${after}`);
            await store.start();
          })();
          const answers = await watchReady(url, outage);
          await outage;
          const seconds = (Date.now() - down) / 1000;
          log(`  cassandra answering again at ${h.elapsed()}`);
          const naming = answers.filter((a) => a.status === 503 && /cassandra/.test(a.message));
          h.check(
            naming.length > 0,
            `/ready never answered 503 naming cassandra while it was down: ${JSON.stringify(answers.slice(0, 3))}`,
          );
          const readyAgain = await waitReady(url);
          h.check(readyAgain !== undefined, '/ready did not answer 200 within 180 s of Cassandra answering again');
          h.note(
            `Cassandra down ${seconds.toFixed(1)} s; /ready answered ${naming.length} of ${answers.length} polls ` +
              `503 naming cassandra ("${naming[0]?.message.slice(0, 60) ?? ''}…"), 200 again ` +
              `${readyAgain?.toFixed(1) ?? '—'} s after it answered`,
          );
          await flow.stopAt(messages);
          await h.waitForPredictions(240_000);
          log(`  every prediction present at ${h.elapsed()}`);
          await checkStore(h, store.contactPoint, sentBeforeKill);
          await h.parts.stopAll();
          return h.result(cassandraOutage.name);
        }),
    ),
};

/**
 * Every message sent after the kill must have its feature views and a prediction per model in the
 * store: it can only have been written after the restart, so a missing row means an offset was
 * committed past an unwritten record. Rows of messages sent before the kill are only counted: the
 * stack's Cassandra syncs its commit log every 10 s (periodic), so a kill -9 may lose writes it had
 * already acknowledged (measured: 21 of 2,000) — a durability setting of the server, not the pipeline.
 */
async function checkStore(h: Harness, contactPoint: string, sentBeforeKill: number): Promise<void> {
  const { keyspace, localDataCenter } = h.config.cassandra;
  const client = new cassandra.Client({ contactPoints: [contactPoint], localDataCenter, keyspace });
  try {
    const rows = async (query: string) => {
      const out = new Map<string, number>();
      let pageState: string | undefined;
      do {
        const page = await client.execute(query, [], { prepare: true, fetchSize: 5_000, pageState });
        // One row per message; its map holds one entry per view (or model version).
        for (const row of page.rows) out.set(row.get('sms_id') as string, Object.keys(row.get('encoded') ?? {}).length);
        pageState = page.pageState ?? undefined;
      } while (pageState);
      return out;
    };
    const features = await rows(`SELECT sms_id, encoded FROM ${TABLES.features}`);
    const predictions = await rows(`SELECT sms_id, encoded FROM ${TABLES.predictions}`);
    const incomplete = (id: string) => !features.has(id) || (predictions.get(id) ?? 0) < h.models;
    const detail = (id: string) =>
      `${id}: ${features.get(id) ?? 0} feature views, ${predictions.get(id) ?? 0} predictions`;
    const missing = h.load.sentIds.slice(sentBeforeKill).filter(incomplete);
    h.check(
      missing.length === 0,
      `${missing.length} messages sent after the kill without all their rows in Cassandra, e.g. ` +
        `${missing.slice(0, 5).map(detail).join('; ')}`,
    );
    const lostByKill = h.load.sentIds.slice(0, sentBeforeKill).filter(incomplete);
    if (lostByKill.length > 0)
      h.note(
        `${lostByKill.length} messages sent before the kill lack rows the killed Cassandra had acknowledged ` +
          `(periodic commit log), e.g. ${lostByKill.slice(0, 2).map(detail).join('; ')}`,
      );
    h.note(`Cassandra holds features of ${features.size} and predictions of ${predictions.size} messages`);
  } finally {
    await client.shutdown();
  }
}
