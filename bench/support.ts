// Helpers shared by the benchmarks: load loops (closed and open), latency summaries, child
// processes of the CLI, RSS sampling, the data set's texts. Every loop is bounded in count and time.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readSmsCsv } from '../features/sms-csv.ts';
import type { Config } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { type Messaging, applyPorts, connectMessaging } from '../runtime/wiring.ts';
import { startParts } from '../runtime/pipeline.ts';
import { applyTopology } from '../topology/apply.ts';
import type { SmsRaw } from '../schemas/index.ts';
import { valueSubject } from '../topology/topics.ts';
import { readTopic } from '../testkit/read-topic.ts';
import { pidFile } from '../stack/process.ts';
import { type ServerName, type StackSettings, serverDir } from '../stack/server.ts';

export const ROOT = join(import.meta.dirname, '..');
export { DATA_CSV as DEFAULT_DATA } from '../testkit/data-set.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Records of a whole topic, and distinct keys among them as `keyOf` gives them. */
export async function countRecords<T>(
  messaging: Messaging,
  topic: string,
  keyOf?: (value: T) => string,
): Promise<{ total: number; distinct: number }> {
  const records = await readTopic<T>(messaging, topic);
  return { total: records.length, distinct: keyOf ? new Set(records.map((r) => keyOf(r.value))).size : records.length };
}

/** Produces SmsRaw messages `<run>-<n>` cycling through `texts`, received now, in sends of up to 1,000. */
export function rawProducer(messaging: Messaging, config: Config, run: string, texts: readonly string[]) {
  const subject = valueSubject(config.topics.raw);
  let produced = 0;
  const encode = async () => {
    const text = texts[produced % texts.length]!;
    const smsId = `${run}-${produced++}`;
    const raw: SmsRaw = { sms_id: smsId, sender: 's', recipient: 'r', text, received_at: Date.now(), source: 'bench' };
    return { topic: config.topics.raw, key: raw.sms_id, value: await messaging.codec.encode(subject, raw) };
  };
  return {
    get produced() {
      return produced;
    },
    async send(count: number) {
      for (let sent = 0; sent < count; sent += 1_000) {
        await messaging.writer.send(await Promise.all(Array.from({ length: Math.min(1_000, count - sent) }, encode)));
      }
    },
  };
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

export interface LoadResult {
  readonly count: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

function summarize(latencies: number[], seconds: number, errors: number): LoadResult {
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    count: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    p50: round(percentile(latencies, 0.5)),
    p99: round(percentile(latencies, 0.99)),
    errors,
  };
}

/** `call` resolves true on success. Closed loop: `concurrency` callers, each starts its next call when one ends. */
export async function closedLoop(
  options: { concurrency: number; seconds: number; maxCalls?: number },
  call: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const max = options.maxCalls ?? 10_000_000;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline && n < max) {
        const t = performance.now();
        const ok = await call(n++).catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) errors += 1;
      }
    }),
  );
  return summarize(latencies, (performance.now() - started) / 1000, errors);
}

/**
 * Open loop: call i is due at start + i / rate whether earlier calls finished or not, and its latency
 * counts from when it was due (so a stall delays every call behind it: no coordinated omission).
 * At most `maxInFlight` calls wait at once; a call that would exceed it counts as an error.
 */
export async function openLoop(
  options: { rate: number; seconds: number; maxInFlight?: number },
  call: (i: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const total = Math.round(options.rate * options.seconds);
  const maxInFlight = options.maxInFlight ?? 2_000;
  let errors = 0;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    for (; i < total && started + (i * 1000) / options.rate <= now; i += 1) {
      const due = started + (i * 1000) / options.rate;
      if (inFlight >= maxInFlight) {
        errors += 1;
        continue;
      }
      inFlight += 1;
      pending.push(
        call(i)
          .catch(() => false)
          .then((ok) => {
            inFlight -= 1;
            latencies.push(performance.now() - due);
            if (!ok) errors += 1;
          }),
      );
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return summarize(latencies, options.seconds, errors);
}

/** A keep-alive HTTP client for 127.0.0.1, lighter than fetch: resolves with the status once the body is read. */
export function httpClient(port: number, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const send = (method: string, path: string, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const headers =
        body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown) => send('POST', path, JSON.stringify(body)),
    close: () => agent.destroy(),
  };
}

/** Texts of the labelled data set, in file order. */
export async function readTexts(path: string): Promise<string[]> {
  const texts: string[] = [];
  const rows = readSmsCsv(path, { requireLabel: false, maxTextBytes: 4096, onProblem: () => {} });
  for await (const row of rows) texts.push(row.text);
  return texts;
}

export interface Child {
  readonly process: ChildProcess;
  /** The first stdout line matching `pattern`; rejects if the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a program, keeping its stdout lines for waitFor and passing its stderr through. */
export function startChild(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Child {
  const env = options.env ?? process.env;
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const name = `${command} ${args.join(' ')}`;
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters) wake();
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (line !== undefined) finish(() => resolve(line));
        };
        const finish = (settle: () => void) => {
          waiters.delete(check);
          clearTimeout(timer);
          settle();
        };
        const fail = (why: string) => finish(() => reject(new Error(`${name} ${why}; stderr: ${stderr}`)));
        const timer = setTimeout(() => fail(`printed no line ${pattern} in ${timeoutMs} ms`), timeoutMs);
        void exited.then(() => fail(`exited (${child.exitCode})`));
        waiters.add(check);
        check();
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** `spamstream <args>` on this Node, as a child process; `nodeArgs` go to Node before the script (V8 flags). */
export const startCli = (args: readonly string[], env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): Child =>
  startChild(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'spamstream.js'), ...args], { env });

/** Samples the resident set size of processes every `everyMs` and keeps each one's peak, in MiB. */
export function sampleRss(pids: readonly number[], everyMs = 200) {
  const peak = new Map<number, number>(pids.map((pid) => [pid, 0]));
  const read = () => {
    for (const pid of pids) {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
        peak.set(pid, Math.max(peak.get(pid)!, Math.round(kb / 1024)));
      } catch {
        // the process has exited: keep its peak
      }
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    peaks: () => {
      read();
      return pids.map((pid) => peak.get(pid)!);
    },
    stop: () => clearInterval(timer),
  };
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux; NaN elsewhere). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime and stime, in ticks of 10 ms
  } catch {
    return Number.NaN;
  }
}

/** The pid of a server of the local stack (`spamstream stack up`), or undefined when none runs from here. */
export function localServerPid(config: StackSettings, name: ServerName): number | undefined {
  try {
    return Number(readFileSync(pidFile(serverDir(config, name)), 'utf8'));
  } catch {
    return undefined;
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** An isolated live pipeline (features + scoring) in this process, and a producer of the data set's texts. */
export async function benchPipeline(config: Config, run: string, dataPath: string) {
  const texts = await readTexts(dataPath);
  const messaging = connectMessaging(config);
  await applyTopology(applyPorts(config, messaging), config);
  const pipeline = await startParts(config, ['features', 'scoring'], () => {});
  const models = availableModels(config.pipeline.modelsDir).length;
  const producer = rawProducer(messaging, config, run, texts);
  return { messaging, pipeline, models, produce: (count: number) => producer.send(count) };
}
