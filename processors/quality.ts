// The quality processor: each model version's live confusion counts against users' labels.
//   sms.verdicts ─► decode ─► check ─► store the label ─► merge, count ─► encode ─► sms.quality
// Per partition it keeps the labelled messages' states (processors/quality-state.ts): the latest label
// and each version's latest prediction, merged latest-wins, so a verdict read again changes nothing.
// Labels are stored by partition (LabelStore) before the transaction that commits them, and the
// predictions are the online store's: a partition's state is rebuilt from the stores whenever it is
// claimed, after fencing, and forgotten when a rejoin gives the partition to another instance; the
// counts of the partition are written, absolute, in the same Kafka transaction as the input offsets
// (docs/adr/0016-quality-state.md).
import type { Envelope } from '../core/envelope.ts';
import { checkLabel, checkSmsId, type SpamLabel } from '../core/message-rules.ts';
import { type Result, fail, ok } from '../core/result.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { TopicPartition } from '../connectors/kafka.ts';
import type { LabelStore } from '../connectors/label-store.ts';
import type { PredictionStore } from '../connectors/online-store.ts';
import { type QualityCounts, type SmsVerdict, loadSchema } from '../schemas/index.ts';
import {
  type Flow,
  type RecordProcessor,
  type RetryPolicy,
  decodeRecords,
  mapOk,
  mapOkAsync,
  namedPipe,
  outputRecord,
  step,
} from './flow.ts';
import { PartitionTally, type Predicted, type Verdict, mergeLabelled, mergeVerdict } from './quality-state.ts';

export interface QualityPorts {
  readonly codec: RecordCodec;
  readonly labels: LabelStore;
  readonly predictions: PredictionStore;
}

export interface QualitySettings {
  readonly qualityTopic: string;
  /** Partitions of the input topic, written into each record so readers add up the right ones. */
  readonly partitions: number;
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly policy: RetryPolicy;
  readonly now?: () => number;
}

/**
 * The processor, and what its source must call: `restore` when a partition is claimed (after fencing
 * its earlier writers, before its first record), `release` when a rejoin gives it to another member.
 */
export interface QualityProcessor extends RecordProcessor {
  /** Rebuilds the partition's state from the stores. */
  restore(input: TopicPartition): Promise<void>;
  /** Forgets the partition's state. */
  release(input: TopicPartition): void;
}

interface Checked {
  readonly smsId: string;
  readonly verdict: Verdict;
}

/** A checked verdict, and for a label of a message not yet labelled here, the predictions stored of it. */
interface Stored extends Checked {
  readonly stored?: readonly (readonly [string, Predicted])[];
}

const VERDICT_SCHEMA = loadSchema('sms-verdicts');
/** Reads of the online store in flight while a partition is restored. */
const RESTORE_CONCURRENCY = 32;

const partitionOf = (record: Envelope<unknown>): TopicPartition => ({
  topic: record.origin.topic,
  partition: record.origin.partition,
});
const keyOf = (tp: TopicPartition) => `${tp.topic}:${tp.partition}`;

export function qualityProcessor(ports: QualityPorts, settings: QualitySettings): QualityProcessor {
  const now = settings.now ?? Date.now;
  /** The state of each partition held: restored when claimed, deleted when released. */
  const tallies = new Map<string, PartitionTally>();
  /**
   * Per partition, the claim (the origin's generation) its counts were last written under. The
   * stores may hold verdicts whose counts were never committed (stored, then the transaction
   * refused or the instance gone); read again they change nothing, so the first verdict of each
   * claim writes the counts all the same, or the newest committed ones would lack them for good.
   */
  const writtenUnder = new Map<string, number | undefined>();

  /** The predictions the online store holds of a message, as the state keeps them. */
  const storedPredictions = async (smsId: string) =>
    (await ports.predictions.getPredictions(smsId)).flatMap((p): (readonly [string, Predicted])[] => {
      const label = checkLabel(p.label);
      return label.ok ? [[p.modelVersion, { label: label.value, eventTime: p.eventTime, scoredAt: p.scoredAt }]] : [];
    });

  const countsOf = (tp: TopicPartition, tally: PartitionTally): QualityCounts => {
    const at = now();
    return {
      partition: tp.partition,
      partitions: settings.partitions,
      labelled: tally.labelled,
      bucket_ms: settings.bucketMs,
      updated_at: at,
      versions: tally.counts(at, settings.windowMs).map((v) => ({
        model_version: v.version,
        ...v.all,
        recent: [...v.recent],
      })),
    };
  };

  /** Rebuilds a partition's state from the stores: its labels, and the stored predictions of each. */
  async function restore(input: TopicPartition): Promise<void> {
    const labels = await ports.labels.labelsOf(input);
    const tally = new PartitionTally(settings.bucketMs);
    for (let i = 0; i < labels.length; i += RESTORE_CONCURRENCY) {
      const batch = labels.slice(i, i + RESTORE_CONCURRENCY);
      const stored = await Promise.all(batch.map((label) => storedPredictions(label.smsId)));
      for (const [j, label] of batch.entries()) tally.set(label.smsId, mergeLabelled(undefined, label, stored[j]!));
    }
    // Swapped in whole: a verdict merged meanwhile into the old state is read again, since it is not committed.
    tallies.set(keyOf(input), tally);
    writtenUnder.delete(keyOf(input));
  }

  const release = (input: TopicPartition) => {
    tallies.delete(keyOf(input));
    writtenUnder.delete(keyOf(input));
  };

  return Object.assign(steps(), { restore, release });

  function steps(): RecordProcessor {
    return namedPipe(
      step('decode SmsVerdict', decodeRecords<SmsVerdict>(ports.codec, VERDICT_SCHEMA, settings.policy)),
      step('check id and label', mapOk(checkVerdict)),
      step(
        'store the label (the latest given wins); read the stored predictions of a newly labelled message',
        mapOkAsync(async (checked: Checked, record): Promise<Stored> => {
          const { verdict, smsId } = checked;
          if (verdict.kind !== 'label') return checked;
          const tp = partitionOf(record);
          await ports.labels.putLabels(tp, [{ smsId, ...verdict.label }]);
          if (tallies.get(keyOf(tp))?.get(smsId)) return checked;
          return { ...checked, stored: await storedPredictions(smsId) };
        }, settings.policy),
        { stores: ['labels'] },
      ),
      step(
        'merge into the message state (latest label, latest prediction per version) and count per version',
        mapOk((stored: Stored, record: Flow<Stored>): Result<QualityCounts | null> => {
          const tp = partitionOf(record);
          const key = keyOf(tp);
          const tally = tallies.get(key);
          // Released while the verdict was on its way: it is read again by the partition's owner.
          if (!tally) return ok(null);
          const known = tally.get(stored.smsId);
          const { verdict } = stored;
          const next =
            verdict.kind === 'label'
              ? mergeLabelled(known, verdict.label, stored.stored ?? [])
              : mergeVerdict(known, verdict);
          const changed = next !== undefined && tally.set(stored.smsId, next);
          const { generation } = record.origin;
          const firstOfClaim = !writtenUnder.has(key) || writtenUnder.get(key) !== generation;
          if (!changed && !(firstOfClaim && tally.labelled > 0)) return ok(null);
          writtenUnder.set(key, generation);
          return ok(countsOf(tp, tally));
        }),
      ),
      step(
        'encode QualityCounts of the partition (absolute)',
        mapOkAsync(async (counts, record) => {
          if (!counts) return [];
          const key = String(counts.partition);
          // Only the newest counts of a partition matter: the sink writes the last of a transaction's.
          return [
            { ...(await outputRecord(ports.codec, settings.qualityTopic, key, counts, record)), latestOnly: true },
          ];
        }, settings.policy),
        { topic: settings.qualityTopic },
      ),
    );
  }
}

function checkVerdict(verdict: SmsVerdict): Result<Checked> {
  const id = checkSmsId(verdict.sms_id);
  if (!id.ok) return id;
  const label = checkLabel(verdict.label, `label of ${verdict.sms_id}`);
  if (!label.ok) return label;
  const value: SpamLabel = label.value;
  if (verdict.model_version === null)
    return ok({
      smsId: verdict.sms_id,
      verdict: { kind: 'label', label: { label: value, labelledAt: verdict.given_at } },
    });
  if (verdict.model_version === '')
    return fail('INVALID_FIELD', `the prediction of ${verdict.sms_id} names no model version`);
  return ok({
    smsId: verdict.sms_id,
    verdict: {
      kind: 'prediction',
      version: verdict.model_version,
      prediction: { label: value, eventTime: verdict.event_time, scoredAt: verdict.given_at },
    },
  });
}
