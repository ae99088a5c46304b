// Generated from schemas/*.avsc by scripts/gen-schema-types.ts — do not edit; run `npm run gen:types`.

/** An incoming SMS, as produced to sms.raw (key: sms_id). */
export interface SmsRaw {
  /** Unique message id; also the record key. */
  readonly sms_id: string;
  /** Sender number or short code. */
  readonly sender: string;
  /** Recipient number. */
  readonly recipient: string;
  /** Message body, UTF-8. */
  readonly text: string;
  /** When the message was received: the event time. */
  readonly received_at: number;
  /** Where the record came from: api, cli, cdc, replay… */
  readonly source: string;
}

export interface FeatureVector {
  /** Feature view id, e.g. v1. */
  readonly view: string;
  /** Feature view version. */
  readonly version: number;
  /** The view's fields in their documented order. */
  readonly values: number[];
}

/** Every feature view computed for one message, as produced to sms.features (key: sms_id). The topic is the feature history used for training and replay. */
export interface SmsFeatures {
  readonly sms_id: string;
  /** One entry per feature view and version computed for this message. */
  readonly views: FeatureVector[];
  /** received_at of the message. */
  readonly event_time: number;
  /** When the features were computed. */
  readonly computed_at: number;
}

/** One model's verdict on one message, as produced to sms.predictions (key: sms_id). */
export interface SmsPrediction {
  readonly sms_id: string;
  /** Model name. */
  readonly model: string;
  /** Model version, e.g. v3. */
  readonly model_version: string;
  /** The feature view(s) the model consumed, e.g. v1 or v1+v2. */
  readonly feature_view: string;
  /** spam or ham, by the model's decision threshold. */
  readonly label: string;
  readonly spam_probability: number;
  /** All labels, in the order of scores. */
  readonly labels: string[];
  /** Probability of each label. */
  readonly scores: number[];
  /** Decision threshold on spam_probability. */
  readonly threshold: number;
  readonly event_time: number;
  readonly scored_at: number;
}

/** What a user said a message is, as produced to sms.labels (key: sms_id). A message's label is the one given last, by labelled_at. */
export interface SmsLabel {
  /** The message labelled; also the record key. */
  readonly sms_id: string;
  /** spam or ham. */
  readonly label: string;
  /** When the label was given: the latest one wins. */
  readonly labelled_at: number;
  /** Where the label came from: api, cli, cdc… */
  readonly source: string;
}

/** A user's label or a model's prediction of one message, as the verdicts processor writes them to sms.verdicts (key: sms_id) for the quality processor: both in one stream, so one instance owns every verdict of a message. */
export interface SmsVerdict {
  readonly sms_id: string;
  /** The model version that predicted it; null for a user's label. */
  readonly model_version: null | string;
  /** spam or ham. */
  readonly label: string;
  /** A label: when the user gave it (labelled_at). A prediction: when it was scored (scored_at). */
  readonly given_at: number;
  /** A prediction: the message's event time, which orders predictions first (as the online store does); a label: 0. */
  readonly event_time: number;
}

export interface BucketCounts {
  readonly start: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/** One model version. Spam is the positive class: tp labelled spam and predicted spam, fp labelled ham and predicted spam, tn ham and ham, fn spam and ham. */
export interface VersionCounts {
  readonly model_version: string;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  /** The same counts by the time the label was given, one bucket per bucket_ms, over the recent window; buckets with nothing are left out. */
  readonly recent: BucketCounts[];
}

/** The confusion counts of every model version over the labelled messages of one partition of sms.verdicts, as the quality processor writes them to sms.quality (key: the partition, in decimal), absolute, after each change: the topic is compacted, and the counts of all partitions add up to the whole. */
export interface QualityCounts {
  /** The partition of sms.verdicts counted; also the record key. */
  readonly partition: number;
  /** How many partitions sms.verdicts had: a reader adds up the records of partitions below it. */
  readonly partitions: number;
  /** Messages of the partition with a label. */
  readonly labelled: number;
  /** The width of each bucket of `recent`, in ms. */
  readonly bucket_ms: number;
  /** When the counts were taken (the processor's clock). */
  readonly updated_at: number;
  readonly versions: VersionCounts[];
}

/** A record a processor could not handle, with its reason and the original bytes, as produced to sms.dlq. */
export interface DeadLetter {
  readonly processor: string;
  readonly source_topic: string;
  readonly source_partition: number;
  readonly source_offset: number;
  /** The original key bytes. */
  readonly key: null | Buffer;
  /** The original value bytes, untouched. */
  readonly value: null | Buffer;
  readonly headers: Record<string, string>;
  /** A code of the error catalogue (core/errors.ts). */
  readonly error_code: string;
  readonly error_reason: string;
  /** Whether re-driving the record may succeed without changing it. */
  readonly retriable: boolean;
  readonly failed_at: number;
}

/** Where one replay stands, as produced to sms.replays (key: group_id) about every second while it runs and once when it ends. The topic is compacted: the newest record of each replay stays. */
export interface ReplayStatus {
  /** The replay's consumer group; also the record key, the same when the same command resumes. */
  readonly group_id: string;
  /** The run id its outputs carry in the spamstream-replay header. */
  readonly run_id: string;
  /** features, scoring or store. */
  readonly kind: string;
  /** running until its end (done), a stop that the same command resumes (stopped), or an error (failed). */
  readonly state: 'running' | 'done' | 'stopped' | 'failed';
  /** Input offsets read and committed, of total (transaction markers take offsets too). */
  readonly done: number;
  readonly total: number;
  /** Input records this run of the command finished. */
  readonly messages: number;
  /** Input records a second, over this run of the command. */
  readonly rate: number;
  /** Seconds to the end at this run's pace; null until it can be told. */
  readonly eta_seconds: null | number;
  /** The host the replay runs on. */
  readonly host: string;
  /** When this run of the command started. */
  readonly started_at: number;
  /** When these figures were taken (the replay host's clock). */
  readonly updated_at: number;
}
