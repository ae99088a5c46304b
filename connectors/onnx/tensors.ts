// Turns a batch of feature sets into the flat typed arrays of the model's input tensors, checking
// every row against the card's input specs. Kept apart from onnxruntime so it is tested alone.
import { endianness } from 'node:os';
import { SpamstreamError } from '../../core/errors.ts';
import type { FeatureSet } from '../../features/view.ts';
import type { ModelInputSpec } from '../../models/card.ts';

export interface InputData {
  readonly name: string;
  readonly dtype: 'float32' | 'int64';
  readonly data: Float32Array | BigInt64Array;
  readonly dims: readonly [number, number];
}

const littleEndian = endianness() === 'LE';

function rowValues(row: FeatureSet, spec: ModelInputSpec, index: number): readonly number[] {
  const values = row[spec.view];
  if (values === undefined) throw new SpamstreamError('VIEW_MISSING', `row ${index} has no view ${spec.view}`);
  if (values.length !== spec.shape[1]) {
    throw new SpamstreamError(
      'INVALID_FIELD',
      `row ${index}: view ${spec.view} has ${values.length} values; input ${spec.name} takes ${spec.shape[1]}`,
    );
  }
  return values;
}

function floatInput(batch: readonly FeatureSet[], spec: ModelInputSpec): Float32Array {
  const width = spec.shape[1];
  const data = new Float32Array(batch.length * width);
  batch.forEach((row, index) => {
    const values = rowValues(row, spec, index);
    for (let j = 0; j < width; j++) {
      const value = values[j] as number;
      if (!Number.isFinite(value))
        throw new SpamstreamError('INVALID_FIELD', `row ${index}: view ${spec.view} value ${j} is ${value}`);
      data[index * width + j] = value;
    }
  });
  return data;
}

function idInput(batch: readonly FeatureSet[], spec: ModelInputSpec): BigInt64Array {
  const width = spec.shape[1];
  const data = new BigInt64Array(batch.length * width);
  // Ids are small non-negative integers: on little-endian machines write the low 32-bit word
  // directly instead of creating a BigInt per value (the high word stays 0).
  const words = littleEndian ? new Uint32Array(data.buffer) : undefined;
  batch.forEach((row, index) => {
    const values = rowValues(row, spec, index);
    for (let j = 0; j < width; j++) {
      const value = values[j] as number;
      if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
        throw new SpamstreamError(
          'INVALID_FIELD',
          `row ${index}: view ${spec.view} id ${j} is ${value}, not a non-negative integer`,
        );
      }
      if (words) words[(index * width + j) * 2] = value;
      else data[index * width + j] = BigInt(value);
    }
  });
  return data;
}

/** One entry per card input, in card order. */
export function buildInputs(batch: readonly FeatureSet[], specs: readonly ModelInputSpec[]): InputData[] {
  return specs.map((spec) => ({
    name: spec.name,
    dtype: spec.dtype,
    data: spec.dtype === 'float32' ? floatInput(batch, spec) : idInput(batch, spec),
    dims: [batch.length, spec.shape[1]],
  }));
}
