// The live page's quality panel, on its own: asks GET /quality every two seconds and shows each model
// version's confusion counts and figures against users' labels, side by side, and a chart of F1 per
// bucket of the recent window (by the time the labels were given). Text goes in with textContent only.
// Uses `cell`, `SVG` and `poll` of live.js, which the page loads first.

const QUALITY_EVERY_MS = 2000;
// Told apart by dash pattern and marker as well as by colour.
const STYLES = [
  { dash: '', marker: 'circle' },
  { dash: '6 3', marker: 'square' },
  { dash: '2 2', marker: 'diamond' },
  { dash: '8 2 2 2', marker: 'circle' },
];

const qualityBody = document.getElementById('quality').tBodies[0];

function percent(value) {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

function qualityRow(v) {
  const row = document.createElement('tr');
  row.dataset.modelVersion = v.modelVersion;
  cell(row, v.modelVersion);
  cell(row, String(v.all.labelled), 'num labelled');
  for (const outcome of ['tp', 'fp', 'tn', 'fn']) cell(row, String(v.all[outcome]), `num ${outcome}`);
  cell(row, percent(v.all.precision), 'num precision');
  cell(row, percent(v.all.recall), 'num recall');
  cell(row, percent(v.all.f1), 'num f1');
  cell(row, `${percent(v.recent.f1)} (${v.recent.labelled})`, 'num recent-f1');
  return row;
}

function marker(kind, x, y) {
  const shape = document.createElementNS(SVG, kind === 'circle' ? 'circle' : 'rect');
  if (kind === 'circle') {
    shape.setAttribute('cx', x.toFixed(1));
    shape.setAttribute('cy', y.toFixed(1));
    shape.setAttribute('r', '1.6');
  } else {
    shape.setAttribute('x', (x - 1.5).toFixed(1));
    shape.setAttribute('y', (y - 1.5).toFixed(1));
    shape.setAttribute('width', '3');
    shape.setAttribute('height', '3');
    if (kind === 'diamond') shape.setAttribute('transform', `rotate(45 ${x.toFixed(1)} ${y.toFixed(1)})`);
  }
  return shape;
}

/** F1 of each version per bucket: x is the time across the window, y the F1 from 0 to 1. */
function drawQualityChart(quality) {
  const svg = document.getElementById('quality-chart');
  const legend = document.getElementById('quality-legend');
  const start = quality.asOf - quality.windowMs;
  const xOf = (t) => (300 * (t + quality.bucketMs / 2 - start)) / quality.windowMs;
  const yOf = (f1) => 96 - 92 * f1;
  const grid = [0, 0.5, 1].map((f1) => {
    const line = document.createElementNS(SVG, 'line');
    for (const [name, value] of [
      ['x1', 0],
      ['x2', 300],
      ['y1', yOf(f1)],
      ['y2', yOf(f1)],
    ])
      line.setAttribute(name, String(value));
    line.setAttribute('class', 'axis');
    return line;
  });
  const series = quality.versions.map((v, i) => {
    const style = STYLES[i % STYLES.length];
    const group = document.createElementNS(SVG, 'g');
    group.setAttribute('class', `series series-${i % STYLES.length}`);
    group.dataset.modelVersion = v.modelVersion;
    const points = v.series.filter((p) => p.f1 !== null).map((p) => [xOf(p.start), yOf(p.f1)]);
    group.dataset.points = String(points.length);
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '));
    if (style.dash) line.setAttribute('stroke-dasharray', style.dash);
    group.append(line, ...points.map(([x, y]) => marker(style.marker, x, y)));
    return group;
  });
  svg.replaceChildren(...grid, ...series);
  legend.replaceChildren(
    ...quality.versions.map((v, i) => {
      const item = document.createElement('li');
      item.className = `series-${i % STYLES.length}`;
      item.textContent = `${v.modelVersion} (${STYLES[i % STYLES.length].marker}${STYLES[i % STYLES.length].dash ? ', dashed' : ''})`;
      return item;
    }),
  );
}

function renderQuality(quality) {
  const labelled = quality.versions.some((v) => v.all.labelled > 0);
  qualityBody.replaceChildren(...quality.versions.map(qualityRow));
  document.getElementById('quality').hidden = !labelled;
  document.getElementById('quality-figure').hidden = !labelled;
  document.getElementById('no-quality').hidden = labelled;
  document.getElementById('quality-labelled').textContent = quality.labelled.toLocaleString('en');
  const minutes = Math.round(quality.windowMs / 60_000);
  document.getElementById('quality-window').textContent =
    minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
  if (labelled) drawQualityChart(quality);
}

poll('/quality', renderQuality, QUALITY_EVERY_MS);
