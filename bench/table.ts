// The table `npm run bench` prints, from its figures alone (the JSON it writes), so that the copy in
// docs/benchmarks.md can be rendered from docs/benchmarks/quick-run.json (`npm run gen:docs`) and checked.

type Figure = number | null | undefined;
type Pair = { readonly features?: Figure; readonly scoring?: Figure; readonly edge?: Figure } | null | undefined;

/** The fields of the bench's JSON the table shows; all may be missing (a scenario left out or failed). */
export interface BenchFigures {
  readonly [field: string]: unknown;
  readonly pipeline_msgs_per_s?: Figure;
  readonly store_ceiling_msgs_per_s?: Figure;
  readonly passthrough_msgs_per_s?: Figure;
  readonly passthrough_transactional_msgs_per_s?: Figure;
  readonly per_message_http_msgs_per_s?: Figure;
  readonly e2e_rate_msgs_per_s?: Figure;
  readonly e2e_p50_ms?: Figure;
  readonly e2e_p99_ms?: Figure;
  readonly edge_rounds?: Figure;
  readonly edge_rps?: Figure;
  readonly raw_read_rps?: Figure;
  readonly edge_to_driver_rps_median?: Figure;
  readonly edge_to_driver_rps_by_round?: readonly number[] | null;
  readonly feast_rps?: Figure;
  readonly edge_p99_ms?: Figure;
  readonly raw_read_p99_ms?: Figure;
  readonly feast_p99_ms?: Figure;
  readonly edge_p50_ms_at_500rps?: Figure;
  readonly edge_p99_ms_at_500rps?: Figure;
  readonly raw_read_p50_ms_at_500rps?: Figure;
  readonly raw_read_p99_ms_at_500rps?: Figure;
  readonly edge_to_driver_p99_at_500rps_median?: Figure;
  readonly edge_to_driver_p99_at_500rps_by_round?: readonly number[] | null;
  readonly edge_query_10_ids_rps?: Figure;
  readonly edge_query_10_ids_p99_ms?: Figure;
  readonly onnx_inferences_per_s?: Readonly<
    Record<string, { readonly batch1: number; readonly batch64: number }>
  > | null;
  readonly rss_mb?: Pair;
  /** The Node flags of the `uncapped-heap` scenario: V8's own heap sizing, not the CLI's. */
  readonly uncapped_heap_node_options?: string | null;
  readonly uncapped_heap_rss_mb?: Pair;
  readonly uncapped_heap_pipeline_msgs_per_s?: Figure;
  readonly replay_msgs_per_s?: Figure;
  readonly replay_store_msgs_per_s?: Figure;
  readonly replay_beside_live_msgs_per_s?: Figure;
}

const fmt = (n: Figure) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('en'));
const ratio = (a: Figure, b: Figure) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
const ratioOf = (r: Figure) => (r === null || r === undefined || Number.isNaN(r) ? '—' : `${r.toFixed(2)}×`);
const both = (a: Figure, b: Figure) => `${fmt(a)} / ${fmt(b)}`;
export function benchTable(f: BenchFigures): string {
  const rows: string[][] = [
    [
      'pipeline backlog, exactly-once (msg/s)',
      fmt(f.pipeline_msgs_per_s),
      `store rows alone ${fmt(f.store_ceiling_msgs_per_s)}`,
      ratio(f.pipeline_msgs_per_s, f.store_ceiling_msgs_per_s),
      `per-message HTTP model server ${fmt(f.per_message_http_msgs_per_s)}`,
      ratio(f.pipeline_msgs_per_s, f.per_message_http_msgs_per_s),
    ],
    [
      '  … beside Kafka alone (msg/s)',
      '',
      `kafkajs pass-through ${fmt(f.passthrough_msgs_per_s)}, 1 tx/batch ${fmt(f.passthrough_transactional_msgs_per_s)}`,
      ratio(f.pipeline_msgs_per_s, f.passthrough_transactional_msgs_per_s),
      '',
      '',
    ],
    [
      `event → prediction at ${f.e2e_rate_msgs_per_s ?? '—'} msg/s (p50 / p99 ms)`,
      both(f.e2e_p50_ms, f.e2e_p99_ms),
      '',
      '',
      '',
      '',
    ],
    [
      `GET /features/:id, 32 clients (req/s), median of ${f.edge_rounds ?? '—'} interleaved rounds`,
      fmt(f.edge_rps),
      `driver point reads ${fmt(f.raw_read_rps)}`,
      ratioOf(f.edge_to_driver_rps_median),
      `Feast feature server ${fmt(f.feast_rps)}`,
      ratio(f.edge_rps, f.feast_rps),
    ],
    ['  … edge ÷ driver in each round', '', '', (f.edge_to_driver_rps_by_round ?? []).join(' · '), '', ''],
    [
      '  p99 (ms)',
      fmt(f.edge_p99_ms),
      fmt(f.raw_read_p99_ms),
      ratio(f.edge_p99_ms, f.raw_read_p99_ms),
      fmt(f.feast_p99_ms),
      ratio(f.edge_p99_ms, f.feast_p99_ms),
    ],
    [
      'GET /features/:id, open loop 500 req/s (p50 / p99 ms)',
      both(f.edge_p50_ms_at_500rps, f.edge_p99_ms_at_500rps),
      `driver reads ${both(f.raw_read_p50_ms_at_500rps, f.raw_read_p99_ms_at_500rps)}`,
      `p99 ${ratioOf(f.edge_to_driver_p99_at_500rps_median)}`,
      '',
      '',
    ],
    [
      '  … edge p99 ÷ driver p99 in each round',
      '',
      '',
      (f.edge_to_driver_p99_at_500rps_by_round ?? []).join(' · '),
      '',
      '',
    ],
    [
      'POST /features/query, 10 ids, 32 clients (req/s, p99 ms)',
      both(f.edge_query_10_ids_rps, f.edge_query_10_ids_p99_ms),
      '',
      '',
      '',
      '',
    ],
    ...Object.entries(f.onnx_inferences_per_s ?? {}).map(([model, r]) => [
      `ONNX ${model} alone (rows/s, batch 1 / 64)`,
      both(r.batch1, r.batch64),
      '',
      '',
      '',
      '',
    ]),
    [
      'peak RSS under load (MiB): features / scoring / edge',
      `${both(f.rss_mb?.features, f.rss_mb?.scoring)} / ${fmt(f.rss_mb?.edge)}`,
      '',
      '',
      '',
      '',
    ],
    [
      `  heap as V8 sizes it (${f.uncapped_heap_node_options ?? 'V8 defaults'}): features / scoring (MiB); msg/s`,
      `${both(f.uncapped_heap_rss_mb?.features, f.uncapped_heap_rss_mb?.scoring)}; ${fmt(f.uncapped_heap_pipeline_msgs_per_s)}`,
      '',
      '',
      '',
      '',
    ],
    [
      'replay scoring --models v3 / replay store (msg/s)',
      both(f.replay_msgs_per_s, f.replay_store_msgs_per_s),
      `live pipeline, same run ${fmt(f.replay_beside_live_msgs_per_s)}`,
      `${ratio(f.replay_msgs_per_s, f.replay_beside_live_msgs_per_s)} / ${ratio(f.replay_store_msgs_per_s, f.replay_beside_live_msgs_per_s)}`,
      '',
      '',
    ],
  ];
  return [
    '| figure | measured | ceiling | ratio | peer | ratio to peer |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** The targets, each a figure that reaches it at 1 or more. */
const TARGETS = {
  pipelineMsgsPerS: 2_000,
  shareOfStoreCeiling: 0.8,
  e2eP99Ms: 100,
  shareOfDriverReads: 0.8,
  edgeP99MsAt500: 10,
  rssMb: 256,
} as const;
/** Bars are cut here so that one far past its target does not flatten the others. */
const CHART_CAP = 2;

interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** The figure ÷ its target (for a latency or a memory size, the target ÷ the figure): ≥ 1 is met. */
  readonly score: number | undefined;
}

/** Each target of the benchmark issue, with the run's figure for it. */
export function targetChecks(f: BenchFigures): readonly TargetCheck[] {
  const score = (value: Figure, target: number, lowerIsBetter = false) =>
    value ? (lowerIsBetter ? target / value : value / target) : undefined;
  const pipeline = f.pipeline_msgs_per_s;
  const store = f.store_ceiling_msgs_per_s;
  const share = pipeline && store ? Number((pipeline / store).toFixed(2)) : undefined;
  const rss = Math.max(f.rss_mb?.features ?? 0, f.rss_mb?.scoring ?? 0) || undefined;
  return [
    {
      target: `pipeline ≥ ${fmt(TARGETS.pipelineMsgsPerS)} msg/s`,
      measured: `${fmt(pipeline)} msg/s`,
      score: score(pipeline, TARGETS.pipelineMsgsPerS),
    },
    {
      target: `pipeline ≥ ${TARGETS.shareOfStoreCeiling} of store rows`,
      measured: `${fmt(share)}`,
      score: score(share, TARGETS.shareOfStoreCeiling),
    },
    {
      target: `e2e p99 ≤ ${TARGETS.e2eP99Ms} ms`,
      measured: `${fmt(f.e2e_p99_ms)} ms`,
      score: score(f.e2e_p99_ms, TARGETS.e2eP99Ms, true),
    },
    {
      target: `edge ≥ ${TARGETS.shareOfDriverReads} of driver reads`,
      measured: fmt(f.edge_to_driver_rps_median),
      score: score(f.edge_to_driver_rps_median, TARGETS.shareOfDriverReads),
    },
    {
      target: `edge p99 ≤ ${TARGETS.edgeP99MsAt500} ms at 500 req/s`,
      measured: `${fmt(f.edge_p99_ms_at_500rps)} ms`,
      score: score(f.edge_p99_ms_at_500rps, TARGETS.edgeP99MsAt500, true),
    },
    {
      target: `processor RSS ≤ ${TARGETS.rssMb} MiB`,
      measured: `${fmt(rss)} MiB`,
      score: score(rss, TARGETS.rssMb, true),
    },
  ];
}

/** The targets in words: each with its figure and whether this run met it. */
export function targetList(f: BenchFigures): string {
  return targetChecks(f)
    .map(({ target, measured, score }) => {
      const verdict = score === undefined ? 'not measured' : score >= 1 ? '**met**' : 'not met';
      return `- ${target}: ${measured}, ${verdict}`;
    })
    .join('\n');
}

/** A Mermaid bar chart of `targetChecks`: 1 = met (a line), higher is always better. */
export function benchChart(f: BenchFigures): string {
  const checks = targetChecks(f);
  const bar = (score: number | undefined) => Math.min(CHART_CAP, Number((score ?? 0).toFixed(2)));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Each figure against its target: 1 = met (line); bars cut at ${CHART_CAP}"`,
    `  x-axis [${checks.map(({ target }) => `"${target}"`).join(', ')}]`,
    `  y-axis "figure ÷ target" 0 --> ${CHART_CAP}`,
    `  bar [${checks.map(({ score }) => bar(score)).join(', ')}]`,
    `  line [${checks.map(() => 1).join(', ')}]`,
    '```',
  ].join('\n');
}

/** What docs/benchmarks.md shows of a run: the table, the chart and the list of targets met. */
export function benchSection(figures: BenchFigures): string {
  return `${benchTable(figures)}\n\n${benchChart(figures)}\n\nAgainst the targets, in this run:\n\n${targetList(figures)}`;
}
