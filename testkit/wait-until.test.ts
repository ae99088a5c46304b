import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait-until.ts';

describe('waitUntil', () => {
  it('returns once the condition holds, sync or async', async () => {
    let calls = 0;
    await waitUntil('the third call', () => ++calls === 3, { intervalMs: 1 });
    expect(calls).toBe(3);
    await waitUntil('an async yes', async () => true);
  });

  it('fails naming what never happened', async () => {
    await expect(waitUntil('pigs fly', () => false, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      'timed out after 20 ms waiting until pigs fly',
    );
  });
});
