// A string handled as a list: the agent's code (or the tool it called) walks
// over a string where it meant a list of items — lines, file names, records —
// so the observation lists one character per item:
//   ['D', 'i', 'r', 'e', 'c', 't', 'o', 'r', 'y', ...]     list(s) / s[:20]
//   D\ni\nr\ne\nc\nt\no\nr\ny                               for x in s[:20]: print(x)
//   0: D\n1: i\n2: r\n3: e ...                              enumerate(s)
//   D i r e c t o r y                                       print(*s)
// The step "worked" (no error), so error metrics miss it, and the model reads
// back a useless observation and usually spends further steps on the same
// data. The characters must spell a word (a run of letters with a vowel), so a
// column of digits, flags or box-drawing is not mistaken for it.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, shareText, minPatternTraces } from './finding.ts';
import { excerpt, textOf } from './text.ts';
import { agentLabel, agentPhrase, indexTrace } from './trace-index.ts';
import { addOccurrence, hitsByAgent, runHits, type RunHits } from './agent-hits.ts';
import { oneShot, type RunPasses, type TwoStep } from './two-step.ts';
import { isWithin, receivingCall } from './received.ts';

/** Fewest single-character items in a row that count. */
export const MIN_ITEMS = 8;
const SCAN = 200_000;

// `can` is what a text must hold for the shape to match at all (cheap to check, where the pattern scans every position).
const SHAPES: { re: RegExp; chars: (m: string) => string; can: (t: string) => boolean }[] = [
  // A list/tuple repr of one-character strings.
  { re: /(?:(['"])(?:\\.|[^\\\n])\1,[^\S\n]*){8,}/g, chars: (m) => [...m.matchAll(/(['"])(\\.|[^\\\n])\1/g)].map((x) => x[2]!).join(''), can: (t) => t.includes("',") || t.includes('",') },
  // Numbered one-character items, one per line.
  { re: /(?:^[^\S\n]*\d+[:.)][^\S\n]?[^\n]?\n){8,}/gm, chars: (m) => m.split('\n').map((l) => l.replace(/^\s*\d+[:.)]\s?/, '')).join(''), can: (t) => lines(t) },
  // One character per line.
  { re: /(?:^[^\n]?\n){8,}/gm, chars: (m) => m.split('\n').join(''), can: (t) => lines(t) },
  // Characters separated by single spaces.
  { re: /(?<=^|\s)\S(?: \S){7,}(?=\s|$)/g, chars: (m) => m.replace(/ /g, ''), can: () => true },
];

/** The text has at least MIN_ITEMS line breaks (one per item). */
function lines(t: string): boolean {
  let at = -1;
  for (let n = 0; n < MIN_ITEMS; n++) if ((at = t.indexOf('\n', at + 1)) < 0) return false;
  return true;
}

/** The characters spell a word: a run of ≥ 4 letters with a vowel and a lower-case letter. */
function spellsWord(chars: string): boolean {
  return (chars.match(/[A-Za-z]{4,}/g) ?? []).some((w) => /[aeiouy]/i.test(w) && /[a-z]/.test(w));
}

/** Where `text` lists one character per item, as [start, end); null when it does not. */
export function characterItems(text: string): [number, number] | null {
  const t = text.length > SCAN ? text.slice(0, SCAN) : text;
  let best: [number, number] | null = null;
  for (const { re, chars, can } of SHAPES) {
    if (!can(t)) continue;
    for (const m of t.matchAll(re)) {
      if (!spellsWord(chars(m[0]))) continue;
      if (!best || m.index! < best[0]) best = [m.index!, m.index! + m[0].length];
      break;
    }
  }
  return best;
}

/** What a step handed back to the model: a tool's result, else the span's output. */
function observation(s: Span): string {
  if (s.tool && s.tool.result != null) return textOf(s.tool.result);
  return textOf(s.output);
}

/** Spans whose output goes back to the model as an observation: tool calls and framework steps, not model calls or the run itself. */
function observationSpans(t: Trace): Span[] {
  const root = indexTrace(t).root;
  return t.spans
    .filter((s) => s.kind !== 'llm' && s.kind !== 'agent' && s.spanId !== root?.spanId)
    .sort((a, b) => a.startTime - b.startTime);
}

export interface CharacterListing {
  span: Span;
  text: string;
  at: [number, number];
  /** The model call whose input holds the listing (where the agent read it). */
  reader: Span | null;
}

export function characterListings(t: Trace): CharacterListing[] {
  const out: CharacterListing[] = [];
  for (const s of observationSpans(t)) {
    const text = observation(s);
    if (text.length < 2 * MIN_ITEMS) continue;
    const at = characterItems(text);
    if (!at) continue;
    const shown = text.slice(at[0], at[1]);
    const found: CharacterListing = { span: s, text, at, reader: receivingCall(t, s, text.slice(at[0], at[0] + 80)) };
    // A step that only passes on its tool's result shows the same listing once more: count it once, at the tool.
    const same = out.findIndex((o) => (isWithin(t, o.span, s) || isWithin(t, s, o.span)) && o.text.slice(o.at[0], o.at[1]) === shown);
    if (same < 0) out.push(found);
    else if (isWithin(t, s, out[same]!.span)) out[same] = found;
  }
  return out;
}

export const stringAsListSteps: TwoStep<RunHits<null>, { minTraces?: number }> = {
  perRun: (t) =>
    runHits(t, characterListings, () => null, (acc, c, t) => {
      addOccurrence(acc, { traceId: t.traceId, spanId: c.span.spanId });
      if (c.reader) {
        acc.received++;
        addOccurrence(acc, { traceId: t.traceId, spanId: c.reader.spanId, role: 'received', of: c.span.spanId });
      }
      acc.citations.push({
        traceId: t.traceId,
        spanId: c.span.spanId,
        excerpt: excerpt(c.text, c.at[0], Math.min(160, c.at[1] - c.at[0])) || undefined,
        note: c.reader ? `the model read this output in span ${c.reader.spanId}` : undefined,
      });
    }),
  global: stringAsListFindings,
  passes: true,
};

export const stringAsList = oneShot(stringAsListSteps);

function stringAsListFindings(runs: RunPasses<RunHits<null>>, opts: { minTraces?: number }): FindingInput[] {
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const out: FindingInput[] = [];
  const gathered = hitsByAgent(runs);
  for (const { agent, runs: agentRuns, hits, affected, citations, occurrences, received: read } of gathered) {
    if (affected.size < minTraces) continue;
    const steps = hits.length;
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: a step's output lists a string one character per item`,
        category: 'other',
        severity: 'medium',
        summary: `In ${shareText(affected.size, agentRuns)} of ${agentPhrase(agent)}, a step returned an observation that lists single characters as items (${count(steps, 'such step')}; ${read} of them read back by the model in its next call): the code walked over a string — a text blob, a joined tree or file list — as if it were a list of entries, and those items are single characters.`,
        rootCause: `The observation lists one character per item, which is what iterating over a string as if it were a list of entries produces; the cited outputs spell out the string's characters.`,
        fix: `Say what the value holds (a string, not a list) where the model meets it first (the task text, or the description of the tool or function that returns it), and tell the model to split text into entries before iterating over it.`,
        fixKind: 'tool_schema',
        component: `agent:${agent}`,
        signature: 'string_as_list',
        monitor: `Share of ${agentLabel(agent)} runs with a step output that lists one character per item, per day.`,
        detector: 'string-as-list',
        traceIds: affected,
        citations,
        total: agentRuns,
        data: { agent, steps, received: read, occurrences },
      }),
    );
  }
  return out;
}
