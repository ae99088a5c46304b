// ONNX inference alone, per model: rows scored per second through the same SpamModel the scoring
// processor uses, at batch 1 and batch 64 (the processor's micro-batch), on feature sets computed
// beforehand from the data set's texts. One intra-op thread, as in the processors.
import type { Config } from '../config/config.ts';
import { computeViews } from '../features/index.ts';
import { loadModels } from '../connectors/onnx/load.ts';

export type OnnxFigures = Record<string, { batch1: number; batch64: number }>;

export async function onnxBench(
  config: Config,
  texts: readonly string[],
  options: { seconds: number },
): Promise<OnnxFigures> {
  const sets = texts.slice(0, 2_000).map((text) => computeViews(text));
  const models = await loadModels(config.pipeline.modelsDir, config.pipeline.models);
  const out: OnnxFigures = {};
  try {
    for (const model of models) {
      const rate = async (batch: number) => {
        let rows = 0;
        let i = 0;
        await model.predict(sets.slice(0, batch)); // warm-up
        const started = performance.now();
        const deadline = started + options.seconds * 1000;
        while (performance.now() < deadline && rows < 50_000_000) {
          const start = (i++ * batch) % (sets.length - batch);
          rows += (await model.predict(sets.slice(start, start + batch))).length;
        }
        return Math.round(rows / ((performance.now() - started) / 1000));
      };
      out[model.card.version] = { batch1: await rate(1), batch64: await rate(64) };
    }
  } finally {
    await Promise.all(models.map((model) => model.close()));
  }
  return out;
}
