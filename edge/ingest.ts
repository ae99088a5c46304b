// The real SmsIngest and LabelIngest, composed from ports: Avro-encode the record under its topic's
// subject and write it keyed by the message's id (same key, same partition, so a message's records
// stay in order). `submit` resolves when the writer does: once every in-sync replica has the record.
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordWriter } from '../connectors/kafka.ts';
import { valueSubject } from '../topology/topics.ts';
import type { LabelIngest, SmsIngest } from './deps.ts';

export function createSmsIngest(writer: RecordWriter, codec: RecordCodec, rawTopic: string): SmsIngest {
  const subject = valueSubject(rawTopic);
  return {
    async submit(raw) {
      const value = await codec.encode(subject, raw);
      // The record timestamp is the event time, as for every record the pipeline writes.
      await writer.send([{ topic: rawTopic, key: raw.sms_id, value, timestamp: raw.received_at }]);
    },
  };
}

export function createLabelIngest(writer: RecordWriter, codec: RecordCodec, labelsTopic: string): LabelIngest {
  const subject = valueSubject(labelsTopic);
  return {
    async submit(label) {
      const value = await codec.encode(subject, label);
      await writer.send([{ topic: labelsTopic, key: label.sms_id, value, timestamp: label.labelled_at }]);
    },
  };
}
