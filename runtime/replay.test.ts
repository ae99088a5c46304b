import { describe, expect, it } from 'vitest';
import { writtenBy } from './replay.ts';

const origin = (offset: string) => ({ topic: 'sms.features', partition: 0, offset });

describe('writtenBy', () => {
  const batch = { records: 0, deadLetters: 1, origins: ['1', '2', '3'].map(origin) };

  // `replay store` said "47,348 messages read, 0 written" after rewriting the store.
  it('counts for store the inputs upserted into the online store, its dead letters not', () => {
    expect(writtenBy('store', batch)).toBe(2);
  });

  it('counts for features and scoring the records written to the topics', () => {
    expect(writtenBy('scoring', { ...batch, records: 6 })).toBe(6);
    expect(writtenBy('features', { ...batch, records: 2 })).toBe(2);
  });
});
