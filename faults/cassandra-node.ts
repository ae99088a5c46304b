// Cluster scenarios of the online store: one Cassandra node of three killed with kill -9. With three
// replicas, LOCAL_QUORUM needs two: writes and reads go on, and the edge keeps answering. The other
// nodes keep hints of the writes it missed and replay them once it is back. Then the single node's
// known loss (acknowledged writes gone after kill -9, periodic commit log) rerun on the cluster: the
// node is killed right after everything sent was acknowledged, and every row must still be read at ALL.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerName } from '../stack/server.ts';
import { serverDir } from '../stack/server.ts';
import type { ClusterFault } from './cluster-scenario.ts';
import { percentile, probeEdge } from './edge-probe.ts';
import { sleep } from './parts.ts';

const OUTAGE_MS = 60_000;
const EDGE_RATE = 20;
const KILLED: ServerName = 'cassandra-3';
const LIVE: readonly ServerName[] = ['cassandra-1', 'cassandra-2'];

/** Hint files the live nodes hold for the one that is down. */
async function hintFiles(h: Parameters<ClusterFault['inject']>[0]['h']): Promise<number> {
  let files = 0;
  for (const name of LIVE) {
    const dir = join(serverDir(h.config, name), 'data', 'hints');
    files += (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.hints')).length;
  }
  return files;
}

export const cassandraNodeDown: ClusterFault = {
  name: 'kill -9 a Cassandra node, 60 s',
  edge: true,
  async inject({ h, nodes, log, edgeUrl }) {
    // Messages whose features are stored by now: of the first ones sent, those the edge finds.
    const ids = await storedIds(edgeUrl!, h.load.sentIds.slice(0, 1_000));
    h.check(ids.length > 0, 'the edge found none of the first messages sent: nothing to read during the outage');
    const probe = probeEdge(edgeUrl!, ids, EDGE_RATE);
    await sleep(5_000);
    const killed = Date.now();
    await nodes.kill(KILLED);
    log(`  kill -9 ${KILLED} at ${h.elapsed()}`);
    await sleep(OUTAGE_MS);
    const hints = await hintFiles(h);
    const startSeconds = await nodes.start();
    const back = Date.now();
    log(`  ${KILLED} answering again at ${h.elapsed()}`);
    const replaying = hintsReplayed(h);
    await sleep(5_000);
    const answers = await probe.stop();
    const during = answers.filter((a) => a.at >= killed && a.at < back);
    const before = answers.filter((a) => a.at < killed);
    const failed = answers.filter((a) => a.status !== 200);
    h.check(
      failed.length === 0,
      `${failed.length} of ${answers.length} GET /features/:id not 200, e.g. ${JSON.stringify(failed.slice(0, 3))}`,
    );
    const p99 = Math.round(
      percentile(
        during.map((a) => a.ms),
        0.99,
      ),
    );
    h.note(
      `${KILLED} down ${((back - killed) / 1000).toFixed(0)} s (killed, started again after ${OUTAGE_MS / 1000} s, ` +
        `answering ${startSeconds.toFixed(1)} s later); the live nodes held ${hints} hint files for it just before; ` +
        `GET /features/:id at ${EDGE_RATE}/s: ${during.length} while it was down, p50 ` +
        `${Math.round(
          percentile(
            during.map((a) => a.ms),
            0.5,
          ),
        )} ms, p99 ${p99} ms (before: p99 ` +
        `${Math.round(
          percentile(
            before.map((a) => a.ms),
            0.99,
          ),
        )} ms), ${failed.length} not 200`,
    );
    const replayed = await replaying;
    h.note(
      replayed === undefined
        ? 'hint files were still there 120 s after the node came back'
        : `the live nodes' hint files were gone ${replayed.toFixed(0)} s after it answered (replayed to it)`,
    );
    return { edge_p99_ms: p99 };
  },
};

/** Those of `ids` whose features the edge answers (200), at most 200. */
async function storedIds(url: string, ids: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const id of ids) {
    const response = await fetch(`${url}/features/${encodeURIComponent(id)}`);
    await response.arrayBuffer();
    if (response.status === 200) found.push(id);
    if (found.length === 200) break;
  }
  return found;
}

/** Seconds until the live nodes hold no hint files any more, undefined after 120 s. */
async function hintsReplayed(h: Parameters<ClusterFault['inject']>[0]['h']): Promise<number | undefined> {
  const began = Date.now();
  while (Date.now() - began < 120_000) {
    if ((await hintFiles(h)) === 0) return (Date.now() - began) / 1000;
    await sleep(1_000);
  }
  return undefined;
}

export const cassandraKillAfterAck: ClusterFault = {
  name: 'kill -9 a Cassandra node right after its writes were acknowledged',
  when: 'caughtUp',
  async inject({ h, nodes, log }) {
    // Every message sent so far is scored: its rows were acknowledged at LOCAL_QUORUM moments ago,
    // some still only in the killed node's unsynced commit log (commitlog_sync: periodic, 10 s).
    const acknowledged = h.load.sentIds.length;
    await nodes.kill(KILLED);
    log(`  kill -9 ${KILLED} at ${h.elapsed()}, ${acknowledged} messages acknowledged`);
    await sleep(10_000);
    const startSeconds = await nodes.start();
    h.note(
      `${KILLED} killed right after ${acknowledged} messages were acknowledged, started again after 10 s ` +
        `(answering ${startSeconds.toFixed(1)} s later); the store is read at ALL below`,
    );
    return undefined;
  },
};
