// Live drift at the edge: the last `window` live messages' statistics, binned as each model's card
// binned its training split, and per statistic the population stability index against the card
// (models/drift.ts). Every edge instance reads every partition of sms.features, so each computes
// it over the whole stream (docs/adr/0015-drift-at-the-edge.md). A message is kept as one bin index
// per statistic in a ring, with running counts per bin: observing costs one binary search per
// statistic, the PSI is computed when asked for. Every CHECK_EVERY messages the alarms are checked
// (models/drift-alarm.ts) and what crossed is told to `onAlarm`: one call for the models whose
// crossings were the same (v1 and v3 share their training data, so they always cross together).
import { type AlarmEvent, type AlarmState, nextAlarm } from '../models/drift-alarm.ts';
import {
  type DriftBand,
  type FieldBins,
  PSI_MAJOR,
  PSI_MODERATE,
  bandOf,
  binOf,
  psi,
  trainingDistributionOf,
} from '../models/drift.ts';
import type { ModelCard } from '../models/card.ts';
import type { SmsFeatures } from '../schemas/index.ts';

/** What a model was trained on, per statistic of one view. */
export interface DriftReference {
  readonly modelVersion: string;
  readonly view: string;
  readonly viewVersion: number;
  readonly fields: readonly FieldBins[];
}

export interface FieldDrift {
  readonly name: string;
  readonly psi: number;
  readonly band: DriftBand;
}

export interface ModelDrift {
  readonly modelVersion: string;
  readonly view: string;
  /** Messages in the window now. */
  readonly messages: number;
  /** Empty until the window holds MIN_MESSAGES messages. */
  readonly fields: readonly FieldDrift[];
}

export interface DriftSnapshot {
  /** Messages a full window holds (SPAMSTREAM_DRIFT_WINDOW). */
  readonly window: number;
  /** Figures are given once a window holds this many messages. */
  readonly minMessages: number;
  /** Live messages read since the edge started. */
  readonly observed: number;
  readonly thresholds: { readonly moderate: number; readonly major: number };
  readonly models: readonly ModelDrift[];
}

/** Statistics that crossed a threshold together, for the models that saw the same crossings. */
export interface DriftAlarm {
  readonly event: AlarmEvent;
  readonly modelVersions: readonly string[];
  readonly view: string;
  readonly messages: number;
  readonly fields: readonly { readonly name: string; readonly psi: number }[];
}

export interface DriftMonitor {
  /** One live message's features; views a reference does not read are ignored. */
  observe(views: SmsFeatures['views']): void;
  snapshot(): DriftSnapshot;
}

/** Below this many messages in the window, the figures are mostly sampling noise: none are given. */
export const MIN_MESSAGES = 100;
/** How often, in messages observed, the alarms are checked. */
export const CHECK_EVERY = 100;

/** The references the cards give: one per model and view of statistics its card has bins for. */
export function driftReferences(cards: readonly ModelCard[]): DriftReference[] {
  return cards.flatMap((card) =>
    card.views.flatMap((view) => {
      const distribution = trainingDistributionOf(card, view.id);
      return distribution
        ? [{ modelVersion: card.version, view: view.id, viewVersion: view.version, fields: distribution.fields }]
        : [];
    }),
  );
}

interface Track {
  readonly reference: DriftReference;
  /** `window` rows of one bin index per statistic. */
  readonly ring: Uint8Array;
  /** Per statistic, messages of the window in each bin. */
  readonly counts: Int32Array[];
  readonly alarms: AlarmState[];
  next: number;
  size: number;
}

export function createDriftMonitor(
  references: readonly DriftReference[],
  window: number,
  onAlarm: (alarm: DriftAlarm) => void = () => {},
): DriftMonitor {
  if (!(Number.isInteger(window) && window > 0)) throw new RangeError(`the window must be a positive whole number`);
  const minMessages = Math.min(window, MIN_MESSAGES);
  const tracks: Track[] = references.map((reference) => {
    const tooMany = reference.fields.find((field) => field.counts.length > 256);
    if (tooMany) throw new RangeError(`${reference.modelVersion}: ${tooMany.name} has more bins than a byte holds`);
    return {
      reference,
      ring: new Uint8Array(window * reference.fields.length),
      counts: reference.fields.map((field) => new Int32Array(field.counts.length)),
      alarms: reference.fields.map((): AlarmState => 'quiet'),
      next: 0,
      size: 0,
    };
  });
  let observed = 0;

  const add = (track: Track, values: readonly number[]) => {
    const { fields } = track.reference;
    const row = track.next * fields.length;
    for (let f = 0; f < fields.length; f++) {
      if (track.size === window) track.counts[f]![track.ring[row + f]!]!--;
      const bin = binOf(fields[f]!.edges, values[f]!);
      track.ring[row + f] = bin;
      track.counts[f]![bin]!++;
    }
    track.next = (track.next + 1) % window;
    if (track.size < window) track.size++;
  };

  const fieldsOf = (track: Track): FieldDrift[] =>
    track.size < minMessages
      ? []
      : track.reference.fields.map((field, f) => {
          const value = psi(field.counts, track.counts[f]!);
          return { name: field.name, psi: value, band: bandOf(value) };
        });

  const checkAlarms = () => {
    const alarms = new Map<string, DriftAlarm>();
    for (const track of tracks) {
      const crossed: Record<AlarmEvent, { name: string; psi: number }[]> = { raised: [], cleared: [] };
      for (const [f, field] of fieldsOf(track).entries()) {
        const step = nextAlarm(track.alarms[f]!, field.psi, track.size === window);
        track.alarms[f] = step.state;
        if (step.event) crossed[step.event].push({ name: field.name, psi: field.psi });
      }
      for (const event of ['raised', 'cleared'] as const) {
        if (crossed[event].length === 0) continue;
        const { view } = track.reference;
        const alarm = { event, view, messages: track.size, fields: crossed[event] };
        const key = JSON.stringify(alarm);
        const versions = alarms.get(key)?.modelVersions ?? [];
        alarms.set(key, { ...alarm, modelVersions: [...versions, track.reference.modelVersion] });
      }
    }
    for (const alarm of alarms.values()) onAlarm(alarm);
  };

  return {
    observe(views) {
      for (const track of tracks) {
        const { view, viewVersion, fields } = track.reference;
        const vector = views.find((v) => v.view === view && v.version === viewVersion);
        // A vector of another length is no value of this view: the scoring processor dead-letters it.
        if (vector && vector.values.length === fields.length) add(track, vector.values);
      }
      if (++observed % CHECK_EVERY === 0) checkAlarms();
    },
    snapshot: () => ({
      window,
      minMessages,
      observed,
      thresholds: { moderate: PSI_MODERATE, major: PSI_MAJOR },
      models: tracks.map((track) => ({
        modelVersion: track.reference.modelVersion,
        view: track.reference.view,
        messages: track.size,
        fields: fieldsOf(track),
      })),
    }),
  };
}

/** The log line of an alarm: a WARN when statistics reached the major band, an info line when back. */
export function alarmLine(alarm: DriftAlarm): string {
  const list = alarm.fields.map((f) => `${f.name} ${f.psi.toFixed(3)}`).join(', ');
  const models = `model${alarm.modelVersions.length > 1 ? 's' : ''} ${alarm.modelVersions.join(', ')}`;
  const where = `drift: view ${alarm.view} of ${models}, over the last ${alarm.messages} live messages`;
  return alarm.event === 'raised'
    ? `${where}: ${alarm.fields.length} statistic(s) reached PSI ${PSI_MAJOR} against the training data: ${list}`
    : `${where}: ${alarm.fields.length} statistic(s) back below PSI ${PSI_MODERATE}: ${list}`;
}
