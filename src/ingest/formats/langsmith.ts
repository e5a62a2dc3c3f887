// LangSmith runs: `id`, `trace_id`, `run_type`, `parent_run_id`,
// `dotted_order`, `inputs`/`outputs`, `error`, `extra.metadata`, token and
// cost fields. Timestamps without a zone are UTC.
import type { Message, Span } from '../../types.ts';
import { applyConventions } from '../conventions.ts';
import { flattenInto, isObject, num, str, toMs } from '../values.ts';
import { RecordError, errorFrom, finishSpan, kindFromWord, newSpan, setTokens, setToolArguments, toMessage, type InputFormat } from './common.ts';

type Dict = Record<string, unknown>;

// Scalar run fields kept as attributes under `langsmith.*`.
const KEEP = ['run_type', 'status', 'dotted_order', 'session_id', 'session_name', 'reference_example_id'];

/** dotted_order = "<time>Z<root-run-id>.<time>Z<child-id>..." → the root run id. */
function traceIdFromDottedOrder(d: unknown): string | null {
  if (typeof d !== 'string') return null;
  const first = d.split('.', 1)[0]!;
  const z = first.indexOf('Z');
  return z >= 0 && z + 1 < first.length ? first.slice(z + 1) : null;
}

/** LangChain serialized messages ({lc, id: [..., 'HumanMessage'], kwargs}) or plain chat messages. */
function lcMessage(m: unknown): Message | null {
  if (!isObject(m)) return null;
  if (isObject(m.kwargs)) {
    const k = m.kwargs;
    const cls = Array.isArray(m.id) ? String(m.id[m.id.length - 1] ?? '') : '';
    const role = str(k.type) ?? (cls.startsWith('Human') ? 'user' : cls.startsWith('AI') ? 'assistant' : cls.startsWith('System') ? 'system' : cls.startsWith('Tool') ? 'tool' : 'unknown');
    return toMessage({ ...k, role: role === 'human' ? 'user' : role === 'ai' ? 'assistant' : role });
  }
  if (typeof m.type === 'string' && m.role === undefined) return toMessage({ ...m, role: m.type === 'human' ? 'user' : m.type === 'ai' ? 'assistant' : m.type });
  return toMessage(m);
}

function messagesOf(v: unknown, out: Message[]): void {
  if (!Array.isArray(v)) return;
  for (const m of v) {
    if (Array.isArray(m)) messagesOf(m, out);
    else {
      const msg = lcMessage(m);
      if (msg !== null) out.push(msg);
    }
  }
}

export function normalizeLangSmith(r: Dict): Span[] {
  const id = str(r.id);
  if (id === null) throw new RecordError('LangSmith run missing id');
  const parentId = str(r.parent_run_id);
  const traceId = str(r.trace_id) ?? traceIdFromDottedOrder(r.dotted_order) ?? (parentId === null ? id : null);
  if (traceId === null) throw new RecordError(`LangSmith run ${id} has a parent but no trace_id or dotted_order`);
  const runType = str(r.run_type) ?? 'chain';
  const span = newSpan(traceId, id, str(r.name) ?? runType);
  span.parentId = parentId;
  const start = toMs(r.start_time);
  if (start === null) throw new RecordError(`LangSmith run ${id}: start_time missing or not a timestamp`);
  span.startTime = start;
  const end = toMs(r.end_time);
  span.endTime = end ?? start;
  span.kind = kindFromWord(runType) ?? 'other';

  span.error = errorFrom(r.error);
  if (span.error !== null || r.status === 'error') span.status = 'error';
  else if (end !== null || r.status === 'success') span.status = 'ok';

  const inputs = r.inputs ?? null;
  const outputs = r.outputs ?? null;
  span.input = inputs;
  span.output = outputs;
  const extra = isObject(r.extra) ? r.extra : null;
  const metadata = extra !== null && isObject(extra.metadata) ? extra.metadata : null;
  const invocation = extra !== null && isObject(extra.invocation_params) ? extra.invocation_params : null;

  if (span.kind === 'llm') {
    span.model = str(invocation?.model) ?? str(invocation?.model_name) ?? str(metadata?.ls_model_name) ?? str(r.model);
    const llmOut = isObject(outputs) && isObject(outputs.llm_output) ? outputs.llm_output : null;
    const usage = isObject(llmOut?.token_usage) ? (llmOut!.token_usage as Dict) : isObject(outputs) && isObject(outputs.usage_metadata) ? outputs.usage_metadata : null;
    setTokens(
      span,
      num(r.prompt_tokens) ?? num(usage?.prompt_tokens) ?? num(usage?.input_tokens),
      num(r.completion_tokens) ?? num(usage?.completion_tokens) ?? num(usage?.output_tokens),
      num(r.total_tokens) ?? num(usage?.total_tokens),
    );
    const msgs: Message[] = [];
    if (isObject(inputs)) messagesOf(inputs.messages, msgs);
    if (isObject(outputs) && Array.isArray(outputs.generations)) {
      for (const g of outputs.generations.flat()) if (isObject(g) && g.message !== undefined) messagesOf([g.message], msgs);
    }
    if (msgs.length > 0) span.messages = msgs;
  } else if (r.total_tokens !== undefined || r.prompt_tokens !== undefined) {
    setTokens(span, num(r.prompt_tokens), num(r.completion_tokens), num(r.total_tokens));
  }
  span.costUsd = num(r.total_cost);

  if (span.kind === 'tool') {
    // Tools take one string `input` (often JSON) or keyword inputs.
    const args = isObject(inputs) && Object.keys(inputs).length === 1 && 'input' in inputs ? inputs.input : inputs;
    const result = isObject(outputs) && 'output' in outputs ? outputs.output : outputs;
    setToolArguments(span, span.name, args, result);
  }

  const attrs: Dict = {};
  for (const k of KEEP) if (r[k] !== undefined && r[k] !== null) attrs['langsmith.' + k] = r[k];
  if (Array.isArray(r.tags) && r.tags.length > 0) attrs['tags'] = r.tags;
  if (extra !== null) flattenInto(attrs, 'extra', extra);
  if (isObject(r.feedback_stats)) flattenInto(attrs, 'feedback_stats', r.feedback_stats);
  span.attributes = attrs;
  if (metadata !== null) {
    const flat: Dict = {};
    flattenInto(flat, '', metadata);
    applyConventions(span, flat, true);
  }
  return [finishSpan(span)];
}

export const langsmith: InputFormat = {
  name: 'langsmith',
  sniff: (r) => 'run_type' in r,
  normalize: (r) => ({ format: 'langsmith', spans: normalizeLangSmith(r) }),
};
