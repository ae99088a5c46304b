import { describe, expect, it } from 'vitest';
import { benchChart, benchSection, benchTable, targetList } from './table.ts';

describe('the benchmark table', () => {
  it('shows each figure beside its ceiling and peer, with their ratios', () => {
    const table = benchTable({
      pipeline_msgs_per_s: 1234,
      store_ceiling_msgs_per_s: 2468,
      per_message_http_msgs_per_s: 617,
    });
    expect(table).toContain(
      '| pipeline backlog, exactly-once (msg/s) | 1,234 | store rows alone 2,468 | 0.50× | per-message HTTP model server 617 | 2.00× |',
    );
    expect(table).toContain('| event → prediction at — msg/s (p50 / p99 ms) | — / — |');
  });

  it('charts each figure against its target, higher always better, cut at 2', () => {
    const chart = benchChart({
      pipeline_msgs_per_s: 1_000,
      store_ceiling_msgs_per_s: 5_000,
      e2e_p99_ms: 200,
      edge_to_driver_rps_median: 0.4,
      edge_p99_ms_at_500rps: 2,
      rss_mb: { features: 128, scoring: 320 },
    });
    // 1,000 ÷ 2,000; (1,000 ÷ 5,000) ÷ 0.8; 100 ÷ 200; 0.4 ÷ 0.8; 10 ÷ 2 cut at 2; 256 ÷ 320.
    expect(chart).toContain('  bar [0.5, 0.25, 0.5, 0.5, 2, 0.8]');
    expect(chart).toContain('  line [1, 1, 1, 1, 1, 1]');
    expect(benchChart({})).toContain('  bar [0, 0, 0, 0, 0, 0]');
  });

  it('lists each target with its figure and whether the run met it', () => {
    const list = targetList({ pipeline_msgs_per_s: 2_500, store_ceiling_msgs_per_s: 5_000, e2e_p99_ms: 100 });
    expect(list).toContain('- pipeline ≥ 2,000 msg/s: 2,500 msg/s, **met**');
    expect(list).toContain('- pipeline ≥ 0.8 of store rows: 0.5, not met');
    expect(list).toContain('- e2e p99 ≤ 100 ms: 100 ms, **met**');
    expect(list).toContain('- processor RSS ≤ 256 MiB: — MiB, not measured');
  });

  it('shows a run as its table, its chart and its targets, in that order', () => {
    const figures = { pipeline_msgs_per_s: 2_500 };
    const section = benchSection(figures);
    expect(section.indexOf(benchTable(figures))).toBe(0);
    expect(section.indexOf(benchChart(figures))).toBeGreaterThan(0);
    expect(section.endsWith(targetList(figures))).toBe(true);
  });
});
