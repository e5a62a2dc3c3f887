// An AutoGen 0.2 / AG2 conversation as its agents print it to the console
// (and so into a notebook cell's output), parsed into the chat history
// AutoGen itself keeps: `{name, role, content, tool_calls?}` per message.
//
//   user_proxy (to assistant):          ← sender and recipient (ANSI colours stripped)
//   <blank>
//   <the message>
//   ----------…---------- (80 dashes)   ← end of the message
//
// A tool call the model suggests is a block in its message
// (`***** Suggested tool call (<id>): <name> *****`, `Arguments:`, the JSON,
// a rule of stars; older versions: `Suggested function call: <name>`), the
// result a block in the executor's reply (`***** Response from calling tool
// (<id>) *****` or `…function "<name>" *****`, the text, a rule of stars).
// AutoGen prints the executor's header once empty before the reply that
// holds the result: an empty message is dropped. Lines between messages
// (`>>>>>>>> EXECUTING CODE BLOCK 0…`, `Next speaker: …`, warnings) are the
// framework's, not a message.

export type Dict = Record<string, unknown>;

export interface PrintedMessage {
  name: string;
  recipient: string;
  role: 'assistant' | 'tool';
  content: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_responses?: { tool_call_id: string; role: 'tool'; content: string }[];
}

const ANSI = /\x1b\[[0-9;]*m/g;
const HEADER = /^(\S[^\n]*?) \(to ([^\n]+?)\):\s*$/;
const END = /^-{80}\s*$/;
const STARS = /^\*{10,}\s*$/;
const CALL = /^\*{5} Suggested (?:tool call \(([^)]*)\)|function call): (\S+) \*{5,}\s*$/i;
const RESPONSE = /^\*{5} Response from calling (?:tool \(([^)]*)\)|function (?:\(([^)]*)\)|"([^"]*)")) \*{5,}\s*$/i;

/** Every message printed in `text`, in order; [] when it holds no AutoGen conversation. */
export function parsePrintedChat(text: string): PrintedMessage[] {
  const out: PrintedMessage[] = [];
  let open: { name: string; recipient: string; lines: string[] } | null = null;
  // `ended`: the message's closing rule was printed (an empty reply then is a real, empty turn).
  const close = (ended: boolean) => {
    if (open !== null) {
      const m = message(open.name, open.recipient, open.lines, out.length, ended);
      if (m !== null) out.push(m);
    }
    open = null;
  };
  for (const raw of text.replace(ANSI, '').split(/\r?\n/)) {
    const h = HEADER.exec(raw);
    if (h !== null) {
      close(false);
      open = { name: h[1]!, recipient: h[2]!, lines: [] };
    } else if (END.test(raw)) close(true);
    else if (open !== null) (open as { lines: string[] }).lines.push(raw);
  }
  close(false);
  joinFunctionResults(out);
  return out;
}

/** A function result names its function, not a call: it answers the latest unanswered call of that name. */
function joinFunctionResults(messages: PrintedMessage[]): void {
  const pending: { id: string; name: string }[] = [];
  for (const m of messages) {
    for (const c of m.tool_calls ?? []) pending.push({ id: c.id, name: c.function.name });
    for (const r of m.tool_responses ?? []) {
      const byName = r.tool_call_id.startsWith('function:') ? r.tool_call_id.slice('function:'.length) : null;
      const at = pending.findLastIndex((p) => (byName !== null ? p.name === byName : p.id === r.tool_call_id));
      if (at < 0) continue;
      r.tool_call_id = pending[at]!.id;
      pending.splice(at, 1);
    }
  }
}

/** One message from its body lines; null when it is empty and unfinished (AutoGen's blank header before a tool reply). */
function message(name: string, recipient: string, lines: string[], index: number, ended: boolean): PrintedMessage | null {
  const body: string[] = [];
  const calls: NonNullable<PrintedMessage['tool_calls']> = [];
  const responses: NonNullable<PrintedMessage['tool_responses']> = [];
  for (let i = 0; i < lines.length; i++) {
    const call = CALL.exec(lines[i]!);
    const response = call === null ? RESPONSE.exec(lines[i]!) : null;
    if (call === null && response === null) {
      body.push(lines[i]!);
      continue;
    }
    const block: string[] = [];
    for (i++; i < lines.length && !STARS.test(lines[i]!); i++) block.push(lines[i]!);
    if (call !== null) {
      const args = block.join('\n').replace(/^Arguments:\s*\n?/, '');
      calls.push({ id: call[1] ?? `printed-${index}-${calls.length}`, type: 'function', function: { name: call[2]!, arguments: args.trim() } });
    } else {
      // A function result names the function, not a call: it answers the latest call of that name.
      responses.push({ tool_call_id: response![1] ?? response![2] ?? `function:${response![3]}`, role: 'tool', content: block.join('\n').trim() });
    }
  }
  const content = body.join('\n').trim();
  if (!ended && content === '' && calls.length === 0 && responses.length === 0) return null;
  const m: PrintedMessage = { name, recipient, role: responses.length > 0 ? 'tool' : 'assistant', content };
  if (calls.length > 0) m.tool_calls = calls;
  if (responses.length > 0) m.tool_responses = responses;
  return m;
}
