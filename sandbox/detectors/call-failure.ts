// Whether a tool call worked, as the result and status say, in one place for
// detectors that compare calls: its failure (origin.ts' `failureOf`: an error
// status and message, or where the source records no status, a failure the
// text reports); an error in a result whose status said ok (the silent
// failures); an API reply that is only a message; or a result that says it
// found nothing.
import type { Span, Trace } from '../../src/types.ts';
import { failureOf } from './origin.ts';
import { errorMessage, isErrorSpan, recordsStatus } from './trace-index.ts';
import { failureLine, messageOnlyReply, resultErrorText, resultText } from './error-text.ts';
import { nothingBack } from './nothing-back.ts';

export type CallFailureKind = 'error' | 'message' | 'nothing';

export interface CallFailure {
  kind: CallFailureKind;
  /** What the span says went wrong: its error, the message, or the line that says nothing was found. */
  text: string;
}

/** How the tool call at `s` failed, or null when its status and result say it worked. */
export function callFailure(t: Trace, s: Span): CallFailure | null {
  const failure = failureOf(t, s);
  if (failure !== null) return { kind: 'error', text: failure };
  if (isErrorSpan(s)) return { kind: 'error', text: errorMessage(s) || 'error status' };
  const result = resultText(s);
  if (recordsStatus(t) && resultErrorText(s)) return { kind: 'error', text: failureLine(result) ?? result.trim().split('\n', 1)[0]! };
  const message = messageOnlyReply(result);
  if (message !== undefined) return { kind: 'message', text: message };
  const nothing = nothingBack(result);
  return nothing !== null ? { kind: 'nothing', text: nothing } : null;
}
