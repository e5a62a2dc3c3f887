// A loopback server speaking OpenAI's chat completions wire protocol
// (POST /v1/chat/completions), plain or streamed, with scripted replies and
// usage reported the way the API does (cached prompt tokens, reasoning tokens).
import { chunks, contentText, startLoopback, type FaultPlan, type LoopbackServer, type Script, type WireProtocol, type WireReply } from './scripted-models.ts';

let seq = 0;

function usage(r: WireReply) {
  return {
    prompt_tokens: r.usage.input,
    completion_tokens: r.usage.output,
    total_tokens: r.usage.input + r.usage.output,
    prompt_tokens_details: { cached_tokens: r.usage.cachedRead },
    completion_tokens_details: { reasoning_tokens: r.reasoningTokens },
  };
}

/** An error body as OpenAI's APIs (chat completions and responses) send it. */
export function openaiError(status: number, message: string) {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: type } };
}

const finish = (r: WireReply) => (r.finishReason === 'length' ? 'length' : (r.finishReason ?? 'stop'));

const OPENAI: WireProtocol = {
  provider: 'openai',
  path: '/v1/chat/completions',
  basePath: '/v1',
  parse(body) {
    const msgs = (body.messages ?? []) as { role: string; content: unknown }[];
    return {
      model: String(body.model),
      system: msgs.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => contentText(m.content)).join('\n'),
      messages: msgs.filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => ({ role: m.role, content: contentText(m.content) })),
      maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    };
  },
  ok(req, r) {
    return {
      id: `chatcmpl-${++seq}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: req.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: r.refusal ? null : r.text, refusal: r.refusal ?? null },
          finish_reason: finish(r),
          logprobs: null,
        },
      ],
      usage: usage(r),
    };
  },
  stream(req, r) {
    const id = `chatcmpl-${++seq}`;
    const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: req.model };
    const events: { data: unknown }[] = [{ data: { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] } }];
    if (r.refusal) events.push({ data: { ...base, choices: [{ index: 0, delta: { refusal: r.refusal }, finish_reason: null }] } });
    else for (const c of chunks(r.text)) events.push({ data: { ...base, choices: [{ index: 0, delta: { content: c }, finish_reason: null }] } });
    events.push({ data: { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish(r) }] } });
    if (req.body.stream_options?.include_usage) events.push({ data: { ...base, choices: [], usage: usage(r) } });
    events.push({ data: '[DONE]' });
    return events;
  },
  error: openaiError,
  // The finish_reason chunk, the usage chunk and [DONE] close a stream.
  cut: (events) => events.filter((e) => typeof e.data !== 'string' && !(e.data as any).usage && !(e.data as any).choices?.some((c: any) => c.finish_reason)),
  // What OpenAI-compatible servers send when they fail mid-stream: a chunk with only an error.
  streamError: (kind) => ({
    data: kind === 'overloaded' ? { error: { message: 'The server is overloaded, please try again', type: 'server_error', code: null } } : { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' } },
  }),
  cachePrefixes: () => 'auto',
};

export function startOpenAIServer(script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  return startLoopback(OPENAI, script, faults);
}
