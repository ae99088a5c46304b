import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCH_BEGIN, BENCH_END, README_RUN, benchTable, withBenchTable } from './table.ts';

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

  it('in the README is the one of docs/benchmarks/quick-run.json (npm run gen:readme writes it)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(BENCH_BEGIN);
    expect(readme).toContain(BENCH_END);
    expect(withBenchTable(readme, JSON.parse(readFileSync(README_RUN, 'utf8')))).toBe(readme);
  });
});
