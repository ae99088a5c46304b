// View v2: the message as a fixed-length sequence of integer token ids from a fitted vocabulary.
// Contract: tokens come from tokenizer.ts; each token maps to its vocabulary id, or to the OOV id 1
// when the vocabulary does not have it; the first `length` ids are kept (truncation at the end);
// shorter sequences are padded at the end with id 0. So an empty text is `length` zeros, and a
// text made only of unknown words is 1s followed by 0s. The view version is the vocabulary's.
import { tokenize } from './tokenizer.ts';
import type { FeatureView } from './view.ts';
import type { Vocabulary } from './vocabulary.ts';

export function tokenIdsView(vocabulary: Vocabulary): FeatureView {
  const ids = new Map<string, number>();
  vocabulary.tokens.forEach((token, id) => {
    if (id !== vocabulary.padId && id !== vocabulary.oovId) ids.set(token, id);
  });
  const length = vocabulary.sequenceLength;

  const compute = (text: string): number[] => {
    const values = new Array<number>(length).fill(vocabulary.padId);
    const tokens = tokenize(text);
    const n = Math.min(tokens.length, length);
    for (let i = 0; i < n; i++) values[i] = ids.get(tokens[i] as string) ?? vocabulary.oovId;
    return values;
  };

  return Object.freeze({
    id: vocabulary.view,
    name: 'token-ids',
    version: vocabulary.version,
    description: `token ids of the first ${length} tokens, vocabulary of ${vocabulary.size} ids fitted on the ${vocabulary.fittedOn.split} split`,
    length,
    dtype: 'int64',
    layout: Object.freeze({
      kind: 'sequence',
      tokenizer: vocabulary.tokenizer,
      length,
      padId: vocabulary.padId,
      oovId: vocabulary.oovId,
      vocabularySize: vocabulary.size,
      contract:
        `${vocabulary.tokenizer} tokens → ids (0 = padding, 1 = out of vocabulary, 2…${vocabulary.size - 1} = tokens); ` +
        `first ${length} tokens kept, padded at the end with 0`,
    }),
    compute,
  });
}
