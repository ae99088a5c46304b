// The fault suite's result table: printed by `npm run test:faults`, and rendered into
// docs/faults.md from the run it recorded (docs/fault-suite-run.json).
import type { ScenarioResult } from './harness.ts';

type Row = Pick<
  ScenarioResult,
  'name' | 'sent' | 'delivered' | 'lost' | 'duplicates' | 'dead_lettered' | 'seconds' | 'ok'
>;

const HEADER = ['scenario', 'sent', 'delivered', 'lost', 'duplicates', 'dead_lettered', 'seconds', 'result'];

/** One row per scenario: as aligned text for a terminal, or as a Markdown table (counts with thousands separators). */
export function faultTable(results: readonly Row[], format: 'text' | 'markdown' = 'text'): string {
  const count = (n: number) => (format === 'markdown' ? n.toLocaleString('en-US') : String(n));
  const rows = results.map((r) => [
    r.name,
    ...[r.sent, r.delivered, r.lost, r.duplicates, r.dead_lettered, r.seconds].map(count),
    r.ok ? 'ok' : 'FAILED',
  ]);
  if (format === 'markdown')
    return [HEADER, HEADER.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(HEADER), ...rows.map(line)].join('\n');
}
