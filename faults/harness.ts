// What every fault scenario shares: an isolated pipeline (its own topics, consumer groups and ids),
// its parts as real processes (parts.ts), a rate-limited load of labelled messages (load.ts), and
// the outside measurement (topics.ts) that verdict.ts counts. A scenario only injects its fault and
// checks what it promises; the harness keeps its findings and closes the run.
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../config/config.ts';
import { availableModels } from '../connectors/model-runtime.ts';
import { type Messaging, applyPorts, connectMessaging } from '../runtime/wiring.ts';
import { dropRun } from '../testkit/drop-run.ts';
import { cdcEnv, isolatedEnv } from '../testkit/pipeline-fixture.ts';
import { applyTopology } from '../topology/apply.ts';
import { Load } from './load.ts';
import { type Findings, Parts, STOP_DEADLINE_MS } from './parts.ts';
import { TopicReader } from './topics.ts';
import { longestPause } from './pause.ts';
import { type Verdict, verdict } from './verdict.ts';

/** A scenario's counts and checks (verdict.ts), with how long it took and whether it passed. */
export interface ScenarioResult extends Verdict {
  readonly name: string;
  readonly seconds: number;
  readonly ok: boolean;
  /** Cluster scenarios: the longest stretch without a new prediction after the fault (faults/pause.ts). */
  readonly paused_s?: number;
  /** The Cassandra node outage: p99 of `GET /features/:id` while the node was down. */
  readonly edge_p99_ms?: number;
}

export interface ScenarioOptions {
  readonly quick: boolean;
  readonly log: (line: string) => void;
}

export interface Scenario {
  readonly name: string;
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}

/** The shortest consumer session the broker allows, and a drain that fits in it. */
export const FAST_REBALANCE = { SPAMSTREAM_SESSION_TIMEOUT_MS: '6000', SPAMSTREAM_DRAIN_TIMEOUT_MS: '3000' };

export class Harness implements Findings {
  readonly run: string;
  readonly env: Record<string, string | undefined>;
  readonly config: Config;
  readonly messaging: Messaging;
  readonly models: number;
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  readonly parts: Parts;
  readonly load: Load;
  readonly topics: TopicReader;
  private readonly logDir: string;
  private readonly started = Date.now();

  private constructor(run: string, env: Record<string, string | undefined>) {
    this.run = run;
    this.env = env;
    this.config = loadConfig(env);
    this.messaging = connectMessaging(this.config);
    this.models = availableModels(this.config.pipeline.modelsDir).length;
    this.logDir = join(tmpdir(), `spamstream-faults-${run}`);
    mkdirSync(this.logDir, { recursive: true });
    this.parts = new Parts(env, this.logDir, this);
    this.load = new Load(run, this.config, this.messaging);
    this.topics = new TopicReader(this.config, this.messaging);
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

  /** Waits until every good message sent so far has all its predictions (or `timeoutMs` passes). */
  waitForPredictions(timeoutMs = 180_000): Promise<void> {
    return this.topics.waitForPredictions(this.load.sentIds, this.models, timeoutMs);
  }

  /**
   * The measurement, after the pipeline stopped: every committed prediction and dead letter, against
   * the raw records that were written. `poison` maps each poison key to the code it must carry.
   */
  async result(
    name: string,
    poison: ReadonlyMap<string, string> = new Map(),
    options: {
      oncePerId?: boolean;
      /** When the fault began: the result then says how long the flow of predictions paused after it. */
      pausedAfter?: number;
      extra?: Pick<ScenarioResult, 'edge_p99_ms'>;
    } = {},
  ): Promise<ScenarioResult> {
    const { scoredAt, ...seen } = await this.topics.observed();
    const pause = options.pausedAfter === undefined ? undefined : longestPause(scoredAt, options.pausedAfter);
    if (pause) {
      const offset = (pause.from - options.pausedAfter!) / 1000;
      const when = offset < 0 ? `${(-offset).toFixed(1)} s before it` : `${offset.toFixed(1)} s after it`;
      this.note(`longest stretch without a new prediction after the fault: ${pause.seconds} s, beginning ${when}`);
    }
    const { problems, notes, ...counts } = verdict({
      ...seen,
      sentIds: this.load.sentIds,
      models: this.models,
      poison,
      oncePerId: options.oncePerId ?? false,
    });
    for (const note of notes) this.note(note);
    for (const problem of problems) this.check(false, problem);
    return {
      name,
      ...counts,
      ...(pause ? { paused_s: pause.seconds } : {}),
      ...options.extra,
      seconds: Math.round((Date.now() - this.started) / 1000),
      ok: this.problems.length === 0,
      problems: [...this.problems],
      notes: [...this.notes],
    };
  }

  /** Kills whatever still runs, deletes the run's topics and consumer groups (on its own broker). */
  async close(): Promise<void> {
    await this.parts.crashAll();
    await this.messaging.close().catch(() => undefined);
    // The parts' logs and topics are kept when something failed: problems name them, and the
    // topics can still be read (for instance by the Java console consumer, to compare).
    if (this.problems.length === 0) await rm(this.logDir, { recursive: true, force: true });
    const keepTopics = this.problems.length > 0;
    await dropRun(this.config.kafka, this.run, { keepTopics, groupAttempts: 1 }).catch(() => {
      // a private broker already gone
    });
  }
}

/** A result for a scenario that could not run to its end. */
export function failedResult(name: string, error: unknown, harness?: Harness, started = Date.now()): ScenarioResult {
  const problem = `scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  return {
    name,
    sent: harness?.load.sentIds.length ?? 0,
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
    const result = failedResult(name, error, harness, started);
    // Also a problem of the harness, so that its close keeps the parts' logs and topics to look at.
    harness?.check(false, 'the scenario failed');
    return result;
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
