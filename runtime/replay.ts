// `spamstream replay`: a processor's own pipeline over its input topics' history, while the live
// pipeline runs on. A run reads in a consumer group of its own (so live groups never move, and its
// transactional ids are its own), from start offsets to end offsets captured when it first starts.
// The group id is derived from the request, and the captured offsets are kept in a state file under
// the stack's data folder: the same command again resumes from the group's commits and stops at
// the same end. Outputs carry the header `spamstream-replay: <run id>`. Its progress goes to
// sms.replays every second (runtime/replay-status.ts), where the edge reads it.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config/config.ts';
import { createProcessLog } from '../core/log.ts';
import type { Metrics } from '../core/metrics.ts';
import type { CommitOffset } from '../connectors/kafka.ts';
import { settleWithin } from '../connectors/kafka/produce.ts';
import { type Delivered, REPLAY_HEADER } from '../processors/deliver.ts';
import type { ReplayStatus } from '../schemas/index.ts';
import { type RunningNode, type StartOptions, buildTopology } from '../topology/build.ts';
import { processorSpecs } from '../topology/graph.ts';
import { replayStateDir } from '../stack/server.ts';
import {
  type GroupAdmin,
  connectGroupAdmin,
  connectMessaging,
  connectModels,
  connectOwnWriter,
  connectStores,
  topologyPorts,
} from './wiring.ts';
import { parseOffsetSpec } from './offsets.ts';
import { createStatusPublisher } from './replay-status.ts';

export const REPLAY_KINDS = ['features', 'scoring', 'store'] as const;
export type ReplayKind = (typeof REPLAY_KINDS)[number];

export interface ReplayRequest {
  readonly kind: ReplayKind;
  /** `earliest`, an ISO time, or `partition:offset,…` (unlisted partitions are not read). */
  readonly from: string;
  /** `latest` (the ends when the run first starts) or an ISO time. */
  readonly to: string;
  /** Views (features) or models (scoring) the run computes; the configuration's when omitted. */
  readonly views?: readonly string[];
  readonly models?: readonly string[];
}

/** What a run reads, captured when it first starts and kept, so a resumed run stops where the first would have. */
export interface ReplayPlan {
  readonly groupId: string;
  readonly runId: string;
  readonly request: ReplayRequest;
  readonly start: readonly CommitOffset[];
  readonly end: readonly CommitOffset[];
  readonly createdAt: string;
  readonly completedAt?: string;
}

export interface ReplayProgress {
  /** Offsets read and committed so far, of `total` (transaction markers take offsets too). */
  readonly done: number;
  readonly total: number;
  /** Input records finished, outputs written (writtenBy), inputs dead-lettered. */
  readonly messages: number;
  readonly written: number;
  readonly deadLetters: number;
  readonly seconds: number;
  /** Input records a second, over the whole run. */
  readonly rate: number;
  /**
   * Seconds to the end at the pace of offsets of this run (a resumed run's earlier progress does
   * not count as its own); absent until it has made some.
   */
  readonly eta?: number;
}

export interface ReplaySummary extends ReplayProgress {
  /** False when stopped before its end (run the same command again to resume). */
  readonly completed: boolean;
}

/**
 * What a delivered batch wrote: records to the topics, or for `store`, whose only Kafka output is
 * dead letters, the inputs it upserted into the online store.
 */
export function writtenBy(kind: ReplayKind, delivered: Pick<Delivered, 'records' | 'deadLetters' | 'origins'>): number {
  return kind === 'store' ? delivered.origins.length - delivered.deadLetters : delivered.records;
}

/** The run's configuration: the request's views and models in place of the configured ones. */
export function replayConfig(config: Config, request: ReplayRequest): Config {
  return {
    ...config,
    pipeline: {
      ...config.pipeline,
      views: request.views ?? config.pipeline.views,
      models: request.models ?? config.pipeline.models,
    },
  };
}

export function replayInputs(
  config: Pick<Config, 'topics' | 'pipeline' | 'cassandra' | 'cdc'>,
  kind: ReplayKind,
): readonly string[] {
  if (kind === 'store') return [config.topics.features, config.topics.predictions];
  const spec = processorSpecs(config).find((s) => s.name === kind);
  if (!spec) throw new Error(`the topology has no processor ${kind}`);
  return spec.inputs;
}

/** `<prefix>.replay.<kind>.<hash of the request>`: the same command always names the same group. */
export function replayGroupId(config: Config, request: ReplayRequest): string {
  const inputs = replayInputs(config, request.kind);
  const { kind, from, to } = request;
  const identity = JSON.stringify({
    kind,
    from,
    to,
    inputs,
    views: request.views ?? null,
    models: request.models ?? null,
  });
  return `${config.pipeline.consumerGroupPrefix}.replay.${kind}.${createHash('sha256').update(identity).digest('hex').slice(0, 10)}`;
}

const statePath = (config: Config, groupId: string) => join(replayStateDir(config.stack.dataDir), `${groupId}.json`);

async function readPlan(config: Config, groupId: string): Promise<ReplayPlan | undefined> {
  try {
    return JSON.parse(await readFile(statePath(config, groupId), 'utf8')) as ReplayPlan;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writePlan(config: Config, plan: ReplayPlan): Promise<void> {
  const path = statePath(config, plan.groupId);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(plan, null, 2)}\n`);
  await rename(`${path}.tmp`, path); // never half a file, even if killed while writing
}

export interface PreparedReplay {
  readonly plan: ReplayPlan;
  /** A run of this command was started before and is picked up where it stopped. */
  readonly resumed: boolean;
  /** Progress so far (offsets committed by earlier runs). */
  readonly done: number;
  readonly total: number;
}

/**
 * Finds or captures the plan of a request. Refuses (throws) while the run's group has members:
 * the same replay is already running. Writes nothing: `beginReplay` does, `--dry-run` does not.
 */
export async function prepareReplay(
  config: Config,
  request: ReplayRequest,
  options: { restart?: boolean } = {},
): Promise<PreparedReplay> {
  const admin = connectGroupAdmin(config, '-replay');
  const groupId = replayGroupId(config, request);
  const members = await admin.groupMembers(groupId);
  if (members.length > 0) {
    throw new Error(
      `replay group ${groupId} already has ${members.length} live member(s) (${members.map((m) => `${m.clientId}@${m.clientHost}`).join(', ')}): this replay is running elsewhere`,
    );
  }
  const earlier = options.restart ? undefined : await readPlan(config, groupId);
  const plan = earlier ?? (await capturePlan(admin, config, request, groupId));
  const { done, total } = await offsetProgress(admin, plan);
  return { plan, resumed: earlier !== undefined, done, total };
}

async function capturePlan(
  admin: GroupAdmin,
  config: Config,
  request: ReplayRequest,
  groupId: string,
): Promise<ReplayPlan> {
  const from = parseOffsetSpec(request.from);
  const to = parseOffsetSpec(request.to, false);
  if (to.kind === 'earliest') throw new Error('--to earliest would read nothing: use latest or an ISO time');
  const start: CommitOffset[] = [];
  const end: CommitOffset[] = [];
  for (const topic of replayInputs(config, request.kind)) {
    const [first, last] = await Promise.all([admin.resolveOffsets(topic, from), admin.resolveOffsets(topic, to)]);
    for (const [partition, stop] of last) {
      const begin = first.get(partition) ?? stop;
      // biome-ignore lint/complexity/useMathMinMax: offsets are bigints, which Math.min does not take
      start.push({ topic, partition, offset: (begin < stop ? begin : stop).toString() });
      end.push({ topic, partition, offset: stop.toString() });
    }
  }
  const runId = `${request.kind}-${groupId.slice(-10)}-${Date.now().toString(36)}`;
  return { groupId, runId, request, start, end, createdAt: new Date().toISOString() };
}

/**
 * Makes the plan durable: the group's offsets moved to the start (a new run), or set where an
 * earlier run left none (offsets of an empty group expire), then the state file written.
 */
export async function beginReplay(config: Config, prepared: PreparedReplay): Promise<void> {
  const admin = connectGroupAdmin(config, '-replay');
  const { plan } = prepared;
  for (const topic of new Set(plan.start.map((o) => o.topic))) {
    const committed = prepared.resumed ? await admin.committedOffsets(plan.groupId, topic) : new Map<number, bigint>();
    const missing = new Map(
      plan.start
        .filter((o) => o.topic === topic && !committed.has(o.partition))
        .map((o) => [o.partition, BigInt(o.offset)]),
    );
    if (missing.size > 0) await admin.setGroupOffsets(plan.groupId, topic, missing);
  }
  await writePlan(config, plan);
}

/** Offsets committed by the run's group, of those it has to read. */
async function offsetProgress(admin: GroupAdmin, plan: ReplayPlan): Promise<{ done: number; total: number }> {
  let done = 0;
  let total = 0;
  for (const topic of new Set(plan.end.map((o) => o.topic))) {
    const committed = await admin.committedOffsets(plan.groupId, topic);
    for (const end of plan.end.filter((o) => o.topic === topic)) {
      const start = BigInt(plan.start.find((o) => o.topic === topic && o.partition === end.partition)!.offset);
      const stop = BigInt(end.offset);
      const at = committed.get(end.partition) ?? start;
      total += Number(stop - start);
      done += Number((at > stop ? stop : at < start ? start : at) - start);
    }
  }
  return { done, total };
}

export interface RunningReplay {
  /** Resolves once the run reached its end, or stopped. */
  readonly finished: Promise<ReplaySummary>;
  /** Drains and commits what is in flight, then stops: the same command resumes. */
  stop(): Promise<ReplaySummary>;
}

export interface ReplayRunOptions {
  /** At most this many input records a second. */
  readonly rate?: number;
  /** Called about every `progressEveryMs` (default 1 s). */
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly progressEveryMs?: number;
  readonly metrics?: Metrics;
}

/** Runs a prepared and begun plan to its end (or until stopped). */
export async function runReplay(
  baseConfig: Config,
  plan: ReplayPlan,
  options: ReplayRunOptions = {},
): Promise<RunningReplay> {
  const config = replayConfig(baseConfig, plan.request);
  const { kind } = plan.request;
  const log = createProcessLog(config.pipeline);
  const messaging = connectMessaging(config, options.metrics, log);
  const stores = await connectStores(config);
  const models =
    kind === 'scoring'
      ? await connectModels(config).catch(async (error: unknown) => {
          await stores.close();
          throw error;
        })
      : [];
  const admin = connectGroupAdmin(config, '-replay');
  // A producer of its own for the progress records: a failed one of them (the topic missing, say)
  // retires only this producer, never one the replay's outputs are written with.
  const statusWriter = connectOwnWriter(config, '-replay-status', log);
  const status = createStatusPublisher(statusWriter, messaging.codec, config.topics.replays, { log });
  // What earlier runs of the command did, taken before this one starts: its pace is its own.
  const before = await offsetProgress(admin, plan).catch(() => ({ done: 0, total: 0 }));
  const topology = buildTopology(
    topologyPorts(config, messaging, stores, models, { metrics: options.metrics, log }),
    config,
  );

  const started = performance.now();
  const counts = { messages: 0, written: 0, deadLetters: 0 };
  const startOptions: StartOptions & { groupId: string } = {
    groupId: plan.groupId,
    endOffsets: plan.end,
    headers: { [REPLAY_HEADER]: plan.runId },
    maxRate: options.rate,
    onDelivered: (delivered) => {
      counts.messages += delivered.origins.length;
      counts.written += writtenBy(kind, delivered);
      counts.deadLetters += delivered.deadLetters;
    },
  };
  const node: RunningNode =
    kind === 'store' ? topology.startStoreLoader(startOptions) : topology.processor(kind).start(startOptions);

  const labels = { run: plan.runId, kind };
  // The last figures stand in when the broker does not answer.
  let offsets = before;
  const progress = async (): Promise<ReplayProgress> => {
    const seconds = (performance.now() - started) / 1000;
    const current = (offsets = await offsetProgress(admin, plan).catch(() => offsets));
    const pace = (current.done - before.done) / Math.max(seconds, 1e-3);
    const eta = current.done >= current.total ? 0 : pace > 0 ? (current.total - current.done) / pace : undefined;
    const figures = { ...current, ...counts, seconds, rate: counts.messages / Math.max(seconds, 1e-3), eta };
    options.metrics?.replayDone.set(labels, figures.done);
    options.metrics?.replayTotal.set(labels, figures.total);
    options.metrics?.replayRate.set(labels, figures.rate);
    return figures;
  };
  const startedAt = Date.now();
  const host = hostname();
  const statusOf = (state: ReplayStatus['state'], p: ReplayProgress): ReplayStatus => ({
    group_id: plan.groupId,
    run_id: plan.runId,
    kind,
    state,
    done: p.done,
    total: p.total,
    messages: p.messages,
    rate: p.rate,
    eta_seconds: p.eta ?? null,
    host,
    started_at: startedAt,
    updated_at: Date.now(),
  });
  let ending = false;
  const ticker = setInterval(() => {
    void progress().then((p) => {
      if (ending) return; // the last figures are close's, not a tick's still in flight
      options.onProgress?.(p);
      status.publish(statusOf('running', p));
    });
  }, options.progressEveryMs ?? 1_000);

  let stopping = false;
  let closed: Promise<ReplaySummary> | undefined;
  const close = (failed = false) =>
    (closed ??= (async () => {
      // The run ended by itself (or failed): release its producers and connections.
      try {
        await node.stop();
      } finally {
        ending = true;
        clearInterval(ticker);
      }
      const last = await progress();
      const completed = !failed && !stopping && last.done >= last.total;
      await status.finish(statusOf(failed ? 'failed' : completed ? 'done' : 'stopped', last));
      await settleWithin(5_000, statusWriter.close());
      await Promise.all(models.map((model) => model.close()));
      await stores.close();
      await messaging.close();
      if (completed) await writePlan(baseConfig, { ...plan, completedAt: new Date().toISOString() });
      return { ...last, completed };
    })());
  const finished = node.done.then(
    () => close(),
    async (error: unknown) => {
      await close(true).catch(() => undefined);
      throw error;
    },
  );
  return {
    finished,
    stop: async () => {
      stopping = true;
      return close();
    },
  };
}
