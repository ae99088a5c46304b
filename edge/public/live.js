// The live page: listens to /events (server-sent events) and keeps two tables current.
// `snapshot` replaces everything (first connect and every reconnect); `prediction` adds one row
// and replaces its model's tally. Text goes in with textContent only, never as HTML.
'use strict';

const KEEP_ROWS = 50;
const tallies = new Map();

const $ = (id) => document.getElementById(id);
const recentBody = $('recent').tBodies[0];
const modelsBody = $('models').tBodies[0];

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

function predictionRow(p) {
  const row = document.createElement('tr');
  row.className = p.label === 'spam' ? 'is-spam' : 'is-ham';
  row.dataset.smsId = p.smsId;
  row.dataset.modelVersion = p.modelVersion;
  cell(row, formatTime(p.scoredAt));
  cell(row, p.smsId, 'id');
  cell(row, p.modelVersion);
  const label = cell(row, '');
  const badge = document.createElement('span');
  badge.className = `badge ${p.label === 'spam' ? 'spam' : 'ham'}`;
  badge.textContent = p.label;
  label.append(badge);
  const score = cell(row, '', 'score');
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.setAttribute('aria-hidden', 'true');
  bar.style.setProperty('--score', String(Math.min(1, Math.max(0, p.spamProbability))));
  const value = document.createElement('span');
  value.className = 'score-value';
  value.textContent = p.spamProbability.toFixed(3);
  score.append(bar, value);
  cell(row, formatLag(p.lagMs), 'num');
  return row;
}

function renderTallies() {
  const rows = [...tallies.values()].sort((a, b) => a.modelVersion.localeCompare(b.modelVersion, 'en', { numeric: true }));
  modelsBody.replaceChildren(...rows.map((t) => {
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
  }));
  $('total').textContent = String(rows.reduce((sum, t) => sum + t.count, 0));
  $('total-spam').textContent = String(rows.reduce((sum, t) => sum + t.spam, 0));
}

function showLatest(prediction) {
  $('lag').textContent = prediction ? formatLag(prediction.lagMs) : '—';
  $('empty').hidden = recentBody.rows.length > 0;
}

function onSnapshot(snapshot) {
  tallies.clear();
  for (const t of snapshot.models) tallies.set(t.modelVersion, t);
  recentBody.replaceChildren(...snapshot.recent.map(predictionRow));
  renderTallies();
  showLatest(snapshot.recent[0]);
}

function onPrediction({ prediction, tally }) {
  recentBody.prepend(predictionRow(prediction));
  while (recentBody.rows.length > KEEP_ROWS) recentBody.deleteRow(-1);
  tallies.set(tally.modelVersion, tally);
  renderTallies();
  showLatest(prediction);
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
}

connect();
