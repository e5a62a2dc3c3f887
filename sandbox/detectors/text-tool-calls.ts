// A tool call the model wrote into its reply's text, in a chat format's
// tool-call syntax, that nothing ran: the run's last model reply holds it and
// no tool call follows. Agent loops end a run when a reply carries no
// structured call, so a call left in the text ends the run with its work
// undone (Letta on gpt-oss: `…<|channel|>commentary to=functions.grep_files
// <|constrain|>json<|message|>{"pattern": …}`). These syntaxes are what a
// serving stack's tool-call parser turns into structured calls; seen in the
// reply text, the parse did not happen. Whether the model or the parser is at
// fault the records do not say, so the finding does not either.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, minPatternTraces, shareText } from './finding.ts';
import { excerpt } from './text.ts';
import { agentLabel, agentPhrase, declaredInTrace, indexTrace, isToolSpan, toolName } from './trace-index.ts';
import { failureOf } from './origin.ts';
import { closingReplies } from './ignored-errors.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import type { Citation } from './finding.ts';

/** Chat-format tool-call syntaxes, each with the tool's name as its first group where the syntax puts it there. */
const SYNTAXES: { syntax: string; re: RegExp }[] = [
  // OpenAI harmony (gpt-oss): `to=functions.<name>`.
  { syntax: 'to=functions.<name>', re: /to=functions\.([A-Za-z_][\w-]*)/g },
  // Hermes / Qwen: `<tool_call>{"name": "<name>", "arguments": …}`.
  { syntax: '<tool_call>', re: /<tool_call>\s*\{\s*"name"\s*:\s*"([^"\n]{1,80})"/g },
  // Mistral: `[TOOL_CALLS] [{"name": "<name>", …}]`.
  { syntax: '[TOOL_CALLS]', re: /\[TOOL_CALLS\]\s*\[?\s*\{\s*"name"\s*:\s*"([^"\n]{1,80})"/g },
  // Llama 3.1 custom tools: `<function=<name>>{…}</function>`.
  { syntax: '<function=<name>>', re: /<function=([A-Za-z_][\w-]*)>/g },
  // DeepSeek: `<｜tool▁call▁begin｜>function<｜tool▁sep｜><name>`.
  { syntax: '<｜tool▁call▁begin｜>', re: /<｜tool▁call▁begin｜>(?:function<｜tool▁sep｜>)?([A-Za-z_][\w-]*)/g },
  // Kimi: `<|tool_call_begin|>functions.<name>:0`.
  { syntax: '<|tool_call_begin|>', re: /<\|tool_call_begin\|>\s*(?:functions\.)?([A-Za-z_][\w-]*)/g },
  // Anthropic's prompt-based tool use: `<invoke name="<name>">`.
  { syntax: '<invoke name=…>', re: /<invoke name="([A-Za-z_][\w-]*)">/g },
];

/** One call written in a reply's text. */
export interface TextCall {
  name: string;
  syntax: string;
}

/** What the global step needs of a run: its last reply's text calls (none when a tool call followed), and the tools the run knows. */
export interface TextCallRun {
  calls: TextCall[];
  citation: Citation | null;
  spanId: string | null;
  /** Tools declared to the run's models, and tools that worked in the run: a written name is a tool only if one of these. */
  known: string[];
}

/** The text of a reply the model wrote as plain text: a string output, or the closing assistant messages that carry no structured calls. */
function replyTexts(llm: Span): string[] {
  const out: string[] = [];
  if (typeof llm.output === 'string') out.push(llm.output);
  for (const m of closingReplies(llm)) {
    if (!m.toolCalls?.length && typeof m.content === 'string' && !out.includes(m.content)) out.push(m.content);
  }
  return out;
}

/** Every call written in the text, in order, with where the first one starts. */
export function textCalls(text: string): { calls: TextCall[]; first: number } {
  const found: { at: number; call: TextCall }[] = [];
  for (const { syntax, re } of SYNTAXES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) found.push({ at: m.index, call: { name: m[1] ?? '', syntax } });
  }
  found.sort((a, b) => a.at - b.at);
  return { calls: found.map((f) => f.call), first: found[0]?.at ?? -1 };
}

/** Format words a model runs on after a name in harmony's syntax (`to=functions.grep_filesjson{…}`). */
const RUN_ON = /^(?:json|code|commentary|analysis)+$/;

/** The agent's tool a written name calls: the name itself, or a tool's name with a format word run on. */
function toolOf(name: string, known: Set<string>): string | undefined {
  if (known.has(name)) return name;
  for (const k of known) if (name.startsWith(k) && RUN_ON.test(name.slice(k.length))) return k;
  return undefined;
}

function observe(t: Trace): TextCallRun {
  const known = new Set(declaredInTrace(t).keys());
  const { steps } = indexTrace(t);
  for (const s of steps) if (isToolSpan(s) && failureOf(t, s) === null) known.add(toolName(s));
  let last = -1;
  for (let i = steps.length - 1; i >= 0; i--) {
    if (steps[i]!.kind === 'llm') {
      last = i;
      break;
    }
  }
  const none: TextCallRun = { calls: [], citation: null, spanId: null, known: [...known] };
  // A tool call after the last reply: something ran it (or another call), so nothing here is left undone.
  if (last < 0 || steps.slice(last + 1).some(isToolSpan)) return none;
  const llm = steps[last]!;
  for (const [k, text] of replyTexts(llm).entries()) {
    const { calls, first } = textCalls(text.slice(0, 200_000));
    if (calls.length) {
      // Verification finds excerpts in a field's own string; a message's content is inside the messages' JSON, so it is cited without one.
      const quote = k === 0 && typeof llm.output === 'string' ? excerpt(text, Math.max(0, first - 60), 240) || undefined : undefined;
      return { calls, citation: { traceId: t.traceId, spanId: llm.spanId, excerpt: quote }, spanId: llm.spanId, known: [...known] };
    }
  }
  return none;
}

export const textToolCallSteps: TwoStep<TextCallRun, { minTraces?: number }> = {
  perRun: (t) => observe(t),
  global: textToolCallFindings,
  passes: true,
};

export const textToolCalls = oneShot(textToolCallSteps);

/** One pass over the runs, keeping per agent its count, its tools and its runs whose last reply wrote calls, so that a week's runs are never held whole. */
function textToolCallFindings(given: RunPasses<TextCallRun>, opts: { minTraces?: number }): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<TextCallRun>[]) : given;
  const minTraces = opts.minTraces ?? minPatternTraces(runs.length);
  const out: FindingInput[] = [];
  // Per agent, in order of its first run: its runs, its tools (declared to it or working for it anywhere in the window), and its runs with calls written.
  const agents = new Map<string, { runs: number; known: Set<string>; list: { run: { traceId: string }; obs: TextCallRun }[] }>();
  runs.forEach(({ run, obs }) => {
    let a = agents.get(run.agent);
    if (!a) agents.set(run.agent, (a = { runs: 0, known: new Set(), list: [] }));
    a.runs++;
    for (const k of obs.known) a.known.add(k);
    if (obs.calls.length) a.list.push({ run: { traceId: run.traceId }, obs });
  });
  for (const [agent, { runs: agentRuns, known, list }] of agents) {
    const affected = new Set<string>();
    const citations: Citation[] = [];
    const occurrences: { traceId: string; spanId: string }[] = [];
    const byName = new Map<string, number>();
    const bySyntax = new Map<string, number>();
    let calls = 0;
    for (const { run, obs } of list) {
      const tools = obs.calls.flatMap((c) => {
        const name = toolOf(c.name, known);
        return name ? [{ ...c, name }] : [];
      });
      if (!tools.length) continue;
      affected.add(run.traceId);
      calls += tools.length;
      // Per run, not per call: a reply that goes on writing calls and what they returned holds many, and which are calls is the reader's guess.
      for (const name of new Set(tools.map((c) => c.name))) byName.set(name, (byName.get(name) ?? 0) + 1);
      for (const syntax of new Set(tools.map((c) => c.syntax))) bySyntax.set(syntax, (bySyntax.get(syntax) ?? 0) + 1);
      if (obs.citation) citations.push(obs.citation);
      if (obs.spanId) occurrences.push({ traceId: run.traceId, spanId: obs.spanId });
    }
    if (affected.size < minTraces) continue;
    const names = [...byName].sort((a, b) => b[1] - a[1]);
    const syntaxes = [...bySyntax].sort((a, b) => b[1] - a[1]).map(([s]) => `\`${s}\``);
    const namesText = names.slice(0, 4).map(([n, k]) => `\`${n}\` in ${count(k, 'run')}`).join(', ') + (names.length > 4 ? ', …' : '');
    out.push(
      buildFinding({
        title: `${agentLabel(agent)}: the run's last reply writes a tool call as text, and no call ran`,
        category: 'trajectory',
        // The calls never ran and the run ended: the work they were for is undone whether or not other runs failed as often.
        severity: 'high',
        summary: `In ${shareText(affected.size, agentRuns)} of ${agentPhrase(agent)}, the model's last reply writes calls of the agent's own tools in its text, in a chat format's tool-call syntax (${syntaxes.join(', ')}: ${namesText}), and no tool call was recorded after that reply: the run ended there and none of these calls ran.`,
        rootCause: `The calls are in the reply's text, not recorded as tool calls, and the run's steps end with that reply. Whether the model wrote them outside the call format or the serving stack's tool-call parser missed them, the records do not show.`,
        fix: `Parse this tool-call syntax into calls where the model's replies are received (the serving stack's tool-call parser for this model, or the agent loop), and when a final reply still holds one, send it back to the model as an error instead of ending the run.`,
        fixKind: 'code',
        component: `agent:${agent}`,
        signature: 'text_tool_call',
        monitor: `Share of ${agentLabel(agent)} runs whose last reply holds a tool call written as text, per day.`,
        detector: 'text-tool-calls',
        traceIds: affected,
        citations,
        total: agentRuns,
        data: { agent, severityFixed: true, calls, tools: Object.fromEntries(names.slice(0, 10)), syntaxes: Object.fromEntries(bySyntax), occurrences: occurrences.slice(0, 50) },
      }),
    );
  }
  return out;
}
