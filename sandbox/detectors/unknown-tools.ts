// Tool calls whose name the model was never offered. The offered list is what
// the run itself declared to its model; a run that records no declarations
// borrows its agent's list only when most of its runs record one and every
// one of them declared the same tools (runs of one agent name can be different tasks with different
// tools: ToolBench, a folder of framework demos). Otherwise, and for agents
// that record no declarations at all, the tool's own error message decides.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import { buildFinding, shareText, type Citation } from './finding.ts';
import { resultErrorText } from './error-text.ts';
import { escapeRegExp, excerpt, textOf } from './text.ts';
import { emittingCall } from './owner.ts';
import { sentInput } from './seen-call.ts';
import { declaredInTrace, errorMessage, indexTrace, isErrorSpan, toolName, agentLabel, agentPhrase } from './trace-index.ts';

// "No function named search in my_tools/…" (EasyTool: the tool's module has no such function) too (round 43).
const UNKNOWN_MSG = /\b(unknown|unrecognized|undefined|invalid|unsupported|no such) (tool|function|action)\b|\bno (?:function|tool) named\b|\b(tool|function|action) (\S+ )?(not found|does not exist|is not available|not available)\b/i;
// A rejection that lists the tools there are ("Cannot call sematic_search_files, valid tools include: [...]", Letta).
const VALID_LIST = /\b(?:valid|available|allowed) (?:tools|functions|actions)(?: include| are)?\s*:?\s*\[([^\]\n]{1,2000})\]/i;

/** The failure says the tool does not exist: in so many words, or by listing the tools there are (`list`) without it. */
function saysUnknown(text: string, list: string | undefined, name: string): boolean {
  if (UNKNOWN_MSG.test(text)) return true;
  if (list === undefined) return false;
  const names = list.split(',').map((x) => x.trim().replace(/^['"`]|['"`]$/g, ''));
  return names.length > 0 && !names.includes(name);
}

interface FailedCall {
  name: string;
  /** The error or result says the tool is unknown (the rule for agents that declare no tools). */
  saysUnknown: boolean;
  /** The rejection lists the tools there are: the runtime already tells the model what it may call. */
  listsValid?: true;
  /**
   * The name was in the emitting model call's input before any call under it:
   * the model sent back a name it was given (a harness's placeholder for an
   * earlier invented call, a name the user asked for), not one it made up.
   */
  given: boolean;
  /** The run's next tool call, started after this one ended, ran without failing: the model went on with a tool that works. */
  nextWorked: boolean;
  citation: Citation;
}

interface UnknownToolsRun {
  /** Tools declared to the model in this run. */
  declared: string[];
  /** Failed tool calls: an invented tool cannot run, so a call that did not fail is a tool the declarations missed. */
  failed: FailedCall[];
  /** Names (as toolKey gives them) of the tools that ran without failing in this run. */
  ran: string[];
}

/**
 * A tool's name as the runtime would match it. A text-action harness's
 * "Invalid action" also answers a real tool called the wrong way (an option
 * not on the page, a stray newline before `Lookup[…]`): a name that ran
 * anywhere in the agent's runs exists, whatever its case.
 */
function mentions(text: string, name: string): boolean {
  if (!name.trim()) return false;
  return new RegExp(`(?<![\\w.-])${escapeRegExp(name)}(?![\\w-])`).test(text);
}

function toolKey(name: string): string {
  return name.trim().toLowerCase();
}

export const unknownToolSteps: TwoStep<UnknownToolsRun, { minTraces?: number }> = {
  perRun(t) {
    const failed: FailedCall[] = [];
    const ran = new Set<string>();
    const called = new Set<string>();
    const givenNames = new Set<string>();
    const tools = indexTrace(t).tools;
    const works = (x: Span) => !(isErrorSpan(x) || resultErrorText(x) !== null);
    for (const s of tools) {
      const name = toolName(s);
      if (!called.has(name)) {
        called.add(name);
        const m = emittingCall(t, s);
        const input = m ? sentInput(m) : null;
        if (input !== null && (input.messages.some((x) => x.name === name || x.toolCalls?.some((c) => c.name === name)) || mentions(input.text, name))) givenNames.add(name);
      }
      // An invented tool cannot run: a call that did not fail is a tool the
      // declarations missed (a hosted tool, a handler added outside the model's list).
      if (works(s)) {
        ran.add(toolKey(toolName(s)));
        continue;
      }
      const next = tools.find((x) => x.startTime >= s.endTime && x !== s);
      // The error and the result both: a rejection whose first line is a long name keeps its list of tools further on.
      const said = [errorMessage(s), textOf(s.tool?.result ?? s.output)].filter(Boolean).join('\n');
      const list = VALID_LIST.exec(said)?.[1];
      failed.push({ name, saysUnknown: saysUnknown(said, list, name), ...(list !== undefined ? { listsValid: true as const } : {}), given: givenNames.has(name), nextWorked: next !== undefined && works(next), citation: cite(t, s) });
    }
    return { declared: [...declaredInTrace(t).keys()], failed, ran: [...ran] };
  },
  global: unknownToolFindings,
  passes: true,
};

export const unknownTools = oneShot(unknownToolSteps);

/** What the global step keeps of one agent's runs: their count, the tool sets they declare, and the runs with failed calls. */
interface AgentRuns {
  runs: number;
  /** Runs that declare tools, the first one's list (and as a sorted set), and whether every one declares that set. */
  declaring: number;
  firstDeclared?: string[];
  firstSet?: string;
  oneSet: boolean;
  /** Tools (toolKey) that ran without failing in any of its runs, in order of first run. */
  exists: Set<string>;
  /** Its runs with a failed call, in window order: all the rest of the step reads. */
  failing: { traceId: string; declared: string[]; failed: FailedCall[] }[];
}

/**
 * One pass over the runs, keeping per agent its counts and the runs with a failed call alone, so that a week's
 * runs are never held whole (each run's observation lists its declared tools).
 */
function unknownToolFindings(given: RunPasses<UnknownToolsRun>, opts: { minTraces?: number }): FindingInput[] {
  const minTraces = opts.minTraces ?? 1;
  const out: FindingInput[] = [];
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<UnknownToolsRun>[]) : given;
  const agents = new Map<string, AgentRuns>();
  runs.forEach(({ run, obs }) => {
    let a = agents.get(run.agent);
    if (!a) agents.set(run.agent, (a = { runs: 0, declaring: 0, oneSet: true, exists: new Set(), failing: [] }));
    a.runs++;
    if (obs.declared.length > 0) {
      const set = [...new Set(obs.declared)].sort().join('\u0000');
      if (a.declaring === 0) {
        a.firstDeclared = obs.declared;
        a.firstSet = set;
      } else if (set !== a.firstSet) a.oneSet = false;
      a.declaring++;
    }
    for (const x of obs.ran) a.exists.add(x);
    if (obs.failed.length > 0) a.failing.push({ traceId: run.traceId, declared: obs.declared, failed: obs.failed });
  });
  for (const [agent, a] of agents) {
    // One tool set for every run that declares one: the agent's list, usable for runs that record none.
    // Borrowed only where most of the agent's runs show it: one run's list says nothing about a folder of other programs.
    const stable = a.declaring > 0 && a.declaring * 2 >= a.runs && a.oneSet;
    const declared = new Set<string>(stable ? a.firstDeclared! : []);
    const byDeclaration = a.declaring > 0;
    let checkedByMessage = false;
    const traceIds = new Set<string>();
    const citations: Citation[] = [];
    const calls = new Map<string, number>();
    const given = new Set<string>();
    let wentOn = 0;
    let listing = 0;
    const exists = a.exists;
    // A real tool's name with more text run on after it (`grep_files<|channel|>commentary`): the model's call format
    // leaked into the name, not a tool the model made up (Letta on gpt-oss, round 27).
    const real = [...new Set([...exists, ...[...declared].map(toolKey)])].filter((x) => x.length >= 3);
    const runOnOf = (n: string) => real.filter((r) => toolKey(n).startsWith(r) && toolKey(n).length > r.length).sort((a, b) => b.length - a.length)[0];
    for (const run of a.failing) {
      for (const { name, saysUnknown, listsValid, given: wasGiven, nextWorked, citation } of run.failed) {
        if (exists.has(toolKey(name))) continue;
        const own = run.declared.length > 0 ? new Set(run.declared) : stable ? declared : null;
        if (!own) checkedByMessage = true;
        // A failed call whose name is a real tool's with text run on after it names no tool, whatever its error says
        // (Letta: a rejection too long to keep its list of valid tools).
        const unknown = own ? !own.has(name) : saysUnknown || runOnOf(name) !== undefined;
        if (!unknown) continue;
        calls.set(name, (calls.get(name) ?? 0) + 1);
        if (listsValid) listing++;
        if (wasGiven) given.add(name);
        if (nextWorked) wentOn++;
        traceIds.add(run.traceId);
        citations.push(citation);
      }
    }
    if (traceIds.size < minTraces || traceIds.size === 0) continue;
    const names = [...calls].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const listed = names.slice(0, 8).map(([n, c]) => `\`${shown(n)}\` ×${c}${given.has(n) ? ' (a name its model call was sent before it called it)' : ''}`).join(', ') + (names.length > 8 ? `, and ${names.length - 8} more` : '');
    const runOn = names.filter(([n]) => !given.has(n) && runOnOf(n) !== undefined);
    const runOnCalls = runOn.reduce((k, [, c]) => k + c, 0);
    const markers = runOn.filter(([n]) => /<\|[a-z_]+\|>/.test(n)).length;
    const runOnText = runOn.length
      ? ` ${runOn.length === names.length ? `Every one of these names` : `${runOn.length} of these names (${runOnCalls} ${runOnCalls === 1 ? 'call' : 'calls'})`} ${runOn.length === 1 ? 'is' : 'are'} a tool that exists (${[...new Set(runOn.map(([n]) => runOnOf(n)!))].map((r) => `\`${r}\``).join(', ')}) with more text run on after its name${markers ? ` (${markers === runOn.length ? 'each' : `${markers} of them`} with a chat-format marker such as \`<|channel|>\`)` : ''}.`
      : '';
    // A name the model was given is not one it invented: say where it came from only as far as the input shows.
    const invented = names.filter(([n]) => !given.has(n) && runOnOf(n) === undefined);
    const sentBack = names.filter(([n]) => given.has(n));
    const total = names.reduce((n, [, c]) => n + c, 0);
    const recovered = wentOn === total;
    const quote = (xs: [string, number][]) => xs.slice(0, 3).map(([n]) => `\`${shown(n)}\``).join(', ');
    const runOnCause = runOn.length ? ` ${quote(runOn)}${runOn.length > 3 ? ', …' : ''} ${runOn.length === 1 ? 'is the name' : 'are names'} of a tool the runtime has with text run on after it: the name the runtime looked up was not the tool's alone.` : '';
    const runOnFix = runOn.length ? ` Where a call's name is a tool's name with text run on after it, find whether the model writes it so or the runtime's parser of this model's call format keeps it (the chat-format markers in the names point there), and fix that parser or template.` : '';
    const offered = [...declared].sort();
    const one = names.length === 1 ? names[0]![0] : null;
    out.push(
      buildFinding({
        title: one ? `${agentLabel(agent)} calls unknown tool \`${shown(one)}\`` : `${agentLabel(agent)} calls ${names.length} tools that do not exist`,
        category: 'tool_selection',
        severity: 'high',
        summary: `${shareText(traceIds.size, a.runs)} of ${agentPhrase(agent)} call tools ${byDeclaration ? (stable ? `that are not among the ${offered.length} tools declared to the model (${offered.slice(0, 12).join(', ')}${offered.length > 12 ? ', …' : ''})` : `that are not among the tools declared to the model in that run (runs of this agent declare different tools)`) + (checkedByMessage ? '; in runs that record no declarations, calls the runtime rejected as unknown' : '') : 'that the runtime rejects as unknown'}: ${listed}.${wentOn ? ` ${wentOn === total ? (total === 1 ? 'It was' : 'Each was') : `${wentOn} of these ${total} calls were`} followed by a tool call that ran without failing.` : ''}${runOnText}`,
        rootCause: byDeclaration
          ? [
              invented.length ? `The model invents tool names (${quote(invented)}) that are not in the tool list the agent sends, so those calls cannot succeed.` : '',
              sentBack.length ? `${invented.length ? 'It also calls' : 'The model calls'} ${quote(sentBack)}, not in the tool list either: ${sentBack.length === 1 ? 'that name was' : 'those names were'} in the model call's input before any call under ${sentBack.length === 1 ? 'it' : 'them'}, so the model sent back a name it was given, not one it made up.` : '',
              runOnCause.trim(),
            ].filter(Boolean).join(' ')
          : `${invented.length || sentBack.length ? `The model calls tools (${quote([...invented, ...sentBack])}) that the runtime rejects as unknown.` : ''}${runOnCause}`.trim(),
        confirmed: true,
        fix: [
          invented.length
            ? `For each invented name (${quote(invented)}${invented.length > 3 ? ', …' : ''}), either add the tool if the model needs that capability, or say in the system prompt which ${stable && offered.length ? `of the declared tools (${offered.slice(0, 8).join(', ')}${offered.length > 8 ? ', …' : ''})` : 'existing tool'} to use instead; ${recovered ? 'the runtime already rejects them, and the next call worked each time (what the run did after that is not checked here).' : listing > 0 ? "the runtime's rejection already lists the valid tools." : 'reject unknown tool names before execution with an error listing the valid tools so the model corrects itself in the same run.'}`
            : recovered ? 'The runtime already rejects unknown names, and the next call worked each time (what the run did after that is not checked here).' : listing > 0 ? '' : 'Reject unknown tool names before execution with an error listing the valid tools, so the model corrects itself in the same run.',
          sentBack.length ? `Find what put ${quote(sentBack)} in the model's input and stop it from reading as a tool the model can call.` : '',
          runOnFix.trim(),
        ].filter(Boolean).join(' '),
        fixKind: 'prompt',
        component: `agent:${agent}`,
        signature: 'unknown_tool',
        monitor: `Count of tool calls to names outside ${agentLabel(agent)}'s declared tool list per day (should be 0).`,
        detector: 'unknown-tools',
        traceIds,
        citations,
        total: a.runs,
        data: { agent, tools: Object.fromEntries(names), givenNames: [...given].sort(), declaredTools: offered, declarationsPerRun: !stable },
      }),
    );
  }
  return out;
}

function cite(t: Trace, s: Span): Citation {
  const msg = errorMessage(s);
  if (msg) return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(msg) };
  return { traceId: t.traceId, spanId: s.spanId, excerpt: excerpt(toolNameText(s)) };
}

/** A tool name as a finding quotes it: a name that swallowed a reply is cut, and never ends a code span. */
function shown(name: string): string {
  const flat = name.replace(/\s+/g, ' ').replace(/`/g, "'");
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

function toolNameText(s: Span): string {
  return typeof s.tool?.name === 'string' ? s.tool.name : '';
}
