import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLog } from '../core/log.ts';
import { watchConnector } from './connector-watch.ts';

describe('watchConnector', () => {
  afterEach(() => vi.useRealTimers());

  it('restarts failed tasks at every check, warning once per streak of failures', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const answers = [0, 1, 1, 0, 2];
    let calls = 0;
    const watch = watchConnector(
      async () => answers[calls++] ?? 0,
      createLog('warn', (line) => lines.push(line)),
      1_000,
    );
    await vi.advanceTimersByTimeAsync(5_000);
    watch.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(5);
    expect(lines).toEqual([
      'WARN cdc connector: restarted 1 failed task(s)',
      'WARN cdc connector: restarted 2 failed task(s)',
    ]);
  });

  it('keeps watching when Kafka Connect does not answer, quietly', async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    let calls = 0;
    const watch = watchConnector(
      async () => {
        calls += 1;
        throw new Error('connection refused');
      },
      createLog('info', (line) => lines.push(line)),
      1_000,
    );
    await vi.advanceTimersByTimeAsync(3_000);
    watch.stop();
    expect(calls).toBe(3);
    expect(lines).toEqual([]);
  });
});
