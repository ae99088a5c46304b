// `npm run fuzz:edge`: schemathesis fuzzes the HTTP edge from its own OpenAPI document with every
// check (no 5xx, no stack trace, and the document says exactly what the edge accepts and answers:
// statuses, content types, 405 with Allow for undeclared methods…).
//
// Without --url it starts `spamstream run edge` on a free port against the configured servers, on
// settings of its own (topics fuzz-edge.*, keyspace spamstream_fuzz_edge, inbox schema fuzz_edge,
// no Debezium connector of its own: `/ready` looks at the stack's), so fuzzed writes never reach
// the real topics or tables. It waits until `/ready` answers 200, since a 503 counts as a failure.
// With --url it fuzzes an edge that is already running. schemathesis runs from fuzz/.venv (fuzz/requirements.txt).
//
// Exits 0 only when schemathesis found nothing; the last line is always one summary line, e.g.
// `fuzz:edge 1724 cases, 0 failures, 13 operations (seed 1) — .test-results/fuzz-edge/output.txt`.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig, postgresConnectionUrl } from '../config/config.ts';
import { checkConnectorRunning } from '../connectors/cdc/connector-rest.ts';
import { applyInboxSchema } from '../connectors/postgres/schema.ts';
import { pythonVenv } from './python-env.ts';

const root = join(import.meta.dirname, '..');
const reportDir = join(root, '.test-results', 'fuzz-edge');
const spamstream = join(root, 'bin', 'spamstream.js');

interface Options {
  url?: string;
  seed: string;
  maxExamples: string;
  workers: string;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'max-examples': { type: 'string', default: '100' },
      workers: { type: 'string', default: '1' },
    },
  });
  return { url: values.url, seed: values.seed, maxExamples: values['max-examples'], workers: values.workers };
}

/** The isolated settings of the edge this script starts, over the caller's endpoints. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SPAMSTREAM_TOPIC_RAW: 'fuzz-edge.sms.raw',
    SPAMSTREAM_TOPIC_FEATURES: 'fuzz-edge.sms.features',
    SPAMSTREAM_TOPIC_PREDICTIONS: 'fuzz-edge.sms.predictions',
    SPAMSTREAM_TOPIC_LABELS: 'fuzz-edge.sms.labels',
    SPAMSTREAM_TOPIC_VERDICTS: 'fuzz-edge.sms.verdicts',
    SPAMSTREAM_TOPIC_QUALITY: 'fuzz-edge.sms.quality',
    SPAMSTREAM_TOPIC_DLQ: 'fuzz-edge.sms.dlq',
    SPAMSTREAM_TOPIC_REPLAYS: 'fuzz-edge.sms.replays',
    SPAMSTREAM_TOPIC_PARTITIONS: '1',
    // Fuzzed messages are throw-away: an hour, not the replay topics' forever.
    SPAMSTREAM_REPLAY_RETENTION_MS: '3600000',
    SPAMSTREAM_CASSANDRA_KEYSPACE: 'spamstream_fuzz_edge',
    SPAMSTREAM_GROUP_PREFIX: 'fuzz-edge',
    SPAMSTREAM_CDC_SCHEMA: 'fuzz_edge',
    SPAMSTREAM_EDGE_HOST: '127.0.0.1',
    SPAMSTREAM_EDGE_PORT: '0',
    // The fuzzer sends thousands of requests a minute: the limit is not what is under test.
    SPAMSTREAM_RATE_LIMIT: '10000000',
  };
  return env;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [spamstream, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`spamstream ${args.join(' ')} exited ${code}:\n${output}`));
    });
  });
}

/**
 * Topics, schemas and keyspace (CDC off: no connector), then the inbox table in its own schema.
 * The inbox routes are fuzzed only while the stack's connector runs: otherwise `/ready` is rightly
 * a 503 and every case would fail on it, so the edge runs with CDC off (returned env) instead.
 */
async function prepare(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  await runCli(['topology', 'apply'], { ...env, SPAMSTREAM_CDC: 'off' });
  const config = loadConfig(env, root);
  if (!config.cdc.enabled) return env;
  try {
    await checkConnectorRunning(config.cdc.connectUrl, config.cdc.connector);
  } catch (error) {
    console.log(`[fuzz:edge] inbox routes left out (CDC off): ${(error as Error).message}`);
    return { ...env, SPAMSTREAM_CDC: 'off' };
  }
  const client = new pg.Client({ connectionString: postgresConnectionUrl(config.cdc), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await applyInboxSchema(client, config.cdc.schema);
  } finally {
    await client.end();
  }
  return env;
}

/** `spamstream run edge` on a free port; resolves with its address once it listens. */
function startEdge(env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [spamstream, 'run', 'edge'], { cwd: root, env, stdio: 'pipe' });
  const log = createWriteStream(join(reportDir, 'edge.log'));
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  // Never outlive this script, however it ends.
  process.on('exit', () => child.kill('SIGKILL'));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the edge did not listen within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/edge listening on (http:\/\/\S+)/)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`the edge exited (${code}) before it listened:\n${output}`)));
  });
}

async function stopEdge(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves once `GET /ready` is 200; rejects after 60 s naming what is not ready. */
async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`the edge at ${url} is not ready (GET /ready: ${last}); fuzzing it would only find 503s`);
}

/** Runs schemathesis, its output into the report folder; resolves with its exit status and output. */
function schemathesis(python: string, url: string, options: Options): Promise<{ status: number; output: string }> {
  const bin = join(python, '..', 'schemathesis');
  const args = [
    'run',
    `${url}/openapi.json`,
    '--checks',
    'all',
    '--seed',
    options.seed,
    '--max-examples',
    options.maxExamples,
    '--workers',
    options.workers,
    '--report',
    'junit',
    '--report-dir',
    reportDir,
    '--no-color',
  ];
  writeFileSync(join(reportDir, 'command.txt'), `schemathesis ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ status: code ?? 1, output }));
  });
}

/** The figures of schemathesis's summary: cases generated, failures and errors found, operations tested. */
export interface FuzzSummary {
  cases: number;
  failures: number;
  errors: number;
  operations: number;
}

export function summarize(output: string): FuzzSummary | undefined {
  const cases = output.match(/(\d+) generated/)?.[1];
  // The closing rule: "== 12 failures, 1 warning in 29.38s ==", "== No issues found in 9.1s ==".
  const closing = output.match(/^=+ (.+) in [\d.]+s =+$/m)?.[1];
  if (cases === undefined || closing === undefined) return undefined;
  const count = (word: string) => Number(closing.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  const operations = Number(output.match(/Tested: (\d+)/)?.[1] ?? 0);
  return { cases: Number(cases), failures: count('failure'), errors: count('error'), operations };
}

async function main(): Promise<number> {
  const options = parseOptions();
  mkdirSync(reportDir, { recursive: true });
  const note = (line: string) => console.log(`[fuzz:edge] ${line}`);
  const python = pythonVenv(join(root, 'fuzz', '.venv'), join(root, 'fuzz', 'requirements.txt'), note);
  if (!python) throw new Error('could not prepare fuzz/.venv with schemathesis (pip install failed)');
  let edge: ChildProcess | undefined;
  let url = options.url?.replace(/\/+$/, '');
  try {
    if (!url) {
      const env = await prepare(isolatedEnv());
      const started = await startEdge(env);
      edge = started.child;
      url = started.url;
      console.log(`[fuzz:edge] edge on ${url} (topics fuzz-edge.*, keyspace spamstream_fuzz_edge)`);
    }
    await waitReady(url);
    const { status, output } = await schemathesis(python, url, options);
    const log = join(reportDir, 'output.txt');
    writeFileSync(log, output);
    const figures = summarize(output);
    if (status !== 0) {
      const details = output.search(/^=+ (FAILURES|ERRORS) =+$/m);
      console.log(details >= 0 ? output.slice(details) : output);
    }
    const where = log.slice(root.length + 1);
    if (!figures) {
      console.log(`fuzz:edge schemathesis exited ${status} without a summary — ${where}`);
      return status === 0 ? 1 : status;
    }
    const { cases, failures, errors, operations } = figures;
    const counts = `${cases} cases, ${failures} failures, ${errors} errors, ${operations} operations`;
    console.log(`fuzz:edge ${counts} (seed ${options.seed}) — ${where}`);
    return status !== 0 ? status : failures + errors > 0 ? 1 : 0;
  } finally {
    if (edge) await stopEdge(edge);
  }
}

if (import.meta.main) {
  main().then(
    (status) => process.exit(status),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      console.log('fuzz:edge could not run — see above');
      process.exit(2);
    },
  );
}
