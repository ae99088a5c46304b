// Drift on the edge's `/metrics`: per model version, view and statistic the PSI of the live window
// against the card (`spamstream_drift_psi`), and the messages in each window
// (`spamstream_drift_window_messages`). Set from the monitor at every scrape, so nothing is done
// per message; a statistic has no PSI series until its window holds enough messages.
import { Gauge, type Registry } from 'prom-client';
import type { DriftMonitor } from './drift-monitor.ts';

const PSI = 'spamstream_drift_psi';
const MESSAGES = 'spamstream_drift_window_messages';

export function registerDriftMetrics(registry: Registry, monitor: Pick<DriftMonitor, 'snapshot'>): void {
  // One registry may see several apps (tests, restarts): the newest monitor's figures are the ones served.
  for (const name of [PSI, MESSAGES]) registry.removeSingleMetric(name);
  new Gauge({
    name: PSI,
    help: "Population stability index of a statistic over the last live messages against the model's training data (0.1: moderate shift, 0.25: major)",
    labelNames: ['model_version', 'view', 'statistic'],
    registers: [registry],
    collect() {
      this.reset();
      for (const model of monitor.snapshot().models)
        for (const field of model.fields)
          this.set({ model_version: model.modelVersion, view: model.view, statistic: field.name }, field.psi);
    },
  });
  new Gauge({
    name: MESSAGES,
    help: 'Live messages in the window the drift is measured over',
    labelNames: ['model_version', 'view'],
    registers: [registry],
    collect() {
      this.reset();
      for (const model of monitor.snapshot().models)
        this.set({ model_version: model.modelVersion, view: model.view }, model.messages);
    },
  });
}
