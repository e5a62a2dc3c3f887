// An AutoGen AgentChat (0.4+) team run as its `Console` prints it (and so into
// a notebook cell's output), parsed into a chat history of
// `{name, role, content, tool_calls?, tool_responses?}` like AutoGen 0.2's.
//
//   ---------- TextMessage (planner) ----------   ← message type and source (older: `---------- planner ----------`)
//   <the message, up to the next rule>
//   [Prompt tokens: 119, Completion tokens: 14]   ← the model call's usage, when printed
//
// A tool request prints as the Python repr of its calls
// (`[FunctionCall(id='call_…', arguments='{"q": "x"}', name='search')]`), the
// execution as `[FunctionExecutionResult(content='…', name=…, call_id='call_…',
// is_error=False)]`; both are read field by field. `---------- Summary ----------`
// closes a `run_stream` (message count, finish reason, tokens, duration): the
// console's, not a message; its finish reasons are kept.

import { parsePythonLiteral } from '../python-literal.ts';

type Dict = Record<string, unknown>;

export interface ConsoleMessage {
  name: string;
  role: 'assistant' | 'tool';
  content: string;
  type?: string;
  prompt_tokens?: number;
  completion_tokens?: number;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_responses?: { tool_call_id: string; role: 'tool'; content: string; is_error?: boolean }[];
}

export interface ConsoleRun {
  messages: ConsoleMessage[];
  /** Each `run_stream`'s `Finish reason:` from its summary, in order. */
  finishReasons: string[];
}

const HEADER = /^-{10} (?:([A-Za-z]+) \((.+)\)|(.+?)) -{10}\s*$/;
const USAGE = /^\[Prompt tokens: (\d+), Completion tokens: (\d+)\]\s*$/;

/** The messages `text` prints; none when it holds no AgentChat console output. */
export function parseConsoleRun(text: string): ConsoleRun {
  const messages: ConsoleMessage[] = [];
  const finishReasons: string[] = [];
  let open: { type: string | null; source: string; lines: string[] } | null = null;
  const close = () => {
    if (open === null) return;
    if (open.source === 'Summary' && open.type === null) {
      for (const l of open.lines) if (l.startsWith('Finish reason: ')) finishReasons.push(l.slice('Finish reason: '.length).trim());
    } else messages.push(message(open.type, open.source, open.lines));
    open = null;
  };
  for (const line of text.split(/\r?\n/)) {
    const h = HEADER.exec(line);
    if (h !== null) {
      close();
      open = { type: h[1] ?? null, source: h[2] ?? h[3]!, lines: [] };
    } else if (open !== null) (open as { lines: string[] }).lines.push(line);
  }
  close();
  return { messages, finishReasons };
}

function message(type: string | null, source: string, lines: string[]): ConsoleMessage {
  const body = [...lines];
  const m: ConsoleMessage = { name: source, role: 'assistant', content: '' };
  if (type !== null) m.type = type;
  // The usage line closes the message it belongs to (blank lines may follow it).
  while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
  const usage = body.length > 0 ? USAGE.exec(body[body.length - 1]!) : null;
  if (usage !== null) {
    body.pop();
    m.prompt_tokens = Number(usage[1]);
    m.completion_tokens = Number(usage[2]);
  }
  const content = body.join('\n').trim();
  const calls = content.startsWith('[FunctionCall(') ? reprObjects(content, 'FunctionCall') : null;
  const results = calls === null && content.startsWith('[FunctionExecutionResult(') ? reprObjects(content, 'FunctionExecutionResult') : null;
  if (calls !== null) {
    m.tool_calls = calls.map((c, i) => ({ id: str(c.id) ?? `${source}-${i}`, type: 'function', function: { name: str(c.name) ?? 'tool', arguments: str(c.arguments) ?? '' } }));
  } else if (results !== null) {
    m.role = 'tool';
    m.tool_responses = results.map((r) => ({ tool_call_id: str(r.call_id) ?? '', role: 'tool', content: str(r.content) ?? '', ...(typeof r.is_error === 'boolean' ? { is_error: r.is_error } : {}) }));
  } else m.content = content;
  return m;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * `[Name(key='v', key2=True), Name(…)]` as a list of field maps; null when the text is not exactly that
 * (a message whose text merely starts so stays text).
 */
function reprObjects(text: string, name: string): Dict[] | null {
  const out: Dict[] = [];
  let i = 1;
  for (;;) {
    if (!text.startsWith(`${name}(`, i)) return null;
    i += name.length + 1;
    const fields: Dict = {};
    while (text[i] !== ')') {
      const key = /^([A-Za-z_]\w*)=/.exec(text.slice(i, i + 64));
      if (key === null) return null;
      i += key[0].length;
      const end = valueEnd(text, i);
      if (end < 0) return null;
      const value = parsePythonLiteral(text.slice(i, end));
      if (value === undefined) return null;
      fields[key[1]!] = value;
      i = end;
      if (text.startsWith(', ', i)) i += 2;
      else if (text[i] !== ')') return null;
    }
    out.push(fields);
    i++;
    if (text.startsWith(', ', i)) i += 2;
    else return text.slice(i).trim() === ']' ? out : null;
  }
}

/** Where the Python literal starting at `i` ends: a quoted string (escapes honoured), else up to `,` or `)`. */
function valueEnd(text: string, i: number): number {
  const q = text[i];
  if (q === "'" || q === '"') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === q) return j + 1;
    }
    return -1;
  }
  const m = /^[^,)]*/.exec(text.slice(i))!;
  return i + m[0].length;
}
