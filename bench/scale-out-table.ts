// Scaling out's figures: printed by `node bench/scale-out.ts`, and rendered into docs/benchmarks.md
// from the run it recorded (docs/benchmarks/scale-out-run.json).

/** One instance count's figures. */
export interface ScaleFigures {
  readonly instances: number;
  readonly messages: number;
  /** Over the whole backlog: first feature computed to last prediction scored. */
  readonly msgsPerSecond: number;
  /** From the moment every instance ran to the last prediction. */
  readonly msgsPerSecondAllRunning: number;
  /** CPU of the processors, and of the Kafka and Cassandra servers, per message (µs). */
  readonly processorsCpuUs: number;
  readonly kafkaCpuUs: number;
  readonly cassandraCpuUs: number;
  /** The machine's 1-minute load average when the count began (the machine is shared). */
  readonly loadBefore: number;
}

/** A run: where it ran, and a row per instance count. */
export interface ScaleRun {
  readonly stack: 'local cluster' | 'single node';
  readonly partitions: number;
  readonly cores: number;
  readonly results: readonly ScaleFigures[];
}

const HEADER = [
  'instances of each',
  'msg/s',
  'msg/s, all running',
  '× one',
  'processors µs/msg',
  'Kafka µs/msg',
  'Cassandra µs/msg',
  'load before',
];

/** A Markdown table, a row per instance count, with each count's throughput against one instance's. */
export function scaleOutTable(run: ScaleRun): string {
  const one = run.results.find((r) => r.instances === 1);
  const ratio = (r: ScaleFigures) => (one ? (r.msgsPerSecondAllRunning / one.msgsPerSecondAllRunning).toFixed(2) : '—');
  const n = (value: number) => value.toLocaleString('en-US');
  const rows = run.results.map((r) => [
    String(r.instances),
    n(r.msgsPerSecond),
    n(r.msgsPerSecondAllRunning),
    ratio(r),
    n(r.processorsCpuUs),
    n(r.kafkaCpuUs),
    n(r.cassandraCpuUs),
    String(r.loadBefore),
  ]);
  const messages = run.results[0]?.messages ?? 0;
  return [
    `${run.stack}, ${run.partitions} partitions, ${run.cores} cores, a backlog of ${n(messages)} messages a count`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
