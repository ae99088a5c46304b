// The model card: written by the Python trainer beside each model.onnx (training/spamtrain/card.py),
// read here, checked, and served as is by the HTTP edge. It says what the model eats (views and
// their versions, input tensors), what it returns, where to cut, and how well it did.
import { readFileSync } from 'node:fs';
import type { TrainingDistribution } from './drift.ts';

export const CARD_FORMAT = 'spamstream.model-card/1';

export interface ModelInputSpec {
  /** The ONNX input name. */
  readonly name: string;
  /** The feature view whose values fill this input, one row per message. */
  readonly view: string;
  readonly dtype: 'float32' | 'int64';
  /** ['N', width]: N rows of `width` values. */
  readonly shape: readonly ['N', number];
}

export interface ModelMetrics {
  readonly rows: number;
  readonly spamRows: number;
  readonly spamPrecision: number;
  readonly spamRecall: number;
  readonly spamF1: number;
  readonly rocAuc: number;
  readonly accuracy: number;
}

export interface ModelCard {
  readonly format: typeof CARD_FORMAT;
  readonly name: string;
  /** v1, v2, …: the id used in predictions, Cassandra rows and `/models/:version`. */
  readonly version: string;
  readonly description: string;
  readonly algorithm: string;
  readonly createdAt: string;
  /** The views (id and version) the model was trained on; it must be fed exactly these. */
  readonly views: readonly { readonly id: string; readonly version: number }[];
  readonly inputs: readonly ModelInputSpec[];
  readonly output: {
    readonly name: string;
    readonly dtype: 'float32';
    readonly shape: readonly ['N', number];
    readonly meaning: string;
  };
  /** Output columns, in order: ["ham", "spam"]. */
  readonly labels: readonly string[];
  /** A message is spam when its spam probability is >= threshold. */
  readonly threshold: number;
  readonly thresholdRule: string;
  /** Validation split metrics at the threshold (never trained on), and out-of-fold ones on training. */
  readonly metrics: { readonly validation: ModelMetrics; readonly trainingOutOfFold: ModelMetrics };
  readonly trainingData: {
    readonly source: { readonly file: string; readonly sha256: string };
    readonly exportSha256: string;
    readonly rows: Readonly<Record<string, number>>;
  };
  /**
   * Per view of named statistics the model reads (v1), how its training split was distributed: the
   * reference of the drift measured live (models/drift.ts). Absent from cards written before it.
   */
  readonly trainingDistribution?: readonly TrainingDistribution[];
  readonly model: { readonly file: string; readonly bytes: number; readonly sha256: string };
  readonly selection?: unknown;
  readonly seed: number;
  readonly libraries: Readonly<Record<string, string>>;
}

const isShape = (shape: unknown): shape is ['N', number] =>
  Array.isArray(shape) &&
  shape.length === 2 &&
  shape[0] === 'N' &&
  Number.isInteger(shape[1]) &&
  (shape[1] as number) > 0;

/** Checks what the runtime relies on and returns the card, or throws naming every problem. */
export function parseCard(value: unknown, source = 'card'): ModelCard {
  const card = value as Partial<ModelCard> | null;
  if (card === null || typeof card !== 'object') throw new Error(`${source}: not a JSON object`);
  const problems: string[] = [];
  if (card.format !== CARD_FORMAT) problems.push(`format is not ${CARD_FORMAT}`);
  if (typeof card.name !== 'string' || card.name === '') problems.push('name is missing');
  if (typeof card.version !== 'string' || !/^v\d+$/u.test(card.version))
    problems.push('version must look like v1, v2, …');
  const views = Array.isArray(card.views) ? card.views : [];
  if (views.length === 0 || views.some((v) => typeof v?.id !== 'string' || !Number.isInteger(v?.version)))
    problems.push('views must list {id, version} entries');
  const inputs = Array.isArray(card.inputs) ? card.inputs : [];
  if (inputs.length === 0) problems.push('inputs are missing');
  for (const input of inputs) {
    if (!views.some((v) => v?.id === input?.view))
      problems.push(`input ${input?.name} reads view ${input?.view}, which views does not list`);
    if (input?.dtype !== 'float32' && input?.dtype !== 'int64')
      problems.push(`input ${input?.name} has unsupported dtype ${input?.dtype}`);
    if (!isShape(input?.shape)) problems.push(`input ${input?.name} shape must be ["N", width]`);
  }
  if (typeof card.output?.name !== 'string' || !isShape(card.output?.shape))
    problems.push('output must have a name and shape ["N", labels]');
  if (!Array.isArray(card.labels) || !card.labels.includes('spam') || card.output?.shape?.[1] !== card.labels.length) {
    problems.push('labels must include "spam" and match the output width');
  }
  if (typeof card.threshold !== 'number' || !(card.threshold > 0 && card.threshold < 1))
    problems.push('threshold must be in (0, 1)');
  if (typeof card.model?.file !== 'string' || typeof card.model?.sha256 !== 'string')
    problems.push('model file and sha256 are missing');
  problems.push(...distributionProblems(card.trainingDistribution));
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return card as ModelCard;
}

function distributionProblems(distributions: unknown): string[] {
  if (distributions === undefined) return [];
  if (!Array.isArray(distributions)) return ['trainingDistribution must be a list'];
  const problems: string[] = [];
  for (const d of distributions as Partial<TrainingDistribution>[]) {
    if (typeof d?.view !== 'string' || !Number.isInteger(d?.version) || !Array.isArray(d?.fields)) {
      problems.push('trainingDistribution entries need view, version and fields');
      continue;
    }
    for (const field of d.fields) {
      const { edges, counts } = field ?? {};
      const ascending =
        Array.isArray(edges) && edges.every((edge, i) => Number.isFinite(edge) && (i === 0 || edge > edges[i - 1]!));
      const counted =
        Array.isArray(counts) &&
        counts.length === (edges?.length ?? -2) + 1 &&
        counts.every((count) => Number.isInteger(count) && count >= 0);
      if (typeof field?.name !== 'string' || !ascending || !counted)
        problems.push(`trainingDistribution of ${d.view}: ${field?.name} needs ascending edges and one count more`);
    }
  }
  return problems;
}

export function readCard(path: string): ModelCard {
  return parseCard(JSON.parse(readFileSync(path, 'utf8')), path);
}
