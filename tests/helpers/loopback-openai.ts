// A loopback server speaking OpenAI's chat completions wire protocol
// (POST /v1/chat/completions), with scripted replies.
import { contentText, startLoopback, type FaultPlan, type LoopbackServer, type Script, type WireProtocol } from './scripted-models.ts';

let seq = 0;

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
          finish_reason: r.finishReason === 'length' ? 'length' : (r.finishReason ?? 'stop'),
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: r.usage.input, completion_tokens: r.usage.output, total_tokens: r.usage.input + r.usage.output },
    };
  },
  error(status, message) {
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    return { error: { message, type, param: null, code: type } };
  },
};

export function startOpenAIServer(script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  return startLoopback(OPENAI, script, faults);
}
