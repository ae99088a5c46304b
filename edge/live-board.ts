// What the live page shows, kept on the server from the moment the edge starts: the newest
// predictions, and per model version how many messages it scored, how many it called spam and the
// pipeline lag (scored_at − event_time). A page opened later starts from this snapshot.
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
}

export interface ModelTally {
  readonly modelVersion: string;
  readonly model: string;
  readonly count: number;
  readonly spam: number;
  readonly lastLagMs: number;
  /** Mean lag of the last LAG_WINDOW predictions of this model. */
  readonly meanLagMs: number;
}

export interface LiveSnapshot {
  readonly recent: readonly LivePrediction[];
  readonly models: readonly ModelTally[];
}

export interface LiveUpdate {
  readonly prediction: LivePrediction;
  readonly tally: ModelTally;
}

export interface LiveBoard {
  snapshot(): LiveSnapshot;
  subscribe(listener: (update: LiveUpdate) => void): () => void;
  close(): void;
}

const LAG_WINDOW = 100;

interface Tally {
  model: string;
  count: number;
  spam: number;
  lags: number[];
}

export function createLiveBoard(feed: PredictionFeed, keep = 50): LiveBoard {
  const recent: LivePrediction[] = [];
  const tallies = new Map<string, Tally>();
  const listeners = new Set<(update: LiveUpdate) => void>();

  const tallyJson = (modelVersion: string, tally: Tally): ModelTally => ({
    modelVersion,
    model: tally.model,
    count: tally.count,
    spam: tally.spam,
    lastLagMs: tally.lags.at(-1) ?? 0,
    meanLagMs: Math.round(tally.lags.reduce((sum, lag) => sum + lag, 0) / Math.max(1, tally.lags.length)),
  });

  const unsubscribe = feed.subscribe((p: SmsPrediction) => {
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
    };
    recent.unshift(prediction);
    if (recent.length > keep) recent.length = keep;
    let tally = tallies.get(prediction.modelVersion);
    if (!tally) tallies.set(prediction.modelVersion, (tally = { model: prediction.model, count: 0, spam: 0, lags: [] }));
    tally.model = prediction.model;
    tally.count++;
    if (prediction.label === 'spam') tally.spam++;
    tally.lags.push(prediction.lagMs);
    if (tally.lags.length > LAG_WINDOW) tally.lags.shift();
    const update = { prediction, tally: tallyJson(prediction.modelVersion, tally) };
    for (const listener of listeners) listener(update);
  });

  return {
    snapshot: () => ({
      recent: [...recent],
      models: [...tallies].map(([version, tally]) => tallyJson(version, tally))
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
