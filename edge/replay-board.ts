// The replays the edge knows of, from sms.replays: the newest record of each replay by its key
// (its consumer group), as the live page, `GET /replays` and `/metrics` show them. Records arrive
// in the topic's order, which is also the order compaction keeps, so the last one read wins: an
// edge started later, reading the compacted topic, shows what a long-running one shows.
//
// A replay that said it was running and has not been heard of for `staleMs` is shown as `lost`:
// its process died, or lost the broker, without a last record. "Heard of" is the older of the
// record's own time and the moment this edge read it: a newly started edge reading an old record
// sees it is old, and a replay host whose clock runs ahead cannot keep a dead run looking alive.
// (A replay host whose clock runs behind by more than `staleMs` looks lost: the hosts' clocks are
// assumed to agree within seconds, as the pipeline lag already assumes.)
import type { ReplayStatus } from '../schemas/index.ts';

export type ReplayState = ReplayStatus['state'] | 'lost';
export const REPLAY_STATES: readonly ReplayState[] = ['running', 'done', 'stopped', 'failed', 'lost'];

/** One replay as the edge shows it (`GET /replays`, the live page's `replays` event). */
export interface ReplayView {
  readonly groupId: string;
  readonly runId: string;
  readonly kind: string;
  readonly state: ReplayState;
  /** Input offsets read and committed, of `total`. */
  readonly done: number;
  readonly total: number;
  /** Input records this run of the command finished, and how many a second. */
  readonly messages: number;
  readonly rate: number;
  /** Seconds to the end, as the replay last told it; only while it runs. */
  readonly etaSeconds?: number;
  readonly host: string;
  /** Epoch ms, on the replay host's clock. */
  readonly startedAt: number;
  readonly updatedAt: number;
}

/** What the routes read: the replays, and a call whenever what they show changed. */
export interface ReplayBoard {
  /** Running (or lost) replays first, then the rest; each group newest first. */
  snapshot(): readonly ReplayView[];
  subscribe(listener: (replays: readonly ReplayView[]) => void): () => void;
}

export interface ReplayTracker extends ReplayBoard {
  /** The newest record of the replay keyed `key` (null, a tombstone: it is forgotten), read at `readAt`. */
  update(key: string, status: ReplayStatus | null, readAt?: number): void;
  /** Tells the listeners when a replay turned lost since the last look; called every `checkEveryMs`. */
  check(): void;
  close(): void;
}

export interface ReplayTrackerOptions {
  readonly now?: () => number;
  /** A running replay not heard of for this long is lost (default 15 s: fifteen missed records). */
  readonly staleMs?: number;
  /** How often to look for replays that turned lost (default 1 s; 0: only when `check` is called). */
  readonly checkEveryMs?: number;
  /** Replays kept, the most recently updated (default 100); the topic's retention forgets the rest too. */
  readonly keep?: number;
}

interface Entry {
  readonly status: ReplayStatus;
  readonly heardAt: number;
}

export function createReplayTracker(options: ReplayTrackerOptions = {}): ReplayTracker {
  const now = options.now ?? Date.now;
  const staleMs = options.staleMs ?? 15_000;
  const keep = options.keep ?? 100;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(replays: readonly ReplayView[]) => void>();
  let lostBefore = new Set<string>();

  const lost = (entry: Entry) => entry.status.state === 'running' && now() - entry.heardAt > staleMs;
  const view = (entry: Entry): ReplayView => {
    const { status } = entry;
    const state = lost(entry) ? 'lost' : status.state;
    return {
      groupId: status.group_id,
      runId: status.run_id,
      kind: status.kind,
      state,
      done: status.done,
      total: status.total,
      messages: status.messages,
      rate: status.rate,
      ...(state === 'running' && status.eta_seconds !== null ? { etaSeconds: status.eta_seconds } : {}),
      host: status.host,
      startedAt: status.started_at,
      updatedAt: status.updated_at,
    };
  };
  const active = (replay: ReplayView) => replay.state === 'running' || replay.state === 'lost';
  const snapshot = () =>
    [...entries.values()].map(view).sort((a, b) => Number(active(b)) - Number(active(a)) || b.updatedAt - a.updatedAt);
  const lostNow = () => new Set([...entries].filter(([, entry]) => lost(entry)).map(([key]) => key));
  const tell = () => {
    lostBefore = lostNow();
    const replays = snapshot();
    for (const listener of listeners) listener(replays);
  };

  const timer =
    options.checkEveryMs === 0 ? undefined : setInterval(() => tracker.check(), options.checkEveryMs ?? 1_000);
  timer?.unref();

  const tracker: ReplayTracker = {
    snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    update(key, status, readAt = now()) {
      if (status === null) {
        if (entries.delete(key)) tell();
        return;
      }
      entries.set(key, { status, heardAt: Math.min(status.updated_at, readAt) });
      if (entries.size > keep) {
        const oldest = [...entries].sort(([, a], [, b]) => a.status.updated_at - b.status.updated_at)[0]![0];
        entries.delete(oldest);
      }
      tell();
    },
    check() {
      const current = lostNow();
      if (current.size !== lostBefore.size || [...current].some((key) => !lostBefore.has(key))) tell();
    },
    close() {
      clearInterval(timer);
      listeners.clear();
    },
  };
  return tracker;
}
