import { describe, expect, it } from 'vitest';
import { type ScaleFigures, scaleOutTable } from './scale-out-table.ts';

const figures = (instances: number, allRunning: number): ScaleFigures => ({
  instances,
  messages: 20_000,
  msgsPerSecond: allRunning - 100,
  msgsPerSecondAllRunning: allRunning,
  processorsCpuUs: 1_200,
  kafkaCpuUs: 300,
  cassandraCpuUs: 450,
  loadBefore: 2.5,
});

describe('scaleOutTable', () => {
  it('says where it ran and gives each count its throughput against one instance', () => {
    const table = scaleOutTable({
      stack: 'local cluster',
      partitions: 6,
      cores: 2,
      results: [figures(1, 800), figures(2, 1_200)],
    }).split('\n');
    expect(table[0]).toBe('local cluster, 6 partitions, 2 cores, a backlog of 20,000 messages a count');
    expect(table[4]).toBe('| 1 | 700 | 800 | 1.00 | 1,200 | 300 | 450 | 2.5 |');
    expect(table[5]).toBe('| 2 | 1,100 | 1,200 | 1.50 | 1,200 | 300 | 450 | 2.5 |');
  });

  it('leaves the ratio out when one instance was not measured', () => {
    const table = scaleOutTable({ stack: 'single node', partitions: 6, cores: 2, results: [figures(3, 900)] });
    expect(table.split('\n')[4]).toContain('| 900 | — |');
  });
});
