// The live page's drift panel: polls /drift and shows, for the statistics that moved most, the
// population stability index of the last live messages against each model's training data.
// Everything goes in with textContent, never as HTML. Uses `cell` and `poll` of live.js, loaded first.

const POLL_MS = 5000;
/** The statistics shown: those with the largest PSI of any model. */
const SHOWN = 10;

const table = document.getElementById('drift');
const summary = document.getElementById('drift-summary');
const legend = document.getElementById('drift-legend');

function render(drift) {
  const models = drift.models.filter((m) => m.fields.length > 0);
  if (drift.window === 0 || drift.models.length === 0) {
    summary.textContent =
      drift.window === 0
        ? 'Drift is off (SPAMSTREAM_DRIFT_WINDOW=0).'
        : 'No loaded model card holds a training distribution to compare with.';
    table.hidden = true;
    return;
  }
  if (models.length === 0) {
    const messages = Math.max(...drift.models.map((m) => m.messages));
    summary.textContent = `Waiting for live messages: ${messages} of the ${drift.minMessages} needed before drift is measured.`;
    table.hidden = true;
    return;
  }
  const names = models[0].fields.map((f) => f.name);
  const worst = (name) => Math.max(...models.map((m) => m.fields.find((f) => f.name === name)?.psi ?? 0));
  const shown = [...names].sort((a, b) => worst(b) - worst(a)).slice(0, SHOWN);
  const counts = { moderate: 0, major: 0 };
  for (const name of names) {
    const value = worst(name);
    if (value >= drift.thresholds.major) counts.major++;
    else if (value >= drift.thresholds.moderate) counts.moderate++;
  }
  const messages = Math.min(...models.map((m) => m.messages));
  summary.textContent =
    `Over the last ${messages.toLocaleString('en')} live messages (a full window is ${drift.window.toLocaleString('en')}): ` +
    `${counts.major} of ${names.length} statistics shifted majorly, ${counts.moderate} moderately.`;

  const head = table.tHead.rows[0];
  head.replaceChildren(head.cells[0]);
  for (const model of models) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.className = 'num';
    th.textContent = `PSI ${model.modelVersion}`;
    head.append(th);
  }
  table.tBodies[0].replaceChildren(
    ...shown.map((name) => {
      const row = document.createElement('tr');
      row.dataset.statistic = name;
      cell(row, name, 'id');
      for (const model of models) {
        const field = model.fields.find((f) => f.name === name);
        const td = cell(row, field.psi.toFixed(3), `num psi band-${field.band}`);
        td.dataset.modelVersion = model.modelVersion;
        td.title = field.band;
      }
      return row;
    }),
  );
  table.hidden = false;
  legend.textContent = `Stable below ${drift.thresholds.moderate}, moderate (!) from it, major (!!) from ${drift.thresholds.major}; the ${shown.length} statistics that moved most are shown.`;
}

poll('/drift', render, POLL_MS);
