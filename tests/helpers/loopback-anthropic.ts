// A loopback server speaking Anthropic's messages wire protocol
// (POST /v1/messages), plain or streamed, with scripted replies. It honours
// cache_control breakpoints like the API: usage splits input into uncached,
// cache-read and cache-write tokens.
import {
  chunks,
  contentText,
  promptText,
  startLoopback,
  type FaultPlan,
  type LoopbackServer,
  type Script,
  type WireProtocol,
  type WireReply,
} from './scripted-models.ts';

let seq = 0;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function usage(r: WireReply) {
  return {
    input_tokens: r.usage.input - r.usage.cachedRead - r.usage.cacheWrite,
    output_tokens: r.usage.output,
    cache_read_input_tokens: r.usage.cachedRead,
    cache_creation_input_tokens: r.usage.cacheWrite,
  };
}

const stopReason = (r: WireReply) => (r.refusal ? 'refusal' : r.finishReason === 'length' ? 'max_tokens' : 'end_turn');

const marked = (content: unknown) => Array.isArray(content) && content.some((b) => b && typeof b === 'object' && 'cache_control' in b);

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
    return {
      id: `msg_${++seq}`,
      type: 'message',
      role: 'assistant',
      model: req.model,
      content: r.refusal ? [] : [{ type: 'text', text: r.text }],
      stop_reason: stopReason(r),
      stop_sequence: null,
      usage: usage(r),
    };
  },
  stream(req, r) {
    const id = `msg_${++seq}`;
    const u = usage(r);
    const events: { event: string; data: unknown }[] = [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: { id, type: 'message', role: 'assistant', model: req.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...u, output_tokens: 1 } },
        },
      },
    ];
    if (!r.refusal) {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } });
      for (const c of chunks(r.text)) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: c } } });
      events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } });
    }
    events.push(
      { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: stopReason(r), stop_sequence: null }, usage: { output_tokens: u.output_tokens } } },
      { event: 'message_stop', data: { type: 'message_stop' } },
    );
    return events;
  },
  error(status, message) {
    return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
  },
  cut: (events) => events.filter((e) => e.event !== 'message_delta' && e.event !== 'message_stop'),
  // The Messages API's `error` event (e.g. overloaded_error while the model is busy).
  streamError: (kind) => ({
    event: 'error',
    data: { type: 'error', error: kind === 'overloaded' ? { type: 'overloaded_error', message: 'Overloaded' } : { type: 'rate_limit_error', message: 'Rate limited' } },
  }),
  // As the API does: every message needs content, except an optional final assistant one.
  reject(body) {
    const msgs = (body.messages ?? []) as { role: string; content: unknown }[];
    const bad = msgs.findIndex((m, i) => contentText(m.content).trim() === '' && !(i === msgs.length - 1 && m.role === 'assistant'));
    return bad >= 0 ? `messages.${bad}: all messages must have non-empty content except for the optional final assistant message` : null;
  },
  hourPrefixes(body, parsed) {
    const hourly = (content: unknown) => Array.isArray(content) && content.some((b) => b?.cache_control?.ttl === '1h');
    const out: string[] = [];
    if (hourly(body.system)) out.push(promptText({ system: parsed.system, messages: [] }));
    ((body.messages ?? []) as { content: unknown }[]).forEach((m, i) => {
      if (hourly(m.content)) out.push(promptText({ system: parsed.system, messages: parsed.messages.slice(0, i + 1) }));
    });
    return out;
  },
  cachePrefixes(body, parsed) {
    const prefixes: string[] = [];
    if (marked(body.system)) prefixes.push(promptText({ system: parsed.system, messages: [] }));
    const msgs = (body.messages ?? []) as { content: unknown }[];
    msgs.forEach((m, i) => {
      if (marked(m.content)) prefixes.push(promptText({ system: parsed.system, messages: parsed.messages.slice(0, i + 1) }));
    });
    return prefixes;
  },
};

export function startAnthropicServer(script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  return startLoopback(ANTHROPIC, script, faults);
}
