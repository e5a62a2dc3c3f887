// OpenAI reasoning models (o-series, gpt-5) through the Responses API,
// streamed. Chat Completions drops a reasoning model's reasoning between
// turns; here each reply's reasoning items come back encrypted (`store:
// false`, nothing kept on OpenAI's side) and are sent again with the next
// turn, so the model keeps its chain of thought across a conversation.
import OpenAI from 'openai';
import { StreamError, type FinishReason, type GenerateRequest, type GenerateResult, type LanguageModel, type ProviderWarning, type Usage } from './types.ts';
import { transientType, unsupportedFeature } from './retry.ts';
import { cutOffStream, estimatedUsage, expectEventStream, NO_USAGE_WARNING, NotStreaming, sendableMessages, streamingOrPlain } from './replies.ts';
import { idleGuard } from './idle.ts';
import { connectionErrorMarker, DEFAULT_IDLE_TIMEOUT_MS, sdkClientOptions } from './sdk-options.ts';
import type { OpenAIModelOptions } from './openai.ts';

/** Usage as the Responses API reports it: input_tokens includes the cached ones. */
export function responsesUsage(u: OpenAI.Responses.ResponseUsage | null | undefined): Usage {
  const cached = u?.input_tokens_details?.cached_tokens ?? 0;
  const reasoning = u?.output_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: u?.input_tokens ?? 0,
    outputTokens: u?.output_tokens ?? 0,
    ...(cached ? { cachedInputTokens: cached } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
  };
}

/**
 * Models that reason (o-series, gpt-5 and its point releases), whose reasoning
 * the Responses API keeps across turns; not the `-chat` models, which answer
 * directly and reject reasoning options.
 */
export function isReasoningModel(model: string): boolean {
  const name = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  return /^(o\d|gpt-5)/i.test(name) && !/-chat(-|$)/i.test(name);
}

/** A reasoning model may think for minutes before its first visible token: it gets at least this idle timeout. */
export const REASONING_IDLE_TIMEOUT_MS = 10 * 60_000;

/** The idle timeout for a model: the user's, else the default, never below 10 minutes for a reasoning model. */
export function idleTimeoutFor(model: string, timeoutMs: number | undefined): number {
  const base = timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  return isReasoningModel(model) ? Math.max(base, REASONING_IDLE_TIMEOUT_MS) : base;
}

export function createOpenAIResponsesModel(opts: OpenAIModelOptions): LanguageModel {
  const idleMs = idleTimeoutFor(opts.model, opts.timeoutMs);
  const client = new OpenAI(sdkClientOptions({ ...opts, timeoutMs: idleMs }));
  let structured = opts.structuredOutputs !== false;
  let structuredRejected = false;
  const reasoningModel = isReasoningModel(opts.model);
  const send = streamingOrPlain<OpenAI.Responses.ResponseCreateParamsStreaming, StreamedResponse>(
    (body, signal) => streamResponse(client, body, signal, idleMs),
    (body, signal) => plainResponse(client, body, signal),
  );
  return {
    provider: 'openai',
    modelId: opts.model,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const warnings: ProviderWarning[] = [];
      const input: OpenAI.Responses.ResponseInputItem[] = [];
      for (const m of sendableMessages(req.messages)) {
        if (m.role === 'assistant' && m.reasoning?.length) input.push(...(m.reasoning as OpenAI.Responses.ResponseInputItem[]));
        input.push({ role: m.role, content: m.content });
      }
      const body: OpenAI.Responses.ResponseCreateParamsStreaming = {
        model: opts.model,
        input,
        stream: true,
        store: false,
        ...(req.system ? { instructions: req.system } : {}),
        ...(req.maxOutputTokens !== undefined ? { max_output_tokens: req.maxOutputTokens } : {}),
        ...(req.cacheKey ? { prompt_cache_key: req.cacheKey } : {}),
      };
      if (reasoningModel) {
        body.include = ['reasoning.encrypted_content'];
        // Summaries stream while the model thinks: the stream stays alive, and the run log shows them.
        body.reasoning = { summary: 'auto', ...(req.reasoningEffort !== undefined ? { effort: req.reasoningEffort as OpenAI.ReasoningEffort } : {}) };
      }
      if (req.temperature !== undefined) {
        if (reasoningModel) warnings.push({ type: 'unsupported-setting', setting: 'temperature', details: `reasoning models such as ${opts.model} take no temperature` });
        else body.temperature = req.temperature;
      }
      if (req.schema && structured) body.text = { format: { type: 'json_schema', name: 'reply', schema: req.schema, strict: false } };
      let res: StreamedResponse;
      try {
        res = await send(body, req.signal, warnings);
      } catch (error) {
        if (!body.text || !unsupportedFeature(error, /text\.format|json_schema|structured/i)) throw error;
        structured = false;
        structuredRejected = true;
        delete body.text;
        res = await send(body, req.signal, warnings);
      }
      if (req.schema && structuredRejected) {
        warnings.push({ type: 'unsupported-setting', setting: 'structured output', details: 'the server rejected json_schema replies; the schema is stated in the prompt and replies are checked' });
      }
      const r = res.response;
      let text = '';
      let refusal = '';
      const reasoning: unknown[] = [];
      let summary = '';
      for (const item of r.output ?? []) {
        if (item.type === 'reasoning') {
          reasoning.push(item);
          for (const part of item.summary ?? []) summary += `${summary ? '\n' : ''}${part.text}`;
        }
        if (item.type !== 'message') continue;
        for (const part of item.content) {
          if (part.type === 'output_text') text += part.text;
          else if (part.type === 'refusal') refusal += part.refusal;
        }
      }
      const incomplete = r.incomplete_details?.reason;
      const finishReason: FinishReason = refusal
        ? 'refusal'
        : incomplete === 'max_output_tokens'
          ? 'length'
          : incomplete === 'content_filter'
            ? 'content_filter'
            : r.status === 'completed'
              ? 'stop'
              : 'other';
      if (!r.usage) warnings.push(NO_USAGE_WARNING);
      return {
        text,
        usage: r.usage ? responsesUsage(r.usage) : estimatedUsage(req, text + refusal),
        finishReason,
        ...(refusal ? { refusal } : {}),
        ...(reasoning.length ? { reasoning } : {}),
        ...(summary ? { reasoningSummary: summary } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    },
  };
}

interface StreamedResponse {
  response: OpenAI.Responses.Response;
}

/** A failure the server reported as an event; transient ones (overloaded, rate limited, a server fault) are retried. */
function failureEvent(code: unknown, message: string | undefined): StreamError {
  return new StreamError(`the response failed${typeof code === 'string' && code ? ` (${code})` : ''}: ${message ?? 'no message'}`, {
    connectionError: transientType(code) || (typeof message === 'string' && transientType(message)),
    name: 'ResponseFailed',
  });
}

async function streamResponse(client: OpenAI, body: OpenAI.Responses.ResponseCreateParamsStreaming, signal: AbortSignal | undefined, idleMs = DEFAULT_IDLE_TIMEOUT_MS): Promise<StreamedResponse> {
  const guard = idleGuard(idleMs, signal);
  let response: OpenAI.Responses.Response | null = null;
  let events = 0;
  try {
    const { data: stream, response: http } = await client.responses.create(body, { signal: guard.signal }).withResponse();
    try {
      expectEventStream(http);
    } catch (error) {
      stream.controller.abort();
      throw error;
    }
    for await (const ev of stream) {
      guard.touch();
      events++;
      // Only response.completed or response.incomplete closes a reply; text deltas alone never make one.
      if (ev.type === 'response.completed' || ev.type === 'response.incomplete') response = ev.response;
      else if (ev.type === 'response.failed') throw failureEvent(ev.response.error?.code, ev.response.error?.message);
      else if (ev.type === 'error') throw failureEvent(ev.code, ev.message);
    }
  } catch (error) {
    markConnectionError(guard.explain(error));
  }
  guard.done();
  if (events === 0) throw new NotStreaming('the stream held no events');
  if (!response) throw cutOffStream('response.completed or response.incomplete');
  return { response };
}

/** The same request without streaming, for servers that do not stream. */
async function plainResponse(client: OpenAI, streamingBody: OpenAI.Responses.ResponseCreateParamsStreaming, signal: AbortSignal | undefined): Promise<StreamedResponse> {
  const { stream: _s, ...rest } = streamingBody;
  let r: OpenAI.Responses.Response;
  try {
    r = await client.responses.create({ ...rest, stream: false }, { signal });
  } catch (error) {
    markConnectionError(error);
  }
  if (r!.status === 'failed') throw failureEvent(r!.error?.code, r!.error?.message);
  if (r!.status !== 'completed' && r!.status !== 'incomplete') throw cutOffStream(`a completed response, got status ${String(r!.status)}`);
  return { response: r! };
}

const markConnectionError = connectionErrorMarker(OpenAI.APIConnectionError, OpenAI.APIConnectionTimeoutError);
