import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_CSV } from '../testkit/data-set.ts';

describe('the shared data set', () => {
  it('is found where its README says: ../shared/data/sms_labeled.csv from the project root', () => {
    expect(DATA_CSV).toBe(join(import.meta.dirname, '..', '..', 'shared', 'data', 'sms_labeled.csv'));
    expect(existsSync(DATA_CSV)).toBe(true);
  });
});
