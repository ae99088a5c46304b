// What every feature view is: a pure, deterministic function from a message text to a fixed-length
// numeric vector, with an id that names it everywhere (Kafka records, Cassandra rows, HTTP
// `?views=`, model cards) and an integer version that changes whenever its values would.

export interface FeatureField {
  readonly name: string;
  readonly description: string;
}

/** A view whose positions are named statistics (v1). Values are exactly representable as float32. */
export interface FieldsLayout {
  readonly kind: 'fields';
  readonly fields: readonly FeatureField[];
}

/** A view whose positions are a padded sequence of integer token ids (v2). */
export interface SequenceLayout {
  readonly kind: 'sequence';
  readonly tokenizer: string;
  /** Number of ids per message: longer texts are truncated (first tokens kept), shorter ones padded. */
  readonly length: number;
  readonly padId: number;
  readonly oovId: number;
  /** Ids run from 0 to vocabularySize - 1. */
  readonly vocabularySize: number;
  /** Human-readable statement of the contract above. */
  readonly contract: string;
}

export interface FeatureView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly description: string;
  /** Values per message; every call of compute returns exactly this many. */
  readonly length: number;
  /** How a model should read the values: float32 statistics or int64 ids. */
  readonly dtype: 'float32' | 'int64';
  readonly layout: FieldsLayout | SequenceLayout;
  compute(text: string): number[];
}

/** Values of several views of one message, by view id: what the stream carries and models eat. */
export type FeatureSet = Readonly<Record<string, readonly number[]>>;
