// Calls that can change what a later call runs against: code or a command run, or a tool whose name (or arguments)
// says it writes, installs, edits or moves. A call made again after one of these is a fresh try, not a repeat.
import type { Span } from '../../src/types.ts';
import { runsCode } from './error-signatures.ts';
import { argumentText } from './text.ts';
import { toolName } from './trace-index.ts';

export const CHANGES = /\b(edit|editor|write|replace|create|patch|insert|install|update|delete|remove|move|rename|set|save|click|navigate|goto|press)\b/i;

/** Tool call `s` may have changed the state later calls run against. */
export function changesState(s: Span): boolean {
  return runsCode(s) || CHANGES.test(`${toolName(s)} ${argumentText(s)}`.replace(/_/g, ' '));
}
