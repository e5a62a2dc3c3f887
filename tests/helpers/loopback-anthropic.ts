// A loopback server speaking Anthropic's messages wire protocol
// (POST /v1/messages), with scripted replies.
import { contentText, startLoopback, type FaultPlan, type LoopbackServer, type Script, type WireProtocol } from './scripted-models.ts';

let seq = 0;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const ANTHROPIC: WireProtocol = {
  provider: 'anthropic',
  path: '/v1/messages',
  basePath: '',
  parse(body) {
    return {
      model: String(body.model),
      system: contentText(body.system ?? ''),
      messages: ((body.messages ?? []) as { role: string; content: unknown }[]).map((m) => ({ role: m.role, content: contentText(m.content) })),
      maxTokens: body.max_tokens,
    };
  },
  ok(req, r) {
    const stop = r.refusal ? 'refusal' : r.finishReason === 'length' ? 'max_tokens' : 'end_turn';
    return {
      id: `msg_${++seq}`,
      type: 'message',
      role: 'assistant',
      model: req.model,
      content: r.refusal ? [] : [{ type: 'text', text: r.text }],
      stop_reason: stop,
      stop_sequence: null,
      usage: { input_tokens: r.usage.input, output_tokens: r.usage.output },
    };
  },
  error(status, message) {
    return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
  },
};

export function startAnthropicServer(script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  return startLoopback(ANTHROPIC, script, faults);
}
