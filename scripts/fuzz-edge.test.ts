import { describe, expect, it } from 'vitest';
import { summarize } from './fuzz-edge.ts';

// Closing lines as schemathesis 4.32 prints them (seen in runs of `npm run fuzz:edge`).
const run = (tested: number, cases: string, closing: string) =>
  `API Operations:\n  Selected: 13/13\n  Tested: ${tested}\n\nTest cases:\n  ${cases}\n\nSeed: 1\n\n${closing}\n`;

describe('the fuzz summary', () => {
  it("reads cases, failures, errors and operations from schemathesis's closing lines", () => {
    const rule = (text: string) => `${'='.repeat(23)} ${text} ${'='.repeat(23)}`;
    expect(
      summarize(run(13, '1462 generated, 12 found 12 unique failures', rule('12 failures, 1 warning in 29.38s'))),
    ).toEqual({ cases: 1462, failures: 12, errors: 0, operations: 13 });
    expect(summarize(run(9, '167 generated, 167 passed', rule('1 error, 1 warning in 8.42s')))).toEqual({
      cases: 167,
      failures: 0,
      errors: 1,
      operations: 9,
    });
    expect(summarize(run(11, '1448 generated, 1448 passed', rule('1 warning in 52.52s')))).toEqual({
      cases: 1448,
      failures: 0,
      errors: 0,
      operations: 11,
    });
    expect(summarize(run(11, '1448 generated, 1448 passed', rule('No issues found in 40.10s')))).toMatchObject({
      failures: 0,
      errors: 0,
    });
  });

  it('gives nothing for output without a summary (schemathesis failed to start)', () => {
    expect(summarize('Error: Failed to load schema from http://127.0.0.1:1/openapi.json')).toBeUndefined();
  });
});
