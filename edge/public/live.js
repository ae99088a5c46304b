// The live page: listens to /events (server-sent events) and keeps three tables and two charts current.
// `snapshot` replaces everything (first connect and every reconnect); `prediction` adds one row,
// replaces its model's tally and its second of the charts; `replays` replaces the replays table. Text goes in with textContent only,
// never as HTML, so a message's text shows as the characters it has, markup included.

const KEEP_ROWS = 50;
const SERIES_MS = 300_000;
const SVG = 'http://www.w3.org/2000/svg';
const tallies = new Map();
/** Chart points by second (epoch ms), and how far the server's clock is ahead of this one. */
const series = new Map();
let serverSkewMs = 0;

const $ = (id) => document.getElementById(id);
const recentBody = $('recent').tBodies[0];
const modelsBody = $('models').tBodies[0];
const replaysBody = $('replays').tBodies[0];
const count = (n) => Math.round(n).toLocaleString('en');

function formatLag(ms) {
  if (!Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function formatTime(epochMs) {
  return new Date(epochMs).toLocaleTimeString([], { hour12: false });
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/**
 * Asks `path` every `everyMs` and hands each answer to `render` (the quality and drift panels). A
 * failed request is skipped: the edge is restarting, the live stream's status says so, and the
 * next round asks again.
 */
// biome-ignore lint/correctness/noUnusedVariables: quality.js and drift.js, loaded after this script, call it
function poll(path, render, everyMs) {
  const ask = async () => {
    try {
      const response = await fetch(path);
      if (response.ok) render(await response.json());
    } catch {}
  };
  ask();
  setInterval(ask, everyMs);
}

function predictionRow(p) {
  const row = document.createElement('tr');
  row.className = p.label === 'spam' ? 'is-spam' : 'is-ham';
  row.dataset.smsId = p.smsId;
  row.dataset.modelVersion = p.modelVersion;
  cell(row, formatTime(p.scoredAt));
  const message = cell(row, '', 'message');
  const text = document.createElement('span');
  text.className = p.text === undefined ? 'text unknown' : 'text';
  text.textContent = p.text === undefined ? '(text not seen by this edge)' : p.text;
  const id = document.createElement('span');
  id.className = 'id';
  id.textContent = p.smsId;
  message.append(text, id);
  const score = cell(row, '', 'score');
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.setAttribute('aria-hidden', 'true');
  bar.style.setProperty('--score', String(Math.min(1, Math.max(0, p.spamProbability))));
  const value = document.createElement('span');
  value.className = 'score-value';
  value.textContent = p.spamProbability.toFixed(3);
  score.append(bar, value);
  const label = cell(row, '');
  const badge = document.createElement('span');
  badge.className = `badge ${p.label === 'spam' ? 'spam' : 'ham'}`;
  badge.textContent = p.label;
  label.append(badge);
  cell(row, p.modelVersion);
  // A replayed prediction's lag is its message's age, not the pipeline's: it is marked instead.
  const lag = cell(row, p.replay ? 'replay' : formatLag(p.lagMs), 'num');
  if (p.replay) lag.title = `recomputed by replay ${p.replay}`;
  return row;
}

function renderTallies() {
  const rows = [...tallies.values()].sort((a, b) =>
    a.modelVersion.localeCompare(b.modelVersion, 'en', { numeric: true }),
  );
  modelsBody.replaceChildren(
    ...rows.map((t) => {
      const row = document.createElement('tr');
      row.dataset.modelVersion = t.modelVersion;
      cell(row, t.modelVersion);
      cell(row, t.model);
      cell(row, String(t.count), 'num count');
      cell(row, String(t.spam), 'num spam');
      cell(row, t.count ? `${((100 * t.spam) / t.count).toFixed(1)} %` : '—', 'num');
      cell(row, formatLag(t.lastLagMs), 'num');
      cell(row, formatLag(t.meanLagMs), 'num');
      return row;
    }),
  );
  $('total').textContent = String(rows.reduce((sum, t) => sum + t.count, 0));
  $('total-spam').textContent = String(rows.reduce((sum, t) => sum + t.spam, 0));
}

/** One bar per second over the last five minutes (300 s over 300 units); heights up to the peak shown. */
function drawChart(svg, maxLabel, values, format) {
  const right = Date.now() + serverSkewMs;
  const shown = values.filter(([t]) => t > right - SERIES_MS).sort((a, b) => a[0] - b[0]);
  const max = Math.max(1, ...shown.map(([, v]) => v));
  const bars = shown.map(([t, v]) => {
    const bar = document.createElementNS(SVG, 'rect');
    const height = Math.max(1, (76 * v) / max);
    bar.setAttribute('x', ((300 * (t - (right - SERIES_MS))) / SERIES_MS).toFixed(1));
    bar.setAttribute('width', '1');
    bar.setAttribute('y', (78 - height).toFixed(1));
    bar.setAttribute('height', height.toFixed(1));
    return bar;
  });
  const base = document.createElementNS(SVG, 'line');
  for (const [name, value] of [
    ['x1', 0],
    ['y1', 78],
    ['x2', 300],
    ['y2', 78],
  ])
    base.setAttribute(name, String(value));
  base.setAttribute('class', 'axis');
  svg.replaceChildren(base, ...bars);
  svg.dataset.points = String(shown.length);
  svg.dataset.latest = shown.length ? String(shown.at(-1)[1]) : '';
  maxLabel.textContent = shown.length ? `(peak ${format(Math.max(...shown.map(([, v]) => v)))})` : '';
}

let chartsPending = false;
function renderCharts() {
  chartsPending = false;
  const points = [...series.values()];
  drawChart(
    $('rate-chart'),
    $('rate-max'),
    points.map((p) => [p.t, p.messages]),
    (v) => `${v}/s`,
  );
  drawChart(
    $('lag-chart'),
    $('lag-max'),
    points.filter((p) => p.meanLagMs !== undefined).map((p) => [p.t, p.meanLagMs]),
    formatLag,
  );
}
/** Predictions may arrive by the hundred a second: draw at most four times a second. */
function scheduleCharts() {
  if (chartsPending) return;
  chartsPending = true;
  setTimeout(renderCharts, 250);
}

function addPoint(point) {
  series.set(point.t, point);
  // The newest point is the server's current second: its clock, to place the chart's right edge.
  serverSkewMs = Math.max(-SERIES_MS, Math.min(SERIES_MS, point.t + 1000 - Date.now()));
  for (const t of series.keys()) if (t <= point.t - SERIES_MS) series.delete(t);
}

/** The pipeline's lag as the newest live prediction tells it (replayed ones say nothing of it). */
function showLatest(prediction) {
  if (!prediction?.replay) $('lag').textContent = prediction ? formatLag(prediction.lagMs) : '—';
  $('empty').hidden = recentBody.rows.length > 0;
}

function onSnapshot(snapshot) {
  tallies.clear();
  for (const t of snapshot.models) tallies.set(t.modelVersion, t);
  recentBody.replaceChildren(...snapshot.recent.map(predictionRow));
  renderTallies();
  showLatest(snapshot.recent.find((p) => !p.replay));
  series.clear();
  for (const point of snapshot.series) addPoint(point);
  renderCharts();
}

function onPrediction({ prediction, tally, point }) {
  addPoint(point);
  scheduleCharts();
  recentBody.prepend(predictionRow(prediction));
  while (recentBody.rows.length > KEEP_ROWS) recentBody.deleteRow(-1);
  tallies.set(tally.modelVersion, tally);
  renderTallies();
  showLatest(prediction);
}

function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function replayRow(r) {
  const row = document.createElement('tr');
  row.dataset.runId = r.runId;
  row.dataset.state = r.state;
  cell(row, r.kind);
  const run = cell(row, '', 'message');
  const id = document.createElement('span');
  id.className = 'text id';
  id.textContent = r.runId;
  const host = document.createElement('span');
  host.className = 'id';
  host.textContent = `on ${r.host}`;
  run.append(id, host);
  const fraction = r.total > 0 ? Math.min(1, r.done / r.total) : 1;
  const progress = cell(row, '', 'progress');
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', String(r.total));
  bar.setAttribute('aria-valuenow', String(r.done));
  bar.style.setProperty('--score', String(fraction));
  const value = document.createElement('span');
  value.className = 'progress-value';
  value.textContent = `${count(r.done)} / ${count(r.total)} (${Math.floor(fraction * 100)} %)`;
  progress.append(bar, value);
  cell(row, `${count(r.rate)}/s`, 'num rate');
  cell(row, r.state === 'running' && r.etaSeconds !== undefined ? formatDuration(r.etaSeconds) : '—', 'num eta');
  const state = cell(row, '');
  const badge = document.createElement('span');
  badge.className = `badge state-${r.state}`;
  badge.textContent = r.state;
  if (r.state === 'lost') badge.title = 'said it was running, and has not been heard of for 15 s';
  state.append(badge);
  return row;
}

function onReplays({ replays }) {
  replaysBody.replaceChildren(...replays.map(replayRow));
  $('replays').hidden = replays.length === 0;
  $('no-replays').hidden = replays.length > 0;
}

function setStatus(state, text) {
  const status = $('status');
  status.dataset.state = state;
  status.textContent = text;
}

function connect() {
  // EventSource reconnects by itself after an error; the server answers each connect with a snapshot.
  const events = new EventSource('/events');
  events.addEventListener('open', () => setStatus('live', 'Live'));
  events.addEventListener('error', () => setStatus('reconnecting', 'Connection lost — reconnecting…'));
  events.addEventListener('snapshot', (event) => onSnapshot(JSON.parse(event.data)));
  events.addEventListener('prediction', (event) => onPrediction(JSON.parse(event.data)));
  events.addEventListener('replays', (event) => onReplays(JSON.parse(event.data)));
}

connect();
// The window slides even when nothing arrives.
setInterval(renderCharts, 5000);
