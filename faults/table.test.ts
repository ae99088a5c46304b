import { describe, expect, it } from 'vitest';
import { faultTable } from './table.ts';

const results = [
  {
    name: 'kill -9 processors',
    sent: 20_000,
    delivered: 20_000,
    lost: 0,
    duplicates: 0,
    dead_lettered: 0,
    seconds: 84,
    ok: true,
  },
  { name: 'zombie', sent: 10_000, delivered: 9_998, lost: 2, duplicates: 1, dead_lettered: 0, seconds: 43, ok: false },
];

describe('faultTable', () => {
  it('aligns a row per scenario for the terminal, FAILED where a scenario failed', () => {
    const lines = faultTable(results).split('\n');
    expect(lines[0]).toMatch(/^scenario +sent +delivered +lost +duplicates +dead_lettered +seconds +result$/);
    expect(lines[2]).toMatch(/^zombie +10000 +9998 +2 +1 +0 +43 +FAILED$/);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('renders the same rows as a Markdown table', () => {
    expect(faultTable(results, 'markdown').split('\n')).toEqual([
      '| scenario | sent | delivered | lost | duplicates | dead_lettered | seconds | result |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      '| kill -9 processors | 20,000 | 20,000 | 0 | 0 | 0 | 84 | ok |',
      '| zombie | 10,000 | 9,998 | 2 | 1 | 0 | 43 | FAILED |',
    ]);
  });

  it("adds the cluster's columns when a result has them, a dash where another has not", () => {
    const cluster = [
      { ...results[0]!, name: 'broker killed (steady)', paused_s: 12.5 },
      { ...results[0]!, name: 'Cassandra node down (steady)', paused_s: 0.4, edge_p99_ms: 38 },
    ];
    expect(faultTable(cluster, 'markdown').split('\n')).toEqual([
      '| scenario | sent | delivered | lost | duplicates | dead_lettered | paused (s) | edge p99 (ms) | seconds | result |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      '| broker killed (steady) | 20,000 | 20,000 | 0 | 0 | 0 | 12.5 | — | 84 | ok |',
      '| Cassandra node down (steady) | 20,000 | 20,000 | 0 | 0 | 0 | 0.4 | 38 | 84 | ok |',
    ]);
  });
});
