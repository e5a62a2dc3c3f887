// What became of a tool call whose arguments broke the tool's schema. Two
// claims, each checked on the spans, never read from position alone:
// - the validation error went back to the model: the call got back a report
//   of its failure that names the field (its error, or its result), and a
//   later model call was newly sent that text, verbatim;
// - the model retried and the retry passed: the next call to the same tool
//   was emitted by a model call newly sent that error, and it passed.
// A next call made by a model that was not told (a fresh request, a fallback
// model, the next item of a batch) is no retry, and proves nothing.
import type { Span, Trace } from '../../src/types.ts';
import { failureOf } from './origin.ts';
import { emittingCall } from './owner.ts';
import { isWithin, MIN_PROBE, modelInputText } from './received.ts';
import { resultText } from './error-text.ts';
import { errorMessage, indexTrace, isErrorSpan, toolName } from './trace-index.ts';
import { escapeRegExp } from './text.ts';

export type RetryOutcome =
  /** No report of the failure reached a later model call. */
  | { kind: 'not_returned' }
  /** The error reached the model, and no call to the tool followed that it emitted after reading it. */
  | { kind: 'no_retry'; receivedBy: Span }
  /** The model retried after reading the error, `retries` times; the last passed or not. */
  | { kind: 'retried'; receivedBy: Span; retries: number; passed: boolean };

const VALIDATION = /\bvalidation errors?\b|ValidationError|ZodError|\binvalid (?:arguments?|input|parameters?)\b|\bis a required property\b|\bfield required\b/i;

/** The text call `x` got back when it reports the call's failure and, when `fields` are given, names one of them. */
function failureReport(t: Trace, x: Span, fields: string[]): string | null {
  const failed = failureOf(t, x) !== null;
  for (const text of [isErrorSpan(x) ? errorMessage(x) : '', resultText(x)]) {
    if (!text.trim()) continue;
    if (!failed && !VALIDATION.test(text.slice(0, 2000))) continue;
    // The field as a word: a short name ("id") inside another word names nothing.
    if (fields.length && !fields.some((f) => new RegExp(`(?<![\\w])${escapeRegExp(f)}(?![\\w])`).test(text))) continue;
    return text;
  }
  return null;
}

/** A verbatim probe of a report: its first line long enough to be telling (a bare "Error:" is not), cut to 80 characters. */
function probeOf(text: string): string | null {
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l.length >= MIN_PROBE) return l.slice(0, 80);
  }
  return null;
}

/** The first model call after `x` ended whose newest input holds `probe`. */
function receiver(t: Trace, x: Span, probe: string): Span | null {
  for (const s of indexTrace(t).steps) {
    if (s.kind !== 'llm' || s.startTime < x.endTime || isWithin(t, s, x)) continue;
    if (modelInputText(s).includes(probe)) return s;
  }
  return null;
}

/**
 * Follows a violating call `s`: whether its validation error (a report naming
 * one of `fields`) was sent back, and whether the model's retries, each made
 * after reading the previous attempt's error, ended in one that `passes`.
 */
export function afterViolation(t: Trace, s: Span, fields: string[], passes: (x: Span) => boolean): RetryOutcome {
  const tools = indexTrace(t).tools;
  let cur = s;
  let first: Span | null = null;
  let retries = 0;
  for (let guard = 0; guard < 10; guard++) {
    const report = failureReport(t, cur, cur === s ? fields : []);
    const probe = report === null ? null : probeOf(report);
    const got = probe === null ? null : receiver(t, cur, probe);
    if (got === null || probe === null) break;
    first ??= got;
    const next = tools.slice(tools.indexOf(cur) + 1).find((x) => toolName(x) === toolName(s));
    const by = next && emittingCall(t, next);
    if (!next || !by || !modelInputText(by).includes(probe)) break;
    retries++;
    if (passes(next)) return { kind: 'retried', receivedBy: first, retries, passed: true };
    cur = next;
  }
  if (first === null) return { kind: 'not_returned' };
  return retries ? { kind: 'retried', receivedBy: first, retries, passed: false } : { kind: 'no_retry', receivedBy: first };
}

/** The call reports no failure of its own (an error, or a validation report as its result). */
export function reportsNoFailure(t: Trace, x: Span): boolean {
  return failureReport(t, x, []) === null;
}
