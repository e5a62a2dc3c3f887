// The HotpotQA Wikipedia environment of ReAct (and the agents built on it:
// Reflexion, AutoAct, KnowAgent) answers an action it will not carry out
// with fixed sentences. Those are rejections of the call, recorded as
// failures; "Could not find [X]. Similar: […]" and "No Results" are answers
// (a search that found no page of that title), as grep's no-match is.

import type { Turn } from './conversation.ts';

export interface Rejection {
  test: RegExp;
  type: string;
}

/** The environment's own rejections, shared by every reader of its logs. */
export const WIKI_REJECTIONS: readonly Rejection[] = [
  { test: /^Invalid action\b/i, type: 'invalid_action' },
  { test: /^The last page \w+ was not found, so you cannot Lookup/, type: 'invalid_action' },
  { test: /^Could not find that page, please try again\./, type: 'exception' },
];

/** The first rejection an observation opens with, as the call's error; null when it is an answer. */
export function rejectionOf(observation: string, extra: readonly Rejection[] = []): { type: string; message: string } | null {
  const t = observation.trim();
  for (const f of [...WIKI_REJECTIONS, ...extra]) if (f.test.test(t)) return { type: f.type, message: t.split('\n', 1)[0]! };
  return null;
}

/** The environment's answer as the call's result turn: failed, with the rejection as its error, when it is one. */
export function resultTurn(observation: string, content: string, toolCallId: string, extra: readonly Rejection[] = []): Turn {
  const result: Turn = { message: { role: 'tool', content, toolCallId } };
  const err = rejectionOf(observation, extra);
  if (err !== null) {
    result.failed = true;
    result.error = err;
  }
  return result;
}

/**
 * An action line holding more than one action (`Search[A], Search[B]`): the environment parses one action per
 * step, so it runs the first with the rest as its argument and rejects it. Said as what the reply did not write in
 * the form the harness parses (`halo.action_unparsed`).
 */
export function packedActions(action: string): string | null {
  return /\b(?:Search|Lookup|Retrieve|Finish)\[[^\]\n]*\]\s*[,;]?\s*(?:and\s+|then\s+)?(?:Search|Lookup|Retrieve|Finish)\[/i.test(action) ? PACKED : null;
}

/** What `packedActions` records: a whole reply, not one cut off (causes.ts `resentWhole` reads it so). */
export const PACKED = 'several actions in one step (`Search[…], Search[…]`)';
