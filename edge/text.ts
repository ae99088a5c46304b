// The checks a message text passes at the edge: the pipeline's own rules (core/message-rules.ts),
// applied before the text is written or scored, so a client learns at once what would otherwise
// be dead-lettered.
import { SpamstreamError } from '../core/errors.ts';
import { checkText as pipelineCheckText } from '../core/message-rules.ts';

// In u-mode a proper surrogate pair reads as one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Surrogate}/u;

export function checkText(text: string, maxTextBytes: number): void {
  // A lone surrogate ("\ud800" in JSON) has no UTF-8 form: encoding would silently replace it.
  if (LONE_SURROGATE.test(text))
    throw new SpamstreamError('INVALID_UTF8', 'text contains a lone UTF-16 surrogate, which is not valid Unicode');
  const checked = pipelineCheckText(text, maxTextBytes);
  if (!checked.ok) throw new SpamstreamError(checked.code, checked.reason);
}
