// ChatDev 1.x run logs (OpenBMB/ChatDev, `WareHouse/<project>/<project>.log`):
// the plain-text log a ChatDev run writes, one run per file. The reader hands
// the whole text over as `{chatdev_log: text}` (text-logs.ts).
//
// A run is a chain of phases (DemandAnalysis, Coding, CodeReviewComment,
// TestErrorSummary, …). Each phase is a role-play between two agents (Chief
// Executive Officer, Programmer, Code Reviewer, Software Test Engineer, …)
// and ends with a "Seminar Conclusion"; between phases the framework writes
// code files and runs the software (its "Test Reports").
//
// Every log entry starts `[YYYY-DD-MM HH:MM:SS LEVEL] ` (ChatDev writes the
// day before the month). Mapping:
//   - the run → root span (kind agent, `ChatDev`), input: the task prompt;
//   - `System: **[chatting]**` (a phase's parameter table) → a chain span named
//     for the phase, open until its `**[Seminar Conclusion]**` (its output);
//     its `[RolePlaying]` table and the `[Execute Detail]` before it are
//     attributes; the `[Start Chat]` prompt is its input;
//   - `Speaker: **A<->B on : Phase, turn N**` → an llm span of that speaker's
//     model (agentName = speaker), tokens from the `[OpenAI_Usage_Info
//     Receive]` blocks since the previous turn. ChatDev logs the OTHER role's
//     system prompt in brackets before the reply: kept as an attribute;
//   - an OpenAI API error (`error_code=… error_message='…'`) or a `…, retrying
//     in N seconds...` warning → a failed llm call, owned by the speaker of the
//     phase's next turn (the call that was being retried);
//   - `**[Test Reports]**` (the framework ran the software) → a tool span,
//     failed unless the report says it ran without errors;
//   - `**[CMD Execute]**` `[CMD] <command>` (the framework itself installing
//     the module a test report said was missing: `pip install <module>`, the
//     import's name) → a tool call the harness made (`tool.requestor:
//     harness`), no model's; ChatDev logs no output for it;
//   - every other entry (`[Update Codes]`, `[Software Info]`, …) → a span of
//     kind other with the entry's text, so nothing is dropped. The web
//     visualizer's "flask app.py did not start" notices are only counted.
// Times are the log's own, to the second.
import type { Span } from '../../types.ts';
import { CHATDEV_LOG_KEY } from '../text-logs.ts';
import { str } from '../values.ts';
import { traceIdentity, type RecordSource } from '../identity.ts';
import { RecordError, finishSpan, newSpan, setHint, setTokens, type InputFormat } from './common.ts';

type Dict = Record<string, unknown>;

const ENTRY = /^\[(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]+)\] /gm;
const TURN = /^(.+?): \*\*(.+?)<->(.+?) on : (.+?), turn (\d+)\*\*\n/;
const START_CHAT = /^(.+?): \*\*\[Start Chat\]\*\*\n/;
const MARKER = /^\*\*\[([^\]\n]+)\]\*\*:?/;
const TABLE_ROW = /^\| \*\*(.+?)\*\* \| (.*) \|$/gm;
const API_ERROR = /^error_code=(\S+) error_message='([\s\S]*?)' error_param=(\S+) error_type=(\S+) message='([\s\S]*?)' stream_error=(\S+)/;
const RETRYING = /, retrying in [\d.]+ seconds\.\.\.\s*$/;
const USAGE = /(prompt_tokens|completion_tokens|total_tokens|num_prompt_tokens|num_max_completion_tokens): (\d+)/g;
const VISUALIZER_NOTICE = 'flask app.py did not start for online log';
const TEST_PASSED = /run successfully without errors/i;
const TEST_FAILED = /Traceback \(most recent call last\)|\b\w*(?:Error|Exception)\b|error occurred|failed/i;

interface Entry {
  time: number;
  level: string;
  body: string;
}

function entriesOf(raw: string): { entries: Entry[]; preamble: string } {
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw; // logs written on Windows
  const heads = [...text.matchAll(ENTRY)];
  if (heads.length === 0) throw new RecordError('ChatDev log has no `[date time LEVEL]` entries');
  // Day and month order: ChatDev writes `%Y-%d-%m`; the run's `**Timestamp**` (YYYYMMDDHHMMSS) settles it.
  const stamp = /\*\*Timestamp\*\*: (\d{4})(\d{2})(\d{2})/.exec(text);
  const first = heads[0]!;
  const dayFirst = stamp !== null ? first[2] === stamp[3] && first[3] === stamp[2] : Number(first[2]) > 12;
  const entries: Entry[] = [];
  for (let i = 0; i < heads.length; i++) {
    const h = heads[i]!;
    // A few entries of some logs come from another logger that writes `%Y-%m-%d`: a month past 12 says so.
    let [day, month] = dayFirst ? [h[2]!, h[3]!] : [h[3]!, h[2]!];
    if (Number(month) > 12) [day, month] = [month, day];
    const time = Date.UTC(Number(h[1]), Number(month) - 1, Number(day), Number(h[4]), Number(h[5]), Number(h[6]));
    const from = h.index! + h[0].length;
    const to = i + 1 < heads.length ? heads[i + 1]!.index! : text.length;
    entries.push({ time, level: h[7]!, body: text.slice(from, to).replace(/\s+$/, '') });
  }
  return { entries, preamble: text.slice(0, first.index!).trim() };
}

/** `| **key** | value |` rows of a parameter table. */
function tableOf(body: string): Dict {
  const out: Dict = {};
  for (const m of body.matchAll(TABLE_ROW)) out[m[1]!] = m[2]!;
  return out;
}

/** `[<system prompt>]\n\n<message>` → both parts (the prompt may itself hold brackets). */
function bracketed(rest: string): { system: string | null; message: string } {
  const s = rest.replace(/^\s+/, '');
  if (!s.startsWith('[')) return { system: null, message: s };
  const end = s.indexOf(']\n\n');
  if (end === -1) return { system: null, message: s };
  return { system: s.slice(1, end), message: s.slice(end + 3) };
}

/** `**key**: value` lines of the preprocessing entry. */
function preprocessing(body: string): Dict {
  const out: Dict = {};
  for (const m of body.matchAll(/^\*\*([\w ]+)\*\*: (.*)$/gm)) out[m[1]!] = m[2]!;
  return out;
}

function modelOf(modelType: unknown): string | null {
  const m = str(modelType);
  return m === null ? null : m.replace(/^ModelType\./, '');
}

export function normalizeChatDev(r: Dict, at?: RecordSource): Span[] {
  const text = str(r[CHATDEV_LOG_KEY]);
  if (text === null) throw new RecordError(`ChatDev log record has no \`${CHATDEV_LOG_KEY}\` text`);
  const { entries, preamble } = entriesOf(text);
  const pre = preprocessing(entries[0]!.body);
  const project = str(pre.project_name);
  const traceId = traceIdentity(r, { prefix: 'chatdev', composite: [project, str(pre.Timestamp)] }, at);
  const rootId = `${traceId}:run`;
  const root = newSpan(traceId, rootId, 'ChatDev');
  root.kind = 'agent';
  root.agentName = 'ChatDev';
  root.startTime = entries[0]!.time;
  root.endTime = entries[entries.length - 1]!.time;
  root.input = str(pre.task_prompt);
  const rootAttrs: Dict = { 'chatdev.preprocessing': entries[0]!.body };
  for (const k in pre) rootAttrs[`chatdev.${k}`] = pre[k];
  if (preamble !== '') rootAttrs['chatdev.preamble'] = preamble;
  root.attributes = rootAttrs;
  setHint(root, 'taskId', project);
  setHint(root, 'agentName', 'ChatDev');

  const spans: Span[] = [root];
  let n = 0;
  const span = (name: string, e: Entry, parent: Span): Span => {
    const s = newSpan(traceId, `${traceId}:${n++}`, name);
    s.parentId = parent.spanId;
    s.startTime = e.time;
    s.endTime = e.time;
    s.attributes = { 'log.level': e.level };
    spans.push(s);
    return s;
  };

  // Open phases, outermost first: a phase is open from its [chatting] table to
  // its Seminar Conclusion; a self-reflection chat (phase `Reflection`) runs
  // inside the phase it reflects on, which concludes after it.
  const open: { span: Span; model: string | null }[] = [];
  let pendingDetail: string[] = [];
  let callStart: number | null = null; // the first `Usage_Info Send` since the last turn
  let lastStep = entries[0]!.time; // the last entry that was not a model call's bookkeeping
  let usage = { prompt: 0, completion: 0, total: 0, calls: 0 };
  let unowned: Span[] = []; // failed calls waiting for the turn they were retrying
  let awaitingNotice: Span | null = null; // an API error whose `retrying` warning comes next
  let notices = 0;

  const closePhase = (end: number) => {
    const top = open.pop();
    if (top === undefined) return;
    top.span.endTime = end;
    for (const f of unowned) f.name = 'OpenAI API call';
    unowned = [];
  };

  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!;
    const body = e.body;
    const phase = open.length > 0 ? open[open.length - 1]!.span : null;
    const phaseModel = open.length > 0 ? open[open.length - 1]!.model : null;
    const parent = phase ?? root;
    if (body === VISUALIZER_NOTICE) {
      notices++;
      continue;
    }
    let m: RegExpExecArray | null;
    if (body.startsWith('System: **[chatting]**')) {
      const table = tableOf(body);
      const name = str(table.phase_name) ?? 'phase';
      if (name !== 'Reflection') while (open.length > 0) closePhase(e.time);
      const p = span(name, e, open.length > 0 ? open[open.length - 1]!.span : root);
      p.kind = 'chain';
      for (const k in table) p.attributes[`chatdev.phase.${k}`] = table[k];
      if (pendingDetail.length > 0) p.attributes['chatdev.execute_detail'] = pendingDetail.join('\n');
      pendingDetail = [];
      open.push({ span: p, model: modelOf(table.model_type) });
      awaitingNotice = null;
      lastStep = e.time;
      continue;
    }
    if (body.startsWith('System: **[RolePlaying]**') && phase !== null) {
      const table = tableOf(body);
      for (const k in table) phase.attributes[`chatdev.roleplay.${k}`] = table[k];
      continue;
    }
    if ((m = TURN.exec(body)) !== null) {
      const speaker = m[1]!;
      const { system, message } = bracketed(body.slice(m[0].length));
      const s = span(speaker, e, parent);
      s.kind = 'llm';
      s.agentName = speaker;
      s.model = phase !== null ? phaseModel : null;
      s.startTime = callStart ?? lastStep;
      // The attempt that got this reply came after the failed ones it retried: it starts after the last of them.
      for (const f of unowned) s.startTime = Math.max(s.startTime, f.startTime);
      s.output = message;
      s.messages = [{ role: 'assistant', content: message, name: speaker }];
      s.status = 'ok';
      Object.assign(s.attributes, { 'chatdev.pair': `${m[2]}<->${m[3]}`, 'chatdev.phase': m[4], 'chatdev.turn': Number(m[5]) });
      if (system !== null) s.attributes['chatdev.logged_system_message'] = system;
      if (usage.calls > 0) {
        setTokens(s, usage.prompt, usage.completion, usage.total);
        s.attributes['chatdev.llm_calls'] = usage.calls;
      }
      for (const f of unowned) {
        f.name = speaker;
        f.agentName = speaker;
      }
      unowned = [];
      usage = { prompt: 0, completion: 0, total: 0, calls: 0 };
      callStart = null;
      awaitingNotice = null;
      lastStep = e.time;
      continue;
    }
    if ((m = START_CHAT.exec(body)) !== null && phase !== null && phase.input === null) {
      const { system, message } = bracketed(body.slice(m[0].length));
      phase.input = message;
      lastStep = e.time;
      phase.attributes['chatdev.start_chat.speaker'] = m[1];
      if (system !== null) phase.attributes['chatdev.start_chat.system_message'] = system;
      continue;
    }
    if (body.startsWith('**[OpenAI_Usage_Info Send]**')) {
      callStart ??= e.time;
      continue;
    }
    if (body.startsWith('**[OpenAI_Usage_Info Receive]**')) {
      const u: Dict = {};
      for (const x of body.matchAll(USAGE)) u[x[1]!] = Number(x[2]);
      usage.prompt += (u.prompt_tokens as number) ?? 0;
      usage.completion += (u.completion_tokens as number) ?? 0;
      usage.total += (u.total_tokens as number) ?? 0;
      usage.calls++;
      continue;
    }
    if (body.startsWith('**[Execute Detail]**')) {
      pendingDetail.push(body.replace(/^\*\*\[Execute Detail\]\*\*\s*/, ''));
      continue;
    }
    if (body.startsWith('**[Seminar Conclusion]**') && phase !== null) {
      phase.output = body.replace(/^\*\*\[Seminar Conclusion\]\*\*:?\s*/, '');
      closePhase(e.time);
      lastStep = e.time;
      continue;
    }
    if ((m = API_ERROR.exec(body)) !== null || (e.level !== 'INFO' && RETRYING.test(body) && !(awaitingNotice !== null && body.startsWith(awaitingNotice.error!.message)))) {
      // A failed call to the model; ChatDev retries it (for an API error, the next entry says so).
      const s = span('OpenAI API call', e, parent);
      s.kind = 'llm';
      s.model = phase !== null ? phaseModel : null;
      s.output = body;
      s.error = m !== null ? { type: m[1]!, message: m[2]! } : { type: null, message: body.replace(RETRYING, '') };
      if (m !== null) Object.assign(s.attributes, { 'error.param': m[3], 'error.kind': m[4], 'error.api_message': m[5], 'error.stream_error': m[6] });
      if (phase !== null) unowned.push(s);
      awaitingNotice = m !== null ? s : null;
      continue;
    }
    if (awaitingNotice !== null && RETRYING.test(body)) {
      awaitingNotice.attributes['chatdev.retry_notice'] = body;
      awaitingNotice = null;
      continue;
    }
    lastStep = e.time;
    const marker = MARKER.exec(body);
    const name = marker !== null ? marker[1]! : body.split('\n', 1)[0]!.slice(0, 80);
    const s = span(name, e, parent);
    s.output = marker !== null ? body.slice(marker[0].length).trim() : body;
    const command = name === 'CMD Execute' ? /^\[CMD\] ([^\n]+)/m.exec(s.output as string)?.[1]?.trim() : undefined;
    if (command) {
      // ChatDev runs this itself, named from the error: no model wrote it.
      s.kind = 'tool';
      s.tool = { name: 'CMD Execute', arguments: { command }, result: null };
      s.attributes['tool.requestor'] = 'harness';
    } else if (name === 'Test Reports') {
      // The framework ran the software it wrote: a tool call whose result is the run's report.
      const report = s.output as string;
      s.tool = { name: 'Test Reports', arguments: null, result: report };
      s.kind = 'tool';
      if (TEST_PASSED.test(report)) s.status = 'ok';
      else if (TEST_FAILED.test(report)) {
        const line = report.split('\n').reverse().find((l) => TEST_FAILED.test(l) && !/^\s*File "/.test(l)) ?? report.split('\n')[0]!;
        s.error = { type: /^\s*(\w+(?:Error|Exception))\b/.exec(line)?.[1] ?? null, message: line.trim().slice(0, 500) };
      }
    }
  }
  while (open.length > 0) closePhase(root.endTime);
  for (const s of spans) finishSpan(s);
  if (notices > 0) rootAttrs['chatdev.visualizer_notices'] = notices;
  const post = spans.filter((s) => s.name === 'Post Info').pop();
  root.output = post?.output ?? null;
  return spans;
}

export const chatDev: InputFormat = {
  name: 'chatdev',
  sniff: (r) => typeof r[CHATDEV_LOG_KEY] === 'string',
  normalize: (r, _pool, at) => ({ format: 'chatdev', spans: normalizeChatDev(r, at), wholeTrace: true }),
};
