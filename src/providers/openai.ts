// OpenAI chat completions through the official SDK, streamed. Any
// OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenRouter) works
// through baseURL. Reasoning models on OpenAI's own endpoint go through the
// Responses API instead (openai-responses.ts), which keeps their reasoning
// across turns.
import OpenAI from 'openai';
import type { FinishReason, GenerateRequest, GenerateResult, LanguageModel, ProviderWarning, Usage } from './types.ts';
import { unsupportedFeature } from './retry.ts';
import { idleGuard } from './idle.ts';
import { connectionErrorMarker, DEFAULT_IDLE_TIMEOUT_MS, sdkClientOptions, type SdkModelOptions } from './sdk-options.ts';
import { idleTimeoutFor, isReasoningModel } from './openai-responses.ts';
import { cutOffStream, estimatedUsage, expectEventStream, NO_USAGE_WARNING, NotStreaming, sendableMessages, streamingOrPlain } from './replies.ts';

export interface OpenAIModelOptions extends SdkModelOptions {
  /** Send `response_format: json_schema` when a request carries a schema (default true). */
  structuredOutputs?: boolean;
}

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
};

/** Usage as Chat Completions reports it: prompt_tokens includes the cached ones. */
export function chatUsage(u: OpenAI.CompletionUsage | null | undefined): Usage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  const reasoning = u?.completion_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: u?.prompt_tokens ?? 0,
    outputTokens: u?.completion_tokens ?? 0,
    ...(cached ? { cachedInputTokens: cached } : {}),
    ...(reasoning ? { reasoningTokens: reasoning } : {}),
  };
}

export function createOpenAIModel(opts: OpenAIModelOptions): LanguageModel {
  const idleMs = idleTimeoutFor(opts.model, opts.timeoutMs);
  const client = new OpenAI(sdkClientOptions({ ...opts, timeoutMs: idleMs }));
  // The official endpoint wants max_completion_tokens, and so do reasoning
  // models anywhere (Azure rejects max_tokens for them); other compatible
  // servers widely understand only max_tokens.
  const tokenField = opts.baseURL && !isReasoningModel(opts.model) ? 'max_tokens' : 'max_completion_tokens';
  // Turned off for good once the server says it does not support json_schema
  // (older compatible servers); the prompt still states the schema.
  let structured = opts.structuredOutputs !== false;
  let structuredRejected = false;
  const send = streamingOrPlain<OpenAI.Chat.ChatCompletionCreateParamsStreaming, StreamedChat>(
    (body, signal) => streamChat(client, body, signal, idleMs),
    (body, signal) => plainChat(client, body, signal),
  );

  return {
    provider: 'openai',
    modelId: opts.model,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const warnings: ProviderWarning[] = [];
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
      if (req.system) messages.push({ role: 'system', content: req.system });
      for (const m of sendableMessages(req.messages)) messages.push({ role: m.role, content: m.content });
      const body: OpenAI.Chat.ChatCompletionCreateParamsStreaming = {
        model: opts.model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      };
      if (req.maxOutputTokens !== undefined) (body as unknown as Record<string, unknown>)[tokenField] = req.maxOutputTokens;
      if (req.temperature !== undefined) body.temperature = req.temperature;
      if (req.cacheKey) body.prompt_cache_key = req.cacheKey;
      if (req.reasoningEffort !== undefined) body.reasoning_effort = req.reasoningEffort as OpenAI.ReasoningEffort;
      if (req.schema && structured) {
        body.response_format = { type: 'json_schema', json_schema: { name: 'reply', schema: req.schema, strict: false } };
      }
      let res: StreamedChat;
      try {
        res = await send(body, req.signal, warnings);
      } catch (error) {
        if (!body.response_format || !unsupportedFeature(error, /response_format|json_schema|structured/i)) throw error;
        structured = false;
        structuredRejected = true;
        delete body.response_format;
        res = await send(body, req.signal, warnings);
      }
      if (req.schema && structuredRejected) {
        warnings.push({ type: 'unsupported-setting', setting: 'structured output', details: 'the server rejected json_schema replies; the schema is stated in the prompt and replies are checked' });
      }
      if (!res.usage) warnings.push(NO_USAGE_WARNING);
      return {
        text: res.text,
        usage: res.usage ? chatUsage(res.usage) : estimatedUsage(req, res.text + res.refusal),
        finishReason: res.refusal ? 'refusal' : (FINISH[res.finish ?? ''] ?? 'other'),
        ...(res.refusal ? { refusal: res.refusal } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    },
  };
}

interface StreamedChat {
  text: string;
  refusal: string;
  finish: string | null;
  usage: OpenAI.CompletionUsage | null;
}

async function streamChat(client: OpenAI, body: OpenAI.Chat.ChatCompletionCreateParamsStreaming, signal: AbortSignal | undefined, idleMs = DEFAULT_IDLE_TIMEOUT_MS): Promise<StreamedChat> {
  const guard = idleGuard(idleMs, signal);
  const out: StreamedChat = { text: '', refusal: '', finish: null, usage: null };
  let events = 0;
  try {
    const { data: stream, response } = await client.chat.completions.create(body, { signal: guard.signal }).withResponse();
    try {
      expectEventStream(response);
    } catch (error) {
      stream.controller.abort();
      throw error;
    }
    for await (const chunk of stream) {
      guard.touch();
      events++;
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) out.text += choice.delta.content;
      if (choice?.delta?.refusal) out.refusal += choice.delta.refusal;
      if (choice?.finish_reason) out.finish = choice.finish_reason;
      if (chunk.usage) out.usage = chunk.usage;
    }
  } catch (error) {
    markConnectionError(guard.explain(error));
  }
  guard.done();
  if (events === 0) throw new NotStreaming('the stream held no events');
  // Only a finish_reason closes a reply; without one it was cut off.
  if (out.finish === null) throw cutOffStream('a finish_reason');
  return out;
}

/** The same request without streaming, for servers that do not stream. */
async function plainChat(client: OpenAI, streamingBody: OpenAI.Chat.ChatCompletionCreateParamsStreaming, signal: AbortSignal | undefined): Promise<StreamedChat> {
  const { stream: _s, stream_options: _o, ...rest } = streamingBody;
  let r: OpenAI.Chat.ChatCompletion;
  try {
    r = await client.chat.completions.create({ ...rest, stream: false }, { signal });
  } catch (error) {
    markConnectionError(error);
  }
  const choice = r!.choices?.[0];
  if (!choice?.finish_reason) throw cutOffStream('a finish_reason');
  return { text: choice.message?.content ?? '', refusal: choice.message?.refusal ?? '', finish: choice.finish_reason, usage: r!.usage ?? null };
}

const markConnectionError = connectionErrorMarker(OpenAI.APIConnectionError, OpenAI.APIConnectionTimeoutError);
