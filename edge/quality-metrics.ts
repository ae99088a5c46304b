// Live quality on the edge's `/metrics`: `spamstream_quality_count{model_version,scope,outcome}`,
// `spamstream_quality{model_version,scope,figure}` (precision, recall, f1, accuracy; left out while
// undefined) and `spamstream_quality_labelled_messages`. Set from the board at every scrape, as the
// replays' gauges are, so a version or a window that emptied is right on the next scrape.
import type { Metrics } from '../core/metrics.ts';
import type { QualitySnapshot } from './quality-board.ts';

const OUTCOMES = ['tp', 'fp', 'tn', 'fn'] as const;
const FIGURES = ['precision', 'recall', 'f1', 'accuracy'] as const;

export function mirrorQuality(metrics: Metrics, quality: QualitySnapshot): void {
  const { qualityCount, qualityFigure, qualityLabelled } = metrics;
  qualityCount.reset();
  qualityFigure.reset();
  qualityLabelled.set(quality.labelled);
  for (const version of quality.versions) {
    for (const scope of ['all', 'recent'] as const) {
      const q = version[scope];
      const labels = { model_version: version.modelVersion, scope };
      for (const outcome of OUTCOMES) qualityCount.set({ ...labels, outcome }, q[outcome]);
      for (const figure of FIGURES) {
        const value = q[figure];
        if (value !== null) qualityFigure.set({ ...labels, figure }, value);
      }
    }
  }
}
