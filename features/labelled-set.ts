// The training set of a model trained from labels, as rules: what users said each message is (the
// latest label given), the features the models saw for it (the newest event of sms.features with
// the views the model reads), and which side of the split it falls on. Pure: the command that reads
// the topics (cli/commands/features-export-labels.ts) feeds it records and writes what it answers.
//
// The split must keep a text on one side, as the data set's split does (features/split.ts), or a
// labelled copy of a validation text would be trained on. Features carry no text, so a labelled
// message whose features equal a data-set row's takes that row's side; any other one is split by
// the SHA-256 of its feature values, 20 % to validation. A labelled message with a data-set row's
// id and features is that row: the user's label replaces the data set's, and it counts once.
import { createHash } from 'node:crypto';
import { laterLabel } from '../core/message-rules.ts';
import { type Split, VALIDATION_PERCENT } from './split.ts';

export type Label = 'ham' | 'spam';

export interface LabelRecord {
  readonly smsId: string;
  readonly label: string;
  /** Epoch ms: the latest given wins; of two given at the same time, spam (core/message-rules.ts laterLabel). */
  readonly labelledAt: number;
}

export interface FeatureRecord {
  readonly smsId: string;
  readonly eventTime: number;
  readonly views: readonly { readonly view: string; readonly version: number; readonly values: readonly number[] }[];
}

/** The views, at their versions, that a labelled message's features must hold, in export order. */
export type WantedViews = readonly { readonly id: string; readonly version: number }[];

export interface LatestLabel {
  readonly label: Label;
  readonly labelledAt: number;
}

export const LABELLED_SPLIT_RULE =
  "a labelled message whose features equal a data-set row's takes that row's side; any other: sha256(JSON of its views' values)[0..4] big-endian % 100 < validationPercent → validation; one with a data-set row's id and features is that row, with the user's label";

/** The latest label per message; records with a label other than spam or ham are counted and left out. */
export function latestLabels() {
  const labels = new Map<string, LatestLabel>();
  let invalid = 0;
  return {
    add(record: LabelRecord): void {
      if (record.label !== 'spam' && record.label !== 'ham') {
        invalid++;
        return;
      }
      const given: LatestLabel = { label: record.label, labelledAt: record.labelledAt };
      const current = labels.get(record.smsId);
      labels.set(record.smsId, current === undefined ? given : laterLabel(current, given));
    },
    get labels(): ReadonlyMap<string, LatestLabel> {
      return labels;
    },
    get invalid(): number {
      return invalid;
    },
  };
}

/** Per labelled message, the values of the wanted views in the newest event holding them all. */
export function latestFeatures(labelled: ReadonlySet<string> | ReadonlyMap<string, unknown>, wanted: WantedViews) {
  const found = new Map<string, { eventTime: number; values: number[][] }>();
  return {
    add(record: FeatureRecord): void {
      if (!labelled.has(record.smsId)) return;
      const values: number[][] = [];
      for (const view of wanted) {
        const vector = record.views.find((v) => v.view === view.id && v.version === view.version);
        if (vector === undefined) return;
        values.push([...vector.values]);
      }
      const current = found.get(record.smsId);
      if (current === undefined || record.eventTime >= current.eventTime)
        found.set(record.smsId, { eventTime: record.eventTime, values });
    },
    get features(): ReadonlyMap<string, { readonly eventTime: number; readonly values: readonly number[][] }> {
      return found;
    },
  };
}

/** A digest of a message's feature values, by which equal features are found. */
export function featureKey(values: readonly (readonly number[])[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('base64');
}

/** The side of a labelled message that matches no data-set row: by its feature values. */
export function splitOfFeatures(values: readonly (readonly number[])[]): Split {
  const digest = createHash('sha256').update(JSON.stringify(values)).digest();
  return digest.readUInt32BE(0) % 100 < VALIDATION_PERCENT ? 'validation' : 'train';
}

/** Where a row of the training set came from. */
export type Origin = 'data-set' | 'data-set+label' | 'labels';

/**
 * Meets the data set's rows as they are exported: remembers each one's side by its features, and
 * says whether a user relabelled it (the same id, the same features). Then `labelledRows` gives the
 * labelled messages the data set does not hold.
 */
export function labelledSet(
  labels: ReadonlyMap<string, LatestLabel>,
  features: ReadonlyMap<string, { readonly values: readonly (readonly number[])[] }>,
) {
  const sides = new Map<string, Split>();
  const merged = new Set<string>();
  return {
    dataSetRow(smsId: string, values: readonly (readonly number[])[], split: Split, label: Label | undefined) {
      const key = featureKey(values);
      if (!sides.has(key)) sides.set(key, split);
      const given = labels.get(smsId);
      const seen = features.get(smsId);
      if (given && seen && featureKey(seen.values) === key) {
        merged.add(smsId);
        return { label: given.label, origin: 'data-set+label' as Origin };
      }
      return { label, origin: 'data-set' as Origin };
    },
    /** In id order, so the same topics give the same training set whatever order partitions were read in. */
    *labelledRows(): Generator<{
      smsId: string;
      label: Label;
      split: Split;
      values: readonly (readonly number[])[];
    }> {
      for (const smsId of [...labels.keys()].sort()) {
        const { label } = labels.get(smsId)!;
        const seen = features.get(smsId);
        if (seen === undefined || merged.has(smsId)) continue;
        yield {
          smsId,
          label,
          split: sides.get(featureKey(seen.values)) ?? splitOfFeatures(seen.values),
          values: seen.values,
        };
      }
    },
  };
}
