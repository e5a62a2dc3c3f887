// A Jupyter notebook whose cells printed agent runs, read from what each code
// cell printed to stdout: ReAct runs as the ReAct paper's FEVER, HotpotQA and
// WebShop notebooks print them (react-printout.ts; many a cell), else an
// AutoGen 0.2 / AG2 conversation as its agents print it (autogen-printout.ts),
// else an AutoGen AgentChat team run as its Console prints it
// (agentchat-console.ts); one conversation a cell, read as the group chat it
// is (multi-agent-chat.ts).
//
// A ReAct run is the claim, question or instruction page (user), each step's
// thought as the model's text with its action as a tool call (`Search[…]` →
// `{entity}`, `Lookup` → `{keyword}`, `Finish` → `{answer}`; WebShop's
// `search[…]` → `{query}`, `click[…]` → `{target}`; the raw action kept), the
// observation its result. The environment's `Invalid action…` fails the call.
// WebShop's `think[…]` is the model's text, not a call (the harness answers it
// `OK.` without the environment); its `reset` is the harness's, its page the
// instruction. A reply the notebook could not split (`ohh...`) is a model
// call of its own, with no action, before the call that gave the action.
//
// Outcome: the question runs' info dict (`em` the success, `reward`, the rest
// kept as `react.*`); WebShop's score (success at 1.0), or 0 for an episode
// that ran out of steps, as the harness counted it. The notebook's code names
// the model (`model="text-davinci-002"`): taken when the code names exactly one.
// No times are printed (one second per message, said).
import type { Message } from '../../types.ts';
import { outcomeFrom } from '../conventions.ts';
import { wideHash, type RecordSource } from '../identity.ts';
import { isObject } from '../values.ts';
import { RecordError, type InputFormat } from './common.ts';
import { buildConversation, type Turn } from './conversation.ts';
import { WIKI_ARGUMENTS, parseAction } from './react-actions.ts';
import { parsePrintedRuns, type PrintedRun } from './react-printout.ts';
import { parsePrintedChat } from './autogen-printout.ts';
import { parseConsoleRun } from './agentchat-console.ts';
import { normalizeMultiAgentChat } from './multi-agent-chat.ts';

const WEBSHOP_ARGUMENTS: Readonly<Record<string, string>> = { search: 'query', click: 'target' };
const INVALID = /^\s*Invalid action/;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
}
interface Cell {
  cell_type: string;
  source?: string | string[];
  outputs?: Output[];
}

const isText = (v: unknown): v is string | string[] | undefined => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * The notebook's cells, checked field by field (this module runs in the isolate, where no schema
 * library is bundled): the first field that is not what nbformat writes is named in the error.
 */
function notebookCells(r: Record<string, unknown>): Cell[] {
  const fail = (where: string, what: string) => new RecordError(`Jupyter notebook: ${where}: ${what}`);
  if (!Array.isArray(r.cells)) throw fail('cells', 'not a list');
  return r.cells.map((cell: unknown, i) => {
    if (!isObject(cell) || typeof cell.cell_type !== 'string') throw fail(`cells[${i}]`, 'not a cell (no cell_type)');
    if (!isText(cell.source)) throw fail(`cells[${i}].source`, 'not text or a list of text lines');
    if (cell.outputs !== undefined && !Array.isArray(cell.outputs)) throw fail(`cells[${i}].outputs`, 'not a list');
    const outputs = (cell.outputs ?? []).map((o: unknown, j: number) => {
      if (!isObject(o) || typeof o.output_type !== 'string') throw fail(`cells[${i}].outputs[${j}]`, 'not an output (no output_type)');
      if (!isText(o.text)) throw fail(`cells[${i}].outputs[${j}].text`, 'not text or a list of text lines');
      return { output_type: o.output_type, name: typeof o.name === 'string' ? o.name : undefined, text: o.text };
    });
    return { cell_type: cell.cell_type, source: cell.source, outputs };
  });
}

const joined = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join('') : (t ?? ''));

/** What a code cell printed to stdout, its stream outputs in order. */
function printed(cell: Cell): string {
  if (cell.cell_type !== 'code') return '';
  return (cell.outputs ?? [])
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => joined(o.text))
    .join('');
}

/** The model the notebook's code calls, when it names exactly one. */
function modelInCode(cells: Cell[]): string | null {
  const names = new Set<string>();
  for (const c of cells) if (c.cell_type === 'code') for (const m of joined(c.source).matchAll(/\bmodel\s*=\s*["']([^"'\s]+)["']/g)) names.add(m[1]!);
  return names.size === 1 ? [...names][0]! : null;
}

function toolResult(id: string, observation: string | null): Turn | null {
  if (observation === null) return null;
  const content = observation.trimEnd();
  return { message: { role: 'tool', content, toolCallId: id }, ...(INVALID.test(content) ? { failed: true } : {}) };
}

function questionTurns(run: PrintedRun, traceId: string): Turn[] {
  const turns: Turn[] = [{ message: { role: 'user', content: run.task.trim() } }];
  run.steps.forEach((s, i) => {
    if (s.unparsed !== null) turns.push({ message: { role: 'assistant', content: s.unparsed.trim() }, attributes: { 'react.unparsed_reply': true } });
    const message: Message = { role: 'assistant', content: s.unparsed !== null ? '' : (s.thought ?? '').trim() };
    if (s.action === null) {
      turns.push({ message });
      return;
    }
    const id = `${traceId}:step-${i + 1}`;
    const a = parseAction(s.action.trim(), WIKI_ARGUMENTS);
    message.toolCalls = [{ id, name: a.name, arguments: a.args }];
    turns.push({ message, rawArguments: [s.action.trimEnd()] }, toolResult(id, s.observation)!);
  });
  return turns.filter((t) => t !== null);
}

function webshopTurns(run: PrintedRun, traceId: string): Turn[] {
  const turns: Turn[] = [];
  run.steps.forEach((s, i) => {
    const action = (s.action ?? '').trim();
    if (i === 0 && action === 'reset') {
      turns.push({ message: { role: 'user', content: (s.observation ?? '').trim() } });
      return;
    }
    // A thought the token limit cut off has no closing bracket.
    const think = /^think\[([\s\S]*?)\]?$/.exec(action);
    if (think !== null) {
      turns.push({ message: { role: 'assistant', content: think[1]! } });
      return;
    }
    const id = `${traceId}:step-${i}`;
    const a = parseAction(action, WEBSHOP_ARGUMENTS);
    turns.push({ message: { role: 'assistant', content: '', toolCalls: [{ id, name: a.name, arguments: a.args }] }, rawArguments: [s.action ?? ''] });
    const result = toolResult(id, s.observation);
    if (result !== null) turns.push(result);
  });
  return turns;
}

function runSpans(run: PrintedRun, traceId: string, model: string | null) {
  const info = run.info ?? {};
  const attributes: Record<string, unknown> = { 'react.layout': run.layout };
  for (const k in info) attributes[`react.${k}`] = info[k];
  if (run.rewardFrom !== null) attributes['react.reward_from'] = run.rewardFrom;
  const success = typeof info.em === 'number' ? info.em === 1 : undefined;
  return buildConversation({
    traceId,
    turns: run.layout === 'webshop' ? webshopTurns(run, traceId) : questionTurns(run, traceId),
    agentName: 'ReAct',
    model,
    taskId: run.taskId,
    outcome: outcomeFrom(success, run.reward, undefined),
    attributes,
  });
}

/** The runs one cell printed: its ReAct runs, else its AutoGen conversation (two or more messages). */
function cellSpans(text: string, file: string, c: number, model: string | null) {
  const runs = parsePrintedRuns(text);
  if (runs.length > 0) return runs.flatMap((run, k) => runSpans(run, `react-notebook:${file}#cell-${c}:${k}`, model));
  const chat = parsePrintedChat(text);
  if (chat.length >= 2) return normalizeMultiAgentChat({ id: `autogen-notebook:${file}#cell-${c}`, history: chat });
  const team = parseConsoleRun(text);
  if (team.messages.length < 2) return [];
  const reasons = team.finishReasons.length > 0 ? { finish_reasons: team.finishReasons } : {};
  return normalizeMultiAgentChat({ id: `agentchat-notebook:${file}#cell-${c}`, history: team.messages, ...reasons });
}

export function normalizeNotebook(r: Record<string, unknown>, at?: RecordSource) {
  const cells = notebookCells(r);
  const model = modelInCode(cells);
  const file = at?.file ?? wideHash(JSON.stringify(r));
  const spans = cells.flatMap((cell, c) => cellSpans(printed(cell), file, c, model));
  if (spans.length === 0) throw new RecordError('Jupyter notebook: no agent run in its printed output (expected ReAct runs: `<index> Claim: …` or `Question: …` then `Thought 1:` / `Action 1:` / `Observation 1:`, or WebShop\'s `Action: reset` episodes; or an AutoGen conversation: `<sender> (to <recipient>):` messages, or AgentChat\'s `---------- <source> ----------` console)');
  return spans;
}

export const notebook: InputFormat = {
  name: 'notebook',
  sniff: (r) => Array.isArray(r.cells) && typeof r.nbformat === 'number',
  normalize: (r, _pool, at) => ({ format: 'notebook', spans: normalizeNotebook(r, at), wholeTrace: true }),
};
