// What the three adapters (Chat Completions, Responses, Messages) share about
// replies that real servers get wrong: a stream cut off before its closing
// event, a server that answers a streaming request with one JSON body or with
// no events at all, a server that reports no usage, and conversations that
// must never carry an empty assistant turn.
import { StreamError, type ChatMessage, type GenerateRequest, type ProviderWarning, type Usage } from './types.ts';
import { approxTokens } from './mock.ts';

/**
 * The conversation as it may be sent: assistant turns with no text are left
 * out (Anthropic answers 400 to one, and a refused turn is not worth
 * replaying), and what that leaves adjacent in one role is joined, so roles
 * still alternate.
 */
export function sendableMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (m.role === 'assistant' && m.content.trim() === '') continue;
    const prev = out[out.length - 1];
    if (prev && prev.role === m.role && !prev.reasoning?.length && !m.reasoning?.length) {
      out[out.length - 1] = { ...prev, content: `${prev.content}\n\n${m.content}` };
    } else out.push(m);
  }
  return out;
}

/** A stream that ended without its closing event: not a reply, so its code never runs; retried. */
export function cutOffStream(closing: string): StreamError {
  return new StreamError(`the stream ended before its closing event (${closing}): the reply is incomplete`, { connectionError: true, name: 'IncompleteStream' });
}

/**
 * The server answered a streaming request without streaming (a JSON body, or
 * a stream with no events). The adapter then asks without streaming.
 */
export class NotStreaming extends Error {
  constructor(readonly why: string) {
    super(`the server did not stream: ${why}`);
    this.name = 'NotStreaming';
  }
}

/** Checks the response of a streaming request before its events are read. */
export function expectEventStream(response: Response): void {
  const type = response.headers.get('content-type') ?? '';
  if (!/text\/event-stream/i.test(type)) throw new NotStreaming(`it answered with ${type ? `content type ${type.split(';')[0]}` : 'no content type'}`);
}

/**
 * One adapter's way of sending a request: streamed, until the server shows it
 * does not stream (NotStreaming); from then on, for good, without streaming,
 * with a warning the first time.
 */
export function streamingOrPlain<B, R>(
  streamed: (body: B, signal: AbortSignal | undefined) => Promise<R>,
  plain: (body: B, signal: AbortSignal | undefined) => Promise<R>,
): (body: B, signal: AbortSignal | undefined, warnings: ProviderWarning[]) => Promise<R> {
  let streaming = true;
  return async (body, signal, warnings) => {
    if (streaming) {
      try {
        return await streamed(body, signal);
      } catch (error) {
        if (!(error instanceof NotStreaming)) throw error;
        streaming = false;
        warnings.push({ type: 'other', message: `the server did not stream (${error.why}); its replies are requested without streaming from now on` });
      }
    }
    return plain(body, signal);
  };
}

/** Token counts from characters (4 a token) when the server reports none, so budgets still move. */
export function estimatedUsage(req: Pick<GenerateRequest, 'system' | 'messages'>, replyText: string): Usage {
  const input = approxTokens((req.system ?? '') + req.messages.map((m) => m.content).join(''));
  return { inputTokens: input, outputTokens: approxTokens(replyText) };
}

export const NO_USAGE_WARNING: ProviderWarning = {
  type: 'other',
  message: 'the server reported no token usage; tokens are estimated from characters (4 a token) so the token and dollar budgets still move',
};
