import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ModelCard, parseCard } from './card.ts';
import { chooseChampion } from './champion.ts';

const committed = ['v1', 'v2', 'v3'].map((version) =>
  parseCard(JSON.parse(readFileSync(join(import.meta.dirname, version, 'card.json'), 'utf8'))),
);

/** A committed card under another version, with these validation figures. */
const card = (version: string, spamF1: number, rocAuc = 0.99): ModelCard => ({
  ...committed[0]!,
  version,
  metrics: { ...committed[0]!.metrics, validation: { ...committed[0]!.metrics.validation, spamF1, rocAuc } },
});

describe('chooseChampion', () => {
  it('takes the best validation spam F1 of the committed cards by default: v3', () => {
    expect(chooseChampion(committed, '')).toEqual({
      version: 'v3',
      reason: expect.stringContaining('best validation spam F1 of the cards (0.9589)'),
    });
  });

  it('breaks a tie of F1 by ROC-AUC, then by the newer version', () => {
    expect(chooseChampion([card('v1', 0.9, 0.95), card('v2', 0.9, 0.97), card('v3', 0.8)], '')).toMatchObject({
      version: 'v2',
    });
    expect(chooseChampion([card('v10', 0.9), card('v9', 0.9), card('v2', 0.9)], '')).toMatchObject({
      version: 'v10',
    });
  });

  it('takes the configured version when it is loaded, whatever its F1', () => {
    expect(chooseChampion(committed, 'v1')).toEqual({ version: 'v1', reason: 'set by SPAMSTREAM_CHAMPION' });
  });

  it('refuses a configured version that is not loaded, naming those that are', () => {
    const error = chooseChampion(committed.slice(0, 2), 'v3');
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^SPAMSTREAM_CHAMPION=v3: no such model is scored \(loaded: v1, v2;/);
    expect((chooseChampion([], 'v3') as Error).message).toMatch(/loaded: none/);
  });

  it('has no champion when no model is loaded and none is asked for', () => {
    expect(chooseChampion([], '')).toBeUndefined();
  });
});
