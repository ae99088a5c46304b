// The champion: the one model version whose verdict the edge reports as the answer for a message
// (GET /predictions/:smsId, the inbox routes), while every other version keeps scoring beside it.
// SPAMSTREAM_CHAMPION names it; unset, it is the scored version whose card has the best validation
// spam F1, chosen once from the cards at start (docs/adr/0014-champion-by-card-f1.md).
import type { ModelCard } from './card.ts';

export interface Champion {
  readonly version: string;
  /** Why this one, in a sentence for the start-up log. */
  readonly reason: string;
}

const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * The champion among the loaded cards: `configured` when set (an Error naming the loaded versions
 * when none of them is it), else the best validation spam F1, ties to the higher ROC-AUC, then to
 * the newer version. Undefined when no model is loaded and none is asked for.
 */
export function chooseChampion(cards: readonly ModelCard[], configured: string): Champion | Error | undefined {
  const versions = cards.map((card) => card.version).sort(byVersion);
  if (configured !== '') {
    if (versions.includes(configured)) return { version: configured, reason: 'set by SPAMSTREAM_CHAMPION' };
    return new Error(
      `SPAMSTREAM_CHAMPION=${configured}: no such model is scored (loaded: ${versions.join(', ') || 'none'}; SPAMSTREAM_MODELS chooses them, and must name a version of SPAMSTREAM_LOCAL_MODELS_DIR)`,
    );
  }
  if (cards.length === 0) return undefined;
  const ranked = [...cards].sort(
    (a, b) =>
      b.metrics.validation.spamF1 - a.metrics.validation.spamF1 ||
      b.metrics.validation.rocAuc - a.metrics.validation.rocAuc ||
      byVersion(b.version, a.version),
  );
  const best = ranked[0]!;
  return {
    version: best.version,
    reason: `the best validation spam F1 of the cards (${best.metrics.validation.spamF1}); SPAMSTREAM_CHAMPION chooses another`,
  };
}
