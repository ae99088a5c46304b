import { describe, expect, it } from 'vitest';
import { summaryLine } from './replay.ts';

const summary = {
  done: 47_400,
  total: 47_400,
  messages: 47_348,
  written: 47_348,
  deadLetters: 0,
  seconds: 20.04,
  rate: 2_362.6,
  completed: true,
};

describe('summaryLine', () => {
  it('says that store wrote to the online store', () => {
    expect(summaryLine('store', summary)).toBe(
      'replay store done: 47,348 messages read, 47,348 written to the online store, 0 dead-lettered in 20.0 s (2,363 messages/s)',
    );
  });

  it('says how far a stopped run got and how to resume it', () => {
    expect(summaryLine('scoring', { ...summary, completed: false, done: 1_200, written: 2_400 })).toBe(
      'replay scoring stopped at 1,200/47,400 (run the same command again to resume): 47,348 messages read, 2,400 written, 0 dead-lettered in 20.0 s (2,363 messages/s)',
    );
  });
});
