// Whether a call names something its run had never shown. A rejection that
// names no condition ("Nothing happens.") says nothing of why; what the run
// does record is what the agent had been told before the call: the user's
// messages, the instructions and every earlier tool result. A call naming an
// object none of them mentions (`go to dresser 1` in a room whose description
// lists no dresser) acted on something the model supplied itself. That is
// checked here on the run's own text, and said only when it holds.
import type { Span, Trace } from '../../src/types.ts';
import { escapeRegExp, stringsIn, textOf } from './text.ts';
import { indexTrace } from './trace-index.ts';

/**
 * Names a call can give for a thing in its world: a noun with its number (`drawer 7`, `cup 3`) or an id
 * (`pers-0016`, `order_123`). Words that are no thing (`to 300`, `line 4`) are left out.
 */
const NAMED_THING = /\b([a-z]{3,}) (\d{1,4})\b|\b([a-z]{2,}[-_]\d{2,})\b/gi;
const NOT_A_THING = /^(?:to|and|the|for|from|with|into|onto|over|under|line|lines|page|pages|step|steps|top|last|first|next|than|about|after|before|until|since|at|in|on|of|by|per|limit|offset|count|size|times|level|round|turn|turns|day|days|hour|hours|minute|minutes|second|seconds|year|years|port|version|python|node|java|rows|items|results|num|number|max|min)$/i;

/** The things a call's arguments name, in order, once each. */
export function namedThings(s: Span): string[] {
  const out: string[] = [];
  for (const text of stringsIn(s.tool?.arguments)) {
    NAMED_THING.lastIndex = 0;
    for (let m = NAMED_THING.exec(text); m; m = NAMED_THING.exec(text)) {
      const name = m[3] ?? (NOT_A_THING.test(m[1]!) ? null : `${m[1]} ${m[2]}`);
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

/**
 * What the run told the agent, as far as `s` can have seen it: every user and system message of the run (messages
 * carry no time, so a later one counts too: the check errs toward saying nothing), its input, and the results of
 * tool calls that ended before `s` started. Tool messages are those results again, at any time, so they are read
 * from the calls instead.
 */
function toldBefore(t: Trace, s: Span): string[] {
  const out: string[] = [];
  for (const x of t.spans) {
    for (const m of x.messages ?? []) if (m.role !== 'assistant' && m.role !== 'tool' && m.role !== 'function' && typeof m.content === 'string') out.push(m.content);
  }
  for (const x of indexTrace(t).tools) {
    if (x === s || x.endTime > s.startTime) continue;
    out.push(textOf(x.tool?.result ?? x.output));
  }
  const root = t.spans.find((x) => x.parentId == null);
  if (root && typeof root.input === 'string') out.push(root.input);
  return out;
}

/** The first thing call `s` names that nothing the run told it (toldBefore) mentions; null when every thing it names was mentioned, or it names none. */
export function unseenName(t: Trace, s: Span): string | null {
  const names = namedThings(s);
  if (!names.length) return null;
  const told = toldBefore(t, s);
  for (const name of names) {
    const word = new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(name).replace(/ /g, '\\s+')}(?![0-9])`, 'i');
    if (!told.some((x) => word.test(x))) return name;
  }
  return null;
}
