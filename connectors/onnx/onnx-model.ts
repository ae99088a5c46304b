// The onnxruntime-node implementation of SpamModel: one inference session per model, batched
// input tensors built from the card's input specs. Opened by connectors/onnx/load.ts.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { SpamstreamError } from '../../core/errors.ts';
import type { SpamModel } from '../model-runtime.ts';
import type { ModelCard } from '../../models/card.ts';
import { buildInputs } from './tensors.ts';

export interface OnnxOptions {
  readonly threads: number;
}

export async function openOnnxModel(path: string, card: ModelCard, options: OnnxOptions): Promise<SpamModel> {
  const bytes = await readFile(path);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== card.model.sha256) {
    throw new SpamstreamError(
      'INTERNAL',
      `${path}: sha256 ${digest.slice(0, 12)}… differs from card ${card.version} (${card.model.sha256.slice(0, 12)}…); model and card are from different trainings`,
    );
  }
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    // Failures reach the caller as INFERENCE_FAILED with the runtime's message; no second copy on stderr.
    logSeverityLevel: 4,
  });
  const missing = card.inputs.filter((input) => !session.inputNames.includes(input.name)).map((input) => input.name);
  if (missing.length > 0 || !session.outputNames.includes(card.output.name)) {
    await session.release();
    throw new SpamstreamError(
      'INTERNAL',
      `${path}: the graph (inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}) does not match card ${card.version}`,
    );
  }
  const spamColumn = card.labels.indexOf('spam');
  const width = card.output.shape[1];

  return {
    card,
    async predict(batch) {
      if (batch.length === 0) return new Float64Array(0);
      const feeds: Record<string, ort.Tensor> = {};
      for (const input of buildInputs(batch, card.inputs))
        feeds[input.name] = new ort.Tensor(input.dtype, input.data, input.dims);
      let output: ort.Tensor | undefined;
      try {
        output = (await session.run(feeds, [card.output.name]))[card.output.name];
      } catch (error) {
        throw new SpamstreamError(
          'INFERENCE_FAILED',
          `model ${card.version}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      const scores = output?.data;
      if (!(scores instanceof Float32Array) || scores.length !== batch.length * width) {
        throw new SpamstreamError(
          'INFERENCE_FAILED',
          `model ${card.version}: output ${card.output.name} has an unexpected shape`,
        );
      }
      const spam = new Float64Array(batch.length);
      for (let i = 0; i < batch.length; i++) spam[i] = scores[i * width + spamColumn] as number;
      return spam;
    },
    async close() {
      await session.release();
    },
  };
}
