import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isKafkajsNegativeTimeout } from './warnings.ts';

const warning = (name: string, stack: string): Error =>
  Object.assign(new Error('-1796 is a negative number.'), { name, stack });

describe('isKafkajsNegativeTimeout', () => {
  it('recognises the warning raised in kafkajs request queue', () => {
    const stack = `TimeoutNegativeWarning: -1796 is a negative number.
    at new Timeout (node:internal/timers:233:17)
    at setTimeout (node:timers:125:19)
    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)`;
    expect(isKafkajsNegativeTimeout(warning('TimeoutNegativeWarning', stack))).toBe(true);
  });

  it('keeps other warnings from kafkajs, and negative timeouts raised anywhere else', () => {
    const kafkajs = 'at Foo (/app/node_modules/kafkajs/src/network/requestQueue/index.js:1:1)';
    expect(isKafkajsNegativeTimeout(warning('DeprecationWarning', kafkajs))).toBe(false);
    expect(isKafkajsNegativeTimeout(warning('TimeoutNegativeWarning', 'at ours (/app/edge/live-board.ts:3:3)'))).toBe(
      false,
    );
  });

  it('keeps a real negative timeout of this program', async () => {
    const raised = once(process, 'warning');
    setTimeout(() => {}, -5);
    const [real] = (await raised) as [Error];
    expect(real.name).toBe('TimeoutNegativeWarning');
    expect(isKafkajsNegativeTimeout(real)).toBe(false);
  });
});
