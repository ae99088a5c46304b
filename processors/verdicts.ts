// The verdicts processor: users' labels and models' predictions as one stream keyed by message.
//   sms.labels, sms.predictions ─► decode (by topic) ─► check ─► encode SmsVerdict ─► sms.verdicts
// One topic for both, so one partition holds every verdict of a message and one instance of the
// quality processor owns it: the stateful join needs no co-partitioned assignment of two topics
// and keeps one transactional producer per input partition (docs/adr/0016-quality-state.md).
import type { Envelope } from '../core/envelope.ts';
import { checkLabel, checkLabelRecord, checkSmsId } from '../core/message-rules.ts';
import { type Result, ok } from '../core/result.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import { type SmsLabel, type SmsPrediction, type SmsVerdict, loadSchema } from '../schemas/index.ts';
import {
  type RecordProcessor,
  type RetryPolicy,
  decodeRecords,
  mapOk,
  mapOkAsync,
  namedPipe,
  outputRecord,
  step,
} from './flow.ts';

export interface VerdictsPorts {
  readonly codec: RecordCodec;
}

export interface VerdictsSettings {
  readonly labelsTopic: string;
  readonly verdictsTopic: string;
  readonly policy: RetryPolicy;
}

const LABEL_SCHEMA = loadSchema('sms-labels');
const PREDICTION_SCHEMA = loadSchema('sms-predictions');

export function verdictsProcessor(ports: VerdictsPorts, settings: VerdictsSettings): RecordProcessor {
  const schemaOf = (record: Envelope<Buffer | null>) =>
    record.origin.topic === settings.labelsTopic ? LABEL_SCHEMA : PREDICTION_SCHEMA;
  return namedPipe(
    step(
      'decode SmsLabel or SmsPrediction (by the topic it came from)',
      decodeRecords<SmsLabel | SmsPrediction>(ports.codec, schemaOf, settings.policy),
    ),
    step('check id and label', mapOk(toVerdict)),
    step(
      'encode SmsVerdict',
      mapOkAsync(
        async (verdict, record) => [
          await outputRecord(ports.codec, settings.verdictsTopic, verdict.sms_id, verdict, record),
        ],
        settings.policy,
      ),
      { topic: settings.verdictsTopic },
    ),
  );
}

/** A label as given, or a prediction as scored; a label or id outside the rules is INVALID_FIELD. */
export function toVerdict(value: SmsLabel | SmsPrediction): Result<SmsVerdict> {
  if (!('model_version' in value)) {
    const label = checkLabelRecord(value);
    if (!label.ok) return label;
    const { sms_id, labelled_at } = label.value;
    return ok({ sms_id, model_version: null, label: label.value.label, given_at: labelled_at, event_time: 0 });
  }
  const id = checkSmsId(value.sms_id);
  if (!id.ok) return id;
  const label = checkLabel(value.label, `label of ${value.sms_id} by model ${value.model_version}`);
  if (!label.ok) return label;
  return ok({
    sms_id: value.sms_id,
    model_version: value.model_version,
    label: label.value,
    given_at: value.scored_at,
    event_time: value.event_time,
  });
}
