// What every fault scenario shares: an isolated pipeline (its own topics, consumer groups and ids)
// whose parts run as real processes (`bin/spamstream.js run <part>`), a rate-limited producer of
// labelled messages, and the outside measurement — a read-committed reader of sms.predictions and
// sms.dlq that never commits, whose records verdict.ts counts. A scenario only injects its fault and
// checks what it promises.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { type Config, loadConfig } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { readSmsCsv } from '../features/sms-csv.ts';
import { type Messaging, applyPorts, connectMessaging } from '../runtime/wiring.ts';
import { type DeadLetter, type SmsPrediction, type SmsRaw, loadSchema } from '../schemas/index.ts';
import { DATA_CSV } from '../testkit/data-set.ts';
import { cdcEnv, isolatedEnv } from '../testkit/pipeline-fixture.ts';
import { type ReadRecord, readTopic } from '../testkit/read-topic.ts';
import { applyTopology } from '../topology/apply.ts';
import { valueSubject } from '../topology/topics.ts';
import { dropRun } from '../testkit/drop-run.ts';
import { type Observed, type Verdict, verdict } from './verdict.ts';

/** A scenario's counts and checks (verdict.ts), with how long it took and whether it passed. */
export interface ScenarioResult extends Verdict {
  readonly name: string;
  readonly seconds: number;
  readonly ok: boolean;
}

export interface ScenarioOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

export interface Scenario {
  readonly name: string;
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}

export type Part = 'features' | 'scoring' | 'edge' | 'cdc';

export interface PartProcess {
  readonly part: Part;
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The shortest consumer session the broker allows, and a drain that fits in it. */
export const FAST_REBALANCE = { SPAMSTREAM_SESSION_TIMEOUT_MS: '6000', SPAMSTREAM_DRAIN_TIMEOUT_MS: '3000' };

export const RUNNING = /processor \w+ running/;

/** Confluent framing: magic byte 0, the schema id, the Avro body. */
export function framed(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const root = join(import.meta.dirname, '..');
/** How long `run <part>` may take to exit after SIGINT/SIGTERM before the scenario fails. */
export const STOP_DEADLINE_MS = 30_000;

let corpus: string[] | undefined;
/** The texts of the labelled data set, read once. */
async function texts(): Promise<string[]> {
  if (corpus) return corpus;
  const out: string[] = [];
  for await (const row of readSmsCsv(DATA_CSV, { requireLabel: false, maxTextBytes: 4096, onProblem: () => {} }))
    out.push(row.text);
  corpus = out;
  return out;
}

export class Harness {
  readonly run: string;
  readonly env: Record<string, string | undefined>;
  readonly config: Config;
  readonly messaging: Messaging;
  readonly models: number;
  readonly logDir: string;
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  readonly parts: PartProcess[] = [];
  /** Ids of the good messages produced so far. */
  readonly sentIds: string[] = [];
  sentPoison = 0;
  private readonly started = Date.now();
  private rawWriter: Promise<{ id: number; type: avro.Type }> | undefined;
  private launched = 0;

  private constructor(run: string, env: Record<string, string | undefined>) {
    this.run = run;
    this.env = env;
    this.config = loadConfig(env);
    this.messaging = connectMessaging(this.config);
    this.models = availableModels(this.config.pipeline.modelsDir).length;
    this.logDir = join(tmpdir(), `spamstream-faults-${run}`);
    mkdirSync(this.logDir, { recursive: true });
  }

  /** A pipeline of its own on the servers `overrides` names (default: the shared stack), topology applied. */
  static async create(name: string, overrides: Record<string, string> = {}): Promise<Harness> {
    const run = `fault-${name}-${Date.now().toString(36)}`;
    const env = {
      // CDC, when a scenario turns it on, with a connector, slot and schema of the run's own.
      ...(overrides.SPAMSTREAM_CDC === 'on' ? cdcEnv(run) : isolatedEnv(run)),
      SPAMSTREAM_TOPIC_PARTITIONS: '4',
      SPAMSTREAM_EDGE_PORT: '0',
      SPAMSTREAM_SHUTDOWN_TIMEOUT_MS: String(STOP_DEADLINE_MS - 5_000),
      ...overrides,
    };
    const harness = new Harness(run, env);
    await applyTopology(applyPorts(harness.config, harness.messaging), harness.config);
    return harness;
  }

  note(line: string): void {
    this.notes.push(line);
  }

  /** Records a failed check; the scenario goes on, so that the counts are still measured. */
  check(condition: boolean, problem: string): boolean {
    if (!condition) this.problems.push(problem);
    return condition;
  }

  elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }

  /** `spamstream run <part>` with this pipeline's environment; its output goes to a log file. */
  start(part: Part, extraEnv: Record<string, string> = {}): PartProcess {
    this.launched += 1;
    const logPath = join(this.logDir, `${part}-${this.launched}.log`);
    const fd = openSync(logPath, 'a');
    const child = spawn(process.execPath, [join(root, 'bin', 'spamstream.js'), 'run', part], {
      cwd: root,
      env: { ...this.env, ...extraEnv },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const process_ = { part, child, logPath, exited };
    this.parts.push(process_);
    return process_;
  }

  /** Resolves once the part's log shows `pattern` (e.g. that its processor runs), or throws after `timeoutMs`. */
  async waitForLog(target: PartProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = Harness.read(target.logPath).match(pattern);
      if (match) return match[0];
      if (target.child.exitCode !== null || target.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(
          `${target.part}: no ${pattern} in its log ` +
            `(${target.child.exitCode ?? target.child.signalCode ?? 'timed out'}):\n${Harness.tail(target.logPath)}`,
        );
      }
      await sleep(100);
    }
  }

  /** `start`, then waits until its processor (or edge) runs: a signal before that ends it at once. */
  async startRunning(part: Part, extraEnv: Record<string, string> = {}): Promise<PartProcess> {
    const started = this.start(part, extraEnv);
    await this.waitForLog(started, part === 'edge' ? /edge listening on \S+/ : RUNNING, 120_000);
    return started;
  }

  running(part?: Part): PartProcess[] {
    return this.parts.filter(
      (p) => (part === undefined || p.part === part) && p.child.exitCode === null && p.child.signalCode === null,
    );
  }

  /** kill -9: a crash. */
  async crash(target: PartProcess): Promise<void> {
    target.child.kill('SIGKILL');
    await target.exited;
  }

  /**
   * SIGINT or SIGTERM, then waits: the part must exit with 0 within STOP_DEADLINE_MS; otherwise a
   * problem is recorded and it is killed.
   */
  async stop(target: PartProcess, signal: 'SIGINT' | 'SIGTERM'): Promise<number> {
    const startedAt = Date.now();
    if (target.child.exitCode !== null || target.child.signalCode !== null) {
      this.check(
        false,
        `${target.part} had already exited (${target.child.exitCode ?? target.child.signalCode}) before ${signal}; ` +
          `log ${target.logPath}`,
      );
      return 0;
    }
    target.child.kill(signal);
    const outcome = await Promise.race([target.exited, sleep(STOP_DEADLINE_MS).then(() => undefined)]);
    const ms = Date.now() - startedAt;
    if (!outcome) {
      this.check(
        false,
        `${target.part} did not exit within ${STOP_DEADLINE_MS / 1000} s of ${signal}; killed; log ${target.logPath}`,
      );
      target.child.kill('SIGKILL');
      await target.exited;
    } else {
      this.check(
        outcome.code === 0,
        `${target.part} exited with ${outcome.code ?? outcome.signal} after ${signal}; log ${target.logPath}`,
      );
    }
    return ms;
  }

  /** Stops every running part, alternating SIGINT and SIGTERM, all at once; notes the slowest exit. */
  async stopAll(): Promise<void> {
    const targets = this.running();
    const times = await Promise.all(targets.map((t, i) => this.stop(t, i % 2 === 0 ? 'SIGINT' : 'SIGTERM')));
    if (times.length > 0)
      this.note(
        `${times.length} parts stopped by SIGINT/SIGTERM, slowest exit ${(Math.max(...times) / 1000).toFixed(1)} s`,
      );
  }

  /** Good messages with ids of this run, texts cycling through the data set. */
  async messages(count: number, prefix = 'm'): Promise<SmsRaw[]> {
    if (count <= 0) return [];
    const all = await texts();
    const first = this.sentIds.length;
    return Array.from({ length: count }, (_, i) => ({
      sms_id: `${this.run}-${prefix}${first + i}`,
      sender: '+447700900000',
      recipient: '+447700900001',
      text: all[(first + i) % all.length]!,
      received_at: Date.now(),
      source: 'faults',
    }));
  }

  /**
   * SmsRaw in the wire format, with the id its schema got in this pipeline's registry, asked once:
   * the harness must go on producing while a scenario has the registry down.
   */
  async encode(raw: SmsRaw): Promise<Buffer> {
    this.rawWriter ??= (async () => {
      const schema = loadSchema('sms-raw');
      return {
        id: await this.messaging.registry.register(valueSubject(this.config.topics.raw), schema),
        type: avro.Type.forSchema(schema as avro.Schema),
      };
    })();
    const { id, type } = await this.rawWriter;
    return framed(id, type.toBuffer(raw));
  }

  /**
   * Produces good messages at `rate` per second, in slices every 100 ms. A slice that fails (a broker
   * restarting) is sent again until it lands, so some raw records may exist twice: the counts
   * compare predictions with the raw records actually written.
   */
  async produce(count: number, rate: number, options: { retryForMs?: number } = {}): Promise<void> {
    await this.flow(rate, options).stopAt(count);
  }

  /** Produces at `rate` until told to stop: phases of a scenario can then follow events, not the clock. */
  flow(
    rate: number,
    options: { retryForMs?: number } = {},
  ): { stopAt(count: number): Promise<void>; stop(): Promise<void> } {
    const slice = Math.max(1, Math.round(rate / 10));
    let limit = Number.POSITIVE_INFINITY;
    const done = (async () => {
      const begin = Date.now();
      const first = this.sentIds.length;
      while (this.sentIds.length < limit) {
        const batch = await this.messages(Math.min(slice, limit - this.sentIds.length));
        await this.sendGood(batch, options.retryForMs ?? 120_000);
        const due = begin + ((this.sentIds.length - first) / rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    })();
    return {
      stopAt: (count) => {
        limit = Math.max(count, this.sentIds.length);
        return done;
      },
      stop: () => {
        limit = this.sentIds.length;
        return done;
      },
    };
  }

  /** Resolves once `count` good messages were sent. */
  async waitForSent(count: number): Promise<void> {
    while (this.sentIds.length < count) await sleep(100);
  }

  async sendGood(batch: readonly SmsRaw[], retryForMs = 120_000): Promise<void> {
    const records = await Promise.all(
      batch.map(async (raw) => ({ topic: this.config.topics.raw, key: raw.sms_id, value: await this.encode(raw) })),
    );
    await this.sendRetrying(records, retryForMs);
    for (const raw of batch) this.sentIds.push(raw.sms_id);
  }

  async sendRetrying(records: { topic: string; key: string; value: Buffer }[], retryForMs: number): Promise<void> {
    const deadline = Date.now() + retryForMs;
    for (;;) {
      try {
        await this.messaging.writer.send(records);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  }

  /** Reads a topic to its end (read committed); with `until`, on until it holds or `timeoutMs` passes. */
  async read<T>(
    topic: string,
    until?: (records: readonly ReadRecord<T>[]) => boolean,
    timeoutMs = 120_000,
  ): Promise<ReadRecord<T>[]> {
    const brokers = this.config.kafka.brokers;
    try {
      return await readTopic<T>(this.messaging, topic, { brokers, until, timeoutMs });
    } catch (error) {
      if (!until) throw error;
      // The condition never held: read what is there, the counts will show what is missing.
      return readTopic<T>(this.messaging, topic, { brokers, timeoutMs: 60_000 });
    }
  }

  /** Keys of a topic's records, without decoding values (sms.raw may hold poison). */
  async readKeys(topic: string): Promise<string[]> {
    const keysOnly = { codec: { ...this.messaging.codec, decode: async <T>() => null as T } };
    const records = await readTopic<null>(keysOnly, topic, { brokers: this.config.kafka.brokers, timeoutMs: 120_000 });
    return records.map((r) => r.record.key ?? '');
  }

  /** Waits until every good message sent so far has all its predictions (or `timeoutMs` passes). */
  async waitForPredictions(timeoutMs = 180_000): Promise<void> {
    const expected = new Set(this.sentIds);
    const wanted = expected.size * this.models;
    await this.read<SmsPrediction>(
      this.config.topics.predictions,
      (records) => {
        if (records.length < wanted) return false;
        const pairs = new Set(
          records.filter((r) => expected.has(r.value.sms_id)).map((r) => `${r.value.sms_id}|${r.value.model_version}`),
        );
        return pairs.size >= wanted;
      },
      timeoutMs,
    );
  }

  /**
   * The measurement, after the pipeline stopped: every committed prediction and dead letter, against
   * the raw records that were written. `poison` maps each poison key to the code it must carry.
   */
  async result(
    name: string,
    poison: ReadonlyMap<string, string> = new Map(),
    options: { oncePerId?: boolean } = {},
  ): Promise<ScenarioResult> {
    const { predictions, dlq, raw } = this.config.topics;
    const observed: Observed = {
      rawKeys: await this.readKeys(raw),
      predictions: (await this.read<SmsPrediction>(predictions)).map(({ value, record }) => ({
        smsId: value.sms_id,
        modelVersion: value.model_version,
        origin: record.headers['spamstream-origin'] ?? '?',
      })),
      deadLetters: (await this.read<DeadLetter>(dlq)).map(({ value }) => ({
        key: value.key?.toString('utf8') ?? '',
        code: value.error_code,
        description:
          `${value.processor} ${value.error_code} at ` +
          `${value.source_topic}/${value.source_partition}@${value.source_offset}: ${value.error_reason}`,
      })),
      sentIds: this.sentIds,
      models: this.models,
      poison,
      oncePerId: options.oncePerId ?? false,
    };
    const { problems, notes, ...counts } = verdict(observed);
    for (const note of notes) this.note(note);
    for (const problem of problems) this.check(false, problem);
    return {
      name,
      ...counts,
      seconds: Math.round((Date.now() - this.started) / 1000),
      ok: this.problems.length === 0,
      problems: [...this.problems],
      notes: [...this.notes],
    };
  }

  /** Kills whatever still runs, deletes the run's topics and consumer groups (on its own broker). */
  async close(): Promise<void> {
    for (const part of this.running()) {
      part.child.kill('SIGKILL');
      await part.exited;
    }
    await this.messaging.close().catch(() => undefined);
    // The parts' logs and topics are kept when something failed: problems name them, and the
    // topics can still be read (for instance by the Java console consumer, to compare).
    if (this.problems.length === 0) await rm(this.logDir, { recursive: true, force: true });
    const keepTopics = this.problems.length > 0;
    await dropRun(this.config.kafka, this.run, { keepTopics, groupAttempts: 1 }).catch(() => {
      // a private broker already gone
    });
  }

  static read(path: string): string {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last lines of a part's log, for a problem report. */
  static tail(path: string, lines = 15): string {
    return Harness.read(path).trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** A result for a scenario that could not run to its end. */
export function failedResult(name: string, error: unknown, harness?: Harness, started = Date.now()): ScenarioResult {
  const problem = `scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  return {
    name,
    sent: harness?.sentIds.length ?? 0,
    delivered: 0,
    lost: 0,
    duplicates: 0,
    dead_lettered: 0,
    seconds: Math.round((Date.now() - started) / 1000),
    ok: false,
    problems: [...(harness?.problems ?? []), problem],
    notes: [...(harness?.notes ?? [])],
  };
}

/** Runs a scenario body with a harness, always closing it; a thrown error becomes a failed result. */
export async function withHarness(
  name: string,
  overrides: Record<string, string>,
  body: (harness: Harness) => Promise<ScenarioResult>,
): Promise<ScenarioResult> {
  const started = Date.now();
  let harness: Harness | undefined;
  try {
    harness = await Harness.create(name, overrides);
    return await body(harness);
  } catch (error) {
    return failedResult(name, error, harness, started);
  } finally {
    await harness?.close();
  }
}

/** Runs `body` with a private server started first and disposed of after, whatever happens. */
export async function withServer<S extends { dispose(): Promise<void> }>(
  name: string,
  start: () => Promise<S>,
  body: (server: S) => Promise<ScenarioResult>,
): Promise<ScenarioResult> {
  const started = Date.now();
  let server: S | undefined;
  try {
    server = await start();
    return await body(server);
  } catch (error) {
    return failedResult(name, error, undefined, started);
  } finally {
    await server?.dispose();
  }
}
