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
