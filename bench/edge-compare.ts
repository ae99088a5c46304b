// `node bench/edge-compare.ts --rev <before> [--rev <after>…] [--bare] [--node-client] [--cassandra-pid <pid>]
// [--rounds 3] [--seconds 5] [--rate-seconds 10]`:
// the edge of each revision (`.` = this work tree, the default second) as its own `spamstream run
// edge` process, and the driver reads from this process, all in one invocation and interleaved
// round after round: what a change to the edge bought, measured on a machine whose speed drifts.
// Each other revision is checked out with `git archive` under the system's temporary directory
// (outside the work tree, where the test runner would find its tests). With
// --bare, bench/bare-http.ts too: the same answer from node:http with nothing of the edge. With
// --node-client, the first edge is loaded a second time through Node's http client (the load
// generator the benchmarks used before bench/http-load.ts), to show what the client costs. With
// --cassandra-pid (the local stack's is in .stack/cassandra/pid), Cassandra's CPU is shown too.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { driverReads, edgeCalls, storeFeatureRows } from './edge.ts';
import { type Call, type Watch, interleavedRounds, median, ratio } from './rounds.ts';
import {
  type Child,
  DEFAULT_DATA,
  ROOT,
  cpuMs,
  freePort,
  httpClient as nodeHttpClient,
  readTexts,
  startChild,
} from './support.ts';

const { values: args } = parseArgs({
  options: {
    rev: { type: 'string', multiple: true, default: [] },
    bare: { type: 'boolean', default: false },
    'node-client': { type: 'boolean', default: false },
    'cassandra-pid': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    rate: { type: 'string', default: '500' },
    'rate-seconds': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
  },
});
const revs = args.rev.length === 1 ? [args.rev[0]!, '.'] : args.rev;
if (revs.length < 2) throw new Error('give --rev <before> and optionally --rev <after> (default: this work tree)');

/** The directory holding `rev`'s tree: this work tree for `.`, else an extracted copy. */
function treeOf(rev: string): { dir: string; label: string } {
  if (rev === '.') return { dir: ROOT, label: 'work tree' };
  const commit = execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: ROOT })
    .toString()
    .trim();
  const dir = join(tmpdir(), 'spamstream-edge-compare', commit);
  if (!existsSync(join(dir, 'bin'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C '${dir}'`], { cwd: ROOT });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  }
  return { dir, label: `${rev} (${commit.slice(0, 7)})` };
}

const options = {
  rounds: Number(args.rounds),
  concurrency: Number(args.concurrency),
  seconds: Number(args.seconds),
  rate: Number(args.rate),
  rateSeconds: Number(args['rate-seconds']),
};
const config = loadConfig(process.env);
const ids = await storeFeatureRows(config, await readTexts(DEFAULT_DATA), 1_000);
const edges: { label: string; child: Child; port: number }[] = [];
/** What the rounds load: each edge (and the bare server), then the driver, by name. */
const targets: { name: string; label: string; pid: number; get: Call; close(): void }[] = [];
const driver = await driverReads(config, ids);
try {
  const envOn = (port: number) => ({
    ...process.env,
    SPAMSTREAM_EDGE_PORT: String(port),
    SPAMSTREAM_RATE_LIMIT: '10000000',
    SPAMSTREAM_EDGE_LOG_LEVEL: 'warn',
  });
  for (const rev of revs) {
    const { dir, label } = treeOf(rev);
    const port = await freePort();
    const child = startChild(process.execPath, [join(dir, 'bin', 'spamstream.js'), 'run', 'edge'], {
      env: envOn(port),
      cwd: dir,
    });
    edges.push({ label, child, port });
    await child.waitFor(/edge listening on/);
  }
  if (args.bare) {
    const port = await freePort();
    const child = startChild(process.execPath, [join(ROOT, 'bench', 'bare-http.ts')], { env: envOn(port) });
    edges.push({ label: 'bare node:http (bench/bare-http.ts)', child, port });
    await child.waitFor(/bare listening/);
  }
  for (const [i, edge] of edges.entries()) {
    const calls = edgeCalls(edge.port, options.concurrency, ids);
    targets.push({ name: `edge ${i}`, label: edge.label, pid: edge.child.process.pid!, ...calls });
  }
  if (args['node-client']) {
    const http = nodeHttpClient(edges[0]!.port, options.concurrency);
    const get: Call = async (i) => (await http.get(`/features/${ids[i % ids.length]}`)) === 200;
    const label = `${edges[0]!.label}, through Node's http client`;
    targets.push({ name: 'edge 0 node:http client', label, pid: edges[0]!.child.process.pid!, get, close: http.close });
  }
  targets.push({
    name: 'driver',
    label: 'driver reads in this process',
    pid: process.pid,
    get: driver.read,
    close() {},
  });
  const calls = Object.fromEntries(targets.map((target) => [target.name, target.get]));
  const pids = Object.fromEntries(targets.map((target) => [target.name, target.pid]));
  console.log(targets.map((target) => `${target.name}: ${target.label}`).join('\n'));
  console.log(
    `${options.rounds} rounds; GET /features/:id, ${options.concurrency} clients; open loop ${options.rate}/s`,
  );
  // CPU per request (closed loop) of the serving process (the edge's; for the driver, this one's),
  // of the load generator (this process) and, when its pid is given, of Cassandra; and Cassandra's
  // CPU per second of the open loop.
  const cassandraPid = args['cassandra-pid'] === undefined ? undefined : Number(args['cassandra-pid']);
  const cpu: Record<string, number[]> = {};
  const loadCpu: Record<string, number[]> = {};
  const cassandraCpu: Record<string, number[]> = {};
  const cassandraAtRate: Record<string, number[]> = {};
  const ownCpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const cassandraMs = () => (cassandraPid === undefined ? Number.NaN : cpuMs(cassandraPid));
  const watch: Watch = (name, kind) => {
    const [served, generated, cassandra] = [cpuMs(pids[name]!), ownCpuMs(), cassandraMs()];
    return (result) => {
      if (kind === 'atRate') {
        (cassandraAtRate[name] ??= []).push(Math.round((cassandraMs() - cassandra) / options.rateSeconds));
        return;
      }
      const perRequest = (ms: number) => Math.round((ms * 1000) / result.count);
      (cpu[name] ??= []).push(perRequest(cpuMs(pids[name]!) - served));
      (loadCpu[name] ??= []).push(perRequest(ownCpuMs() - generated));
      (cassandraCpu[name] ??= []).push(perRequest(cassandraMs() - cassandra));
    };
  };
  const rounds = await interleavedRounds(
    calls,
    calls,
    options,
    (round, index) => {
      for (const [name, r] of Object.entries(round.closed)) {
        const at = round.atRate[name]!;
        const vsDriver = name === 'driver' ? '' : ` (${ratio(r.perSecond, round.closed.driver!.perSecond)} of driver)`;
        console.log(
          `round ${index + 1} ${name}: ${r.perSecond}/s${vsDriver}, p99 ${r.p99} ms, CPU ${cpu[name]!.at(-1)} µs/request ` +
            `(load generator ${loadCpu[name]!.at(-1)}, Cassandra ${cassandraCpu[name]!.at(-1)}) · at ${options.rate}/s ` +
            `p50 ${at.p50} p99 ${at.p99} ms (Cassandra ${cassandraAtRate[name]!.at(-1)} ms CPU/s), errors ${r.errors + at.errors}`,
        );
      }
    },
    watch,
  );
  console.log('medians over the rounds:');
  for (const name of Object.keys(calls)) {
    const of = (pick: (r: (typeof rounds)[number]) => number) => median(rounds.map(pick));
    const rps = of((r) => r.closed[name]!.perSecond);
    const share = of((r) => ratio(r.closed[name]!.perSecond, r.closed.driver!.perSecond));
    const p99 = of((r) => r.atRate[name]!.p99);
    const [served, generated, cassandra] = [cpu, loadCpu, cassandraCpu].map((byName) => median(byName[name]!));
    console.log(
      `${name}: ${rps}/s (${share} of driver), CPU ${served} µs/request (load generator ${generated}, ` +
        `Cassandra ${cassandra}), p99 at ${options.rate}/s ${p99} ms`,
    );
  }
} finally {
  for (const target of targets) target.close();
  await driver.close();
  for (const edge of edges) await edge.child.stop();
}
