// A loopback server speaking OpenAI's Responses wire protocol (POST
// /v1/responses), plain or streamed. A scripted reply can spend reasoning
// tokens: they come back as a reasoning item with encrypted content (the
// stateless `store: false` pattern), count toward the output cap, and can use
// it up so the response ends incomplete with no text.
import { openaiError } from './loopback-openai.ts';
import { chunks, contentText, startLoopback, type FaultPlan, type LoopbackServer, type Script, type WireProtocol, type WireReply } from './scripted-models.ts';

let seq = 0;

function usage(r: WireReply) {
  return {
    input_tokens: r.usage.input,
    input_tokens_details: { cached_tokens: r.usage.cachedRead },
    output_tokens: r.usage.output,
    output_tokens_details: { reasoning_tokens: r.reasoningTokens },
    total_tokens: r.usage.input + r.usage.output,
  };
}

function response(req: { model: string; index: number }, r: WireReply, status: 'in_progress' | 'final') {
  const id = `resp_${req.index}`;
  const output: unknown[] = [];
  if (status === 'final') {
    if (r.reasoningTokens) output.push({ type: 'reasoning', id: `rs_${req.index}`, summary: [], encrypted_content: `enc:${req.index}` });
    if (r.text || r.refusal) {
      output.push({
        type: 'message',
        id: `msg_${req.index}`,
        role: 'assistant',
        status: 'completed',
        content: r.refusal ? [{ type: 'refusal', refusal: r.refusal }] : [{ type: 'output_text', text: r.text, annotations: [] }],
      });
    }
  }
  const incomplete = r.finishReason === 'length';
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model: req.model,
    status: status === 'in_progress' ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    incomplete_details: status === 'final' && incomplete ? { reason: 'max_output_tokens' } : null,
    error: null,
    output,
    usage: status === 'final' ? usage(r) : null,
  };
}

const RESPONSES: WireProtocol = {
  provider: 'openai',
  path: '/v1/responses',
  basePath: '/v1',
  parse(body) {
    const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : ((body.input ?? []) as { type?: string; role?: string; content?: unknown }[]);
    return {
      model: String(body.model),
      system: String(body.instructions ?? ''),
      messages: input
        .filter((i) => (i.type === undefined || i.type === 'message') && (i.role === 'user' || i.role === 'assistant'))
        .map((i) => ({ role: i.role!, content: contentText(i.content) })),
      maxTokens: body.max_output_tokens ?? undefined,
    };
  },
  ok(req, r) {
    return response(req, r, 'final');
  },
  stream(req, r) {
    let n = 0;
    const ev = (type: string, rest: Record<string, unknown>) => ({ event: type, data: { type, sequence_number: n++, ...rest } });
    const final = response(req, r, 'final');
    const events = [ev('response.created', { response: response(req, r, 'in_progress') })];
    (final.output as { type: string; id: string }[]).forEach((item, i) => {
      events.push(ev('response.output_item.added', { output_index: i, item: { ...item, ...(item.type === 'message' ? { content: [] } : {}) } }));
      if (item.type === 'message' && r.text) {
        for (const c of chunks(r.text)) events.push(ev('response.output_text.delta', { item_id: item.id, output_index: i, content_index: 0, delta: c, logprobs: [] }));
      }
      events.push(ev('response.output_item.done', { output_index: i, item }));
    });
    events.push(ev(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final }));
    return events;
  },
  error: openaiError,
  cut: (events) => events.filter((e) => e.event !== 'response.completed' && e.event !== 'response.incomplete'),
  // The Responses API's `error` event (overloaded), or `response.failed` for a rate limit.
  streamError: (kind, n) =>
    kind === 'overloaded'
      ? { event: 'error', data: { type: 'error', code: 'server_is_overloaded', message: 'The server is overloaded', param: null, sequence_number: n } }
      : {
          event: 'response.failed',
          data: { type: 'response.failed', sequence_number: n, response: { id: 'resp_failed', object: 'response', status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limit reached' }, output: [], usage: null } },
        },
  cachePrefixes: () => 'auto',
};

export function startResponsesServer(script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  return startLoopback(RESPONSES, script, faults);
}
