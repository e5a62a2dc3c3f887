// Aider chat histories (`.aider.chat.history.md`; the AI Scientist keeps one
// per idea as `<idea>_aider.txt`): Aider, a coding agent that edits files with
// SEARCH/REPLACE blocks, writes each session as Markdown. The reader hands the
// whole file over as `{aider_chat: text}` (text-logs.ts); one file is one run.
// - `# aider chat started at <date time>` opens a session (kept as
//   `aider.chat_started`; later sessions in the file stay in the run).
// - `#### ` lines are what the user (or the program driving Aider) sent: a
//   user message. Lines quoted `> ` are Aider's console: its token report
//   (`N prompt tokens, M completion tokens, $X cost`, printed before the reply
//   it counts: that reply's tokens and cost), the edits it applied, the linter
//   output it asks the model to fix, the edit-format errors it sends back.
//   Every other line is the model's reply. Markdown's two trailing spaces are
//   dropped from user and console lines.
// - A reply whose edits Aider acted on (its console after the reply applies an
//   edit or reports an edit error), or that holds SEARCH/REPLACE blocks, makes
//   one `edit` call (`{files, blocks}`: the file named before each block);
//   the console output after the reply is its result. The call fails when
//   Aider could not apply it: the reply broke the edit format ("The LLM did not
//   conform to the edit format", type `edit_format`) or a SEARCH block matched
//   no lines (`SearchReplaceNoExactMatch`, type `no_match`). Lint errors after
//   an applied edit are part of a result that succeeded (`aider.lint_errors`),
//   and "Only N reflections allowed, stopping." marks Aider giving up
//   (`aider.reflections_exhausted`). Console output with no edit to answer is
//   a user message named `aider`. Console output that opens `Unexpected error:`
//   is Aider reporting a model call that raised (a provider's rate limit): a
//   failed llm span with no reply, error type the exception's name.
// - The history records no model, outcome or times (the session start only):
//   runs say `halo.synthetic_time: true`.
// - Trace id `aider:<file name>` (no folder: the id must not change with the
//   path given); task id the file name less `_aider.txt` / `.txt` / `.md`.
import type { Message, Span, ToolCall } from '../../types.ts';
import type { RecordSource } from '../identity.ts';
import { AIDER_CHAT_KEY } from '../text-logs.ts';
import { str } from '../values.ts';
import { RecordError, type InputFormat } from './common.ts';
import { buildConversation, type Turn } from './conversation.ts';

type Dict = Record<string, unknown>;
type Kind = 'user' | 'console' | 'reply';

const STARTED = /^# aider chat started at (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\s*$/;
const TOKENS = /^([\d,.]+k?) prompt tokens, ([\d,.]+k?) (?:completion|received) tokens?(?:, \$([\d.]+) cost)?/;
const SEARCH = /^<{5,9} SEARCH\s*$/;
const APPLIED = /^Applied edit to (.+?)\s*$/;
const FORMAT_ERROR = /did not conform to the edit format/;
const NO_MATCH = /SearchReplaceNoExactMatch|SEARCH block failed to exactly match|SEARCH\/REPLACE blocks? failed to match/;
const EDIT_TALK = /^(?:Applied edit to |The LLM did not conform to the edit format|# \d+ SEARCH\/REPLACE blocks? failed to match|The REPLACE lines are already in |Allow creation of new file |Allow edits to )/;
const LINT = /^# Fix any errors below/;
// Aider's report of a model call that raised (`Unexpected error: litellm.RateLimitError: AnthropicException - …`).
const MODEL_ERROR = /^Unexpected error: ([\w.]+)?/;
const REFLECTIONS = /^Only \d+ reflections allowed, stopping\./;

interface Block {
  kind: Kind;
  lines: string[];
}

/** A quoted line's text: Markdown's hard-break spaces dropped. */
const unquote = (line: string, prefix: RegExp): string => line.replace(prefix, '').replace(/ {2}$/, '');

function blocks(text: string): { blocks: Block[]; started: string[] } {
  const out: Block[] = [];
  const started: string[] = [];
  let cur: Block | null = null;
  let blank = 0;
  const push = (kind: Kind, line: string) => {
    if (cur !== null && cur.kind === kind && (blank === 0 || kind === 'reply')) {
      for (; blank > 0; blank--) cur.lines.push('');
      cur.lines.push(line);
    } else {
      cur = { kind, lines: [line] };
      out.push(cur);
    }
    blank = 0;
  };
  for (const raw of text.split(/\r?\n/)) {
    const m = STARTED.exec(raw);
    if (m !== null) {
      started.push(m[1]!);
      cur = null;
      blank = 0;
      continue;
    }
    // `>>>>>>> REPLACE` and `#####` headings are the reply's own: Aider's prefixes are followed by a space.
    if (raw === '####' || raw.startsWith('#### ')) push('user', unquote(raw, /^#### ?/));
    else if (raw === '>' || raw.startsWith('> ')) push('console', unquote(raw, /^> ?/));
    else if (raw.trim() === '') blank++;
    else push('reply', raw);
  }
  return { blocks: out, started };
}

/** The files a reply's SEARCH/REPLACE blocks name (the line before each block's fence), and how many blocks. */
function editsIn(reply: string[]): { files: string[]; blocks: number } {
  const files: string[] = [];
  let n = 0;
  for (let i = 0; i < reply.length; i++) {
    if (!SEARCH.test(reply[i]!)) continue;
    n++;
    let j = i - 1;
    if (j >= 0 && reply[j]!.startsWith('```')) j--;
    const name = j >= 0 ? reply[j]!.trim() : '';
    if (name !== '' && !name.includes(' ') && !files.includes(name)) files.push(name);
  }
  return { files, blocks: n };
}

const count = (s: string): number => {
  const k = s.endsWith('k');
  const v = Number(s.replace(/[,k]/g, ''));
  return k ? Math.round(v * 1000) : v;
};

function normalizeAider(r: Dict, at?: RecordSource): Span[] {
  const text = str(r[AIDER_CHAT_KEY]);
  if (text === null) throw new RecordError('Aider chat history: no text');
  const { blocks: all, started } = blocks(text);
  const base = at !== undefined ? at.file.slice(at.file.lastIndexOf('/') + 1).replace(/\.gz$/, '') : 'aider';
  const traceId = `aider:${base}`;
  const turns: Turn[] = [];
  let tokens: { input: number; output: number; cost: number | null } | null = null;
  let pending: { id: string; turn: Turn } | null = null;
  // Turns (by index) that are model calls Aider reported as failed.
  const failedCalls = new Map<number, { type: string | null; message: string }>();
  let n = 0;
  // What each model call was sent that the log shows: the messages since the previous reply (a request, Aider's
  // console, edit results). A call that raised keeps them for the next one: with no new request in between, the
  // next call re-sent the same request; with one, it went on to another.
  let since: Message[] = [];

  for (const b of all) {
    if (b.kind === 'user') {
      pending = null;
      const message: Message = { role: 'user', content: b.lines.join('\n').replace(/^\s*\n/, '').trimEnd() };
      turns.push({ message });
      since.push(message);
      continue;
    }
    if (b.kind === 'reply') {
      const content = b.lines.join('\n');
      const message: Message = { role: 'assistant', content };
      const turn: Turn = { message, context: since };
      since = [];
      if (tokens !== null) {
        turn.tokens = { input: tokens.input, output: tokens.output, total: tokens.input + tokens.output };
        if (tokens.cost !== null) turn.cost = tokens.cost;
        tokens = null;
      }
      turns.push(turn);
      const edits = editsIn(b.lines);
      pending = { id: `edit-${n++}`, turn };
      if (edits.blocks > 0) addEdit(turn, pending.id, edits);
      continue;
    }
    // Console: token reports count the next reply; the rest answers the reply before it.
    const said: string[] = [];
    for (const line of b.lines) {
      const t = TOKENS.exec(line);
      if (t !== null) {
        tokens = { input: count(t[1]!), output: count(t[2]!), cost: t[3] !== undefined ? Number(t[3]) : null };
        continue;
      }
      said.push(line);
    }
    while (said.length > 0 && said[said.length - 1]!.trim() === '') said.pop();
    while (said.length > 0 && said[0]!.trim() === '') said.shift();
    if (said.length === 0) continue;
    const out = said.join('\n');
    const raised = MODEL_ERROR.exec(said[0]!);
    if (raised !== null) {
      // No reply came back: a model call that failed, with Aider's report as its error.
      turns.push({ message: { role: 'assistant', content: '' }, context: [...since], attributes: { 'aider.model_error': out } });
      failedCalls.set(turns.length - 1, { type: raised[1] ?? null, message: said[0]!.trim() });
      pending = null;
      continue;
    }
    const aboutEdits = said.some((l) => EDIT_TALK.test(l));
    if (pending !== null && (aboutEdits || pending.turn.message.toolCalls !== undefined)) {
      if (pending.turn.message.toolCalls === undefined) addEdit(pending.turn, pending.id, { files: [], blocks: 0 });
      const result: Turn = { message: { role: 'tool', content: out, toolCallId: pending.id }, attributes: {} };
      const applied = said.map((l) => APPLIED.exec(l)?.[1]).filter((f): f is string => f !== undefined);
      if (applied.length > 0) result.attributes!['aider.applied'] = applied;
      if (said.some((l) => LINT.test(l))) result.attributes!['aider.lint_errors'] = true;
      if (said.some((l) => REFLECTIONS.test(l))) result.attributes!['aider.reflections_exhausted'] = true;
      const format = said.some((l) => FORMAT_ERROR.test(l));
      const noMatch = said.some((l) => NO_MATCH.test(l));
      if (format || noMatch) {
        result.failed = true;
        const first = said.find((l) => FORMAT_ERROR.test(l) || NO_MATCH.test(l))!.trim();
        result.error = { type: format ? 'edit_format' : 'no_match', message: first };
      }
      turns.push(result);
      since.push(result.message);
      pending = null;
    } else {
      const message: Message = { role: 'user', content: out, name: 'aider' };
      turns.push({ message, attributes: { 'aider.console': true } });
      since.push(message);
    }
  }
  if (turns.length === 0) throw new RecordError('Aider chat history: no messages');
  const attributes: Dict = { 'aider.sessions': started.length };
  if (started.length > 0) attributes['aider.chat_started'] = started[0];
  const task = base.replace(/(?:_aider)?\.(?:txt|md)$/, '').replace(/^\.aider\.chat\.history$/, 'aider');
  const spans = buildConversation({ traceId, turns, agentName: 'aider', model: null, taskId: task, attributes });
  // buildConversation numbers llm spans one per assistant turn, in turn order.
  const llmOf: number[] = [];
  turns.forEach((t, i) => {
    if (t.message.role === 'assistant') llmOf.push(i);
  });
  for (const s of spans) {
    const m = /:llm-(\d+)$/.exec(s.spanId);
    const failed = m !== null ? failedCalls.get(llmOf[Number(m[1])]!) : undefined;
    if (failed === undefined) continue;
    s.status = 'error';
    s.error = failed;
    s.statusMessage = failed.message;
  }
  return spans;
}

function addEdit(turn: Turn, id: string, edits: { files: string[]; blocks: number }): void {
  const call: ToolCall = { id, name: 'edit', arguments: { files: edits.files, blocks: edits.blocks } };
  turn.message.toolCalls = [call];
}

export const aiderChat: InputFormat = {
  name: 'aider-chat',
  sniff: (r) => typeof r[AIDER_CHAT_KEY] === 'string',
  normalize: (r, _pool, at) => ({ format: 'aider-chat', spans: normalizeAider(r, at), wholeTrace: true }),
};
