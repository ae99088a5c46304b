// The fault suite's result table: printed by `npm run test:faults`, and rendered into
// docs/faults.md from the run it recorded (docs/fault-suite-run.json).
import type { ScenarioResult } from './harness.ts';

type Row = Pick<
  ScenarioResult,
  | 'name'
  | 'sent'
  | 'delivered'
  | 'lost'
  | 'duplicates'
  | 'dead_lettered'
  | 'seconds'
  | 'ok'
  | 'paused_s'
  | 'edge_p99_ms'
>;

const COUNTS = ['scenario', 'sent', 'delivered', 'lost', 'duplicates', 'dead_lettered'];

/**
 * One row per scenario: as aligned text for a terminal, or as a Markdown table (counts with thousands
 * separators). The cluster's columns (the longest pause, the edge's p99) appear when a result has them.
 */
export function faultTable(results: readonly Row[], format: 'text' | 'markdown' = 'text'): string {
  const count = (n: number) => (format === 'markdown' ? n.toLocaleString('en-US') : String(n));
  const paused = results.some((r) => r.paused_s !== undefined);
  const edge = results.some((r) => r.edge_p99_ms !== undefined);
  const HEADER = [
    ...COUNTS,
    ...(paused ? ['paused (s)'] : []),
    ...(edge ? ['edge p99 (ms)'] : []),
    'seconds',
    'result',
  ];
  const optional = (value: number | undefined) => (value === undefined ? '—' : count(value));
  const rows = results.map((r) => [
    r.name,
    ...[r.sent, r.delivered, r.lost, r.duplicates, r.dead_lettered].map(count),
    ...(paused ? [optional(r.paused_s)] : []),
    ...(edge ? [optional(r.edge_p99_ms)] : []),
    count(r.seconds),
    r.ok ? 'ok' : 'FAILED',
  ]);
  if (format === 'markdown')
    return [HEADER, HEADER.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(HEADER), ...rows.map(line)].join('\n');
}
