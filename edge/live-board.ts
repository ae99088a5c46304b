// What the live page shows, kept on the server from the moment the edge starts: the newest
// predictions with the start of their message's text, per model version how many messages it
// scored, how many it called spam and the pipeline lag (scored_at − event_time), and per second of
// the last minutes the messages scored and their mean lag (the page's chart). A page opened later
// starts from this snapshot; every update carries the new state of what it changed.
// A prediction a replay recomputed is shown and counted, but in no lag figure: its scored_at −
// event_time is how old its message is, not how far behind the pipeline runs.
import type { SmsPrediction } from '../schemas/index.ts';
import type { PredictionFeed } from './deps.ts';

export interface LivePrediction {
  readonly smsId: string;
  readonly model: string;
  readonly modelVersion: string;
  readonly label: string;
  readonly spamProbability: number;
  readonly eventTime: number;
  readonly scoredAt: number;
  readonly lagMs: number;
  /** The run id of the replay that recomputed this prediction; its lag counts in no lag figure. */
  readonly replay?: string;
  /** The message's text, cut to TEXT_CHARS code points; absent when the feed did not see it. */
  readonly text?: string;
}

/** One second of the chart: distinct messages scored in it and their mean pipeline lag. */
export interface SeriesPoint {
  /** Start of the second, epoch ms (the edge's clock, when the predictions arrived). */
  readonly t: number;
  readonly messages: number;
  /** Absent when every prediction of the second came from a replay. */
  readonly meanLagMs?: number;
}

export interface ModelTally {
  readonly modelVersion: string;
  readonly model: string;
  readonly count: number;
  readonly spam: number;
  /** Absent, as is the mean, while the model has scored for replays only. */
  readonly lastLagMs?: number;
  /** Mean lag of the last LAG_WINDOW live predictions of this model. */
  readonly meanLagMs?: number;
}

export interface LiveSnapshot {
  readonly recent: readonly LivePrediction[];
  readonly models: readonly ModelTally[];
  /** Oldest first, at most SERIES_SECONDS seconds; seconds without predictions are left out. */
  readonly series: readonly SeriesPoint[];
}

export interface LiveUpdate {
  readonly prediction: LivePrediction;
  readonly tally: ModelTally;
  /** The second this prediction counted in, as it stands now. */
  readonly point: SeriesPoint;
}

export interface LiveBoardOptions {
  /** Newest predictions kept for the snapshot. */
  readonly keep?: number;
  readonly now?: () => number;
}

export interface LiveBoard {
  snapshot(): LiveSnapshot;
  subscribe(listener: (update: LiveUpdate) => void): () => void;
  close(): void;
}

const LAG_WINDOW = 100;
/** The chart's span: five minutes of one-second points. */
export const SERIES_SECONDS = 300;
/** Enough of a text to recognise the message; the page shows it as text, never as HTML. */
export const TEXT_CHARS = 80;

export function shortText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const chars = [...oneLine];
  return chars.length <= TEXT_CHARS ? oneLine : `${chars.slice(0, TEXT_CHARS - 1).join('')}…`;
}

interface Bucket {
  readonly t: number;
  readonly ids: Set<string>;
  lagSum: number;
  lagCount: number;
}

const pointOf = (bucket: Bucket): SeriesPoint => ({
  t: bucket.t,
  messages: bucket.ids.size,
  ...(bucket.lagCount > 0 ? { meanLagMs: Math.round(bucket.lagSum / bucket.lagCount) } : {}),
});

interface Tally {
  model: string;
  count: number;
  spam: number;
  lags: number[];
}

export function createLiveBoard(feed: PredictionFeed, options: LiveBoardOptions = {}): LiveBoard {
  const keep = options.keep ?? 50;
  const now = options.now ?? Date.now;
  const recent: LivePrediction[] = [];
  // Per-second buckets, oldest first; only the newest keeps its set of ids, the rest are points.
  const series: SeriesPoint[] = [];
  let current: Bucket | undefined;

  const countIn = (prediction: LivePrediction): SeriesPoint => {
    const t = Math.floor(now() / 1000) * 1000;
    if (current?.t !== t) {
      if (current) series.push(pointOf(current));
      current = { t, ids: new Set(), lagSum: 0, lagCount: 0 };
    }
    while (series.length > 0 && series[0]!.t <= t - SERIES_SECONDS * 1000) series.shift();
    current.ids.add(prediction.smsId);
    if (prediction.replay === undefined) {
      current.lagSum += prediction.lagMs;
      current.lagCount++;
    }
    return pointOf(current);
  };
  const textOf = (smsId: string): string | undefined => {
    const text = feed.textOf?.(smsId);
    return text === undefined ? undefined : shortText(text);
  };
  const tallies = new Map<string, Tally>();
  const listeners = new Set<(update: LiveUpdate) => void>();

  const tallyJson = (modelVersion: string, tally: Tally): ModelTally => ({
    modelVersion,
    model: tally.model,
    count: tally.count,
    spam: tally.spam,
    ...(tally.lags.length > 0
      ? {
          lastLagMs: tally.lags.at(-1)!,
          meanLagMs: Math.round(tally.lags.reduce((sum, lag) => sum + lag, 0) / tally.lags.length),
        }
      : {}),
  });

  const unsubscribe = feed.subscribe((p: SmsPrediction, origin) => {
    const prediction: LivePrediction = {
      smsId: p.sms_id,
      model: p.model,
      modelVersion: p.model_version,
      label: p.label,
      spamProbability: p.spam_probability,
      eventTime: p.event_time,
      scoredAt: p.scored_at,
      // Clocks of different hosts can disagree by a little: never show a negative lag.
      lagMs: Math.max(0, p.scored_at - p.event_time),
      ...(origin.replay === undefined ? {} : { replay: origin.replay }),
      text: textOf(p.sms_id),
    };
    recent.unshift(prediction);
    if (recent.length > keep) recent.length = keep;
    let tally = tallies.get(prediction.modelVersion);
    if (!tally)
      tallies.set(prediction.modelVersion, (tally = { model: prediction.model, count: 0, spam: 0, lags: [] }));
    tally.model = prediction.model;
    tally.count++;
    if (prediction.label === 'spam') tally.spam++;
    if (prediction.replay === undefined) {
      tally.lags.push(prediction.lagMs);
      if (tally.lags.length > LAG_WINDOW) tally.lags.shift();
    }
    const update = { prediction, tally: tallyJson(prediction.modelVersion, tally), point: countIn(prediction) };
    for (const listener of listeners) listener(update);
  });

  return {
    snapshot: () => ({
      // A text read after its prediction arrived is shown from the next snapshot on.
      recent: recent.map((p) => (p.text === undefined ? { ...p, text: textOf(p.smsId) } : p)),
      series: [...series, ...(current ? [pointOf(current)] : [])].filter(
        (point) => point.t > now() - SERIES_SECONDS * 1000,
      ),
      models: [...tallies]
        .map(([version, tally]) => tallyJson(version, tally))
        .sort((a, b) => a.modelVersion.localeCompare(b.modelVersion, 'en', { numeric: true })),
    }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      unsubscribe();
      listeners.clear();
    },
  };
}
