// OpenAI chat completions through the official SDK. Any OpenAI-compatible
// server (vLLM, Ollama, llama.cpp server, OpenRouter) works through baseURL.
import OpenAI from 'openai';
import type { FinishReason, GenerateRequest, GenerateResult, LanguageModel } from './types.ts';
import { unsupportedFeature } from './retry.ts';
import { connectionErrorMarker, sdkClientOptions, type SdkModelOptions } from './sdk-options.ts';

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

export function createOpenAIModel(opts: OpenAIModelOptions): LanguageModel {
  const client = new OpenAI(sdkClientOptions(opts));
  // The official endpoint wants max_completion_tokens (reasoning models reject
  // max_tokens); compatible servers widely understand only max_tokens.
  const tokenField = opts.baseURL ? 'max_tokens' : 'max_completion_tokens';
  // Turned off for good once the server says it does not support json_schema
  // (older compatible servers); the prompt still states the schema.
  let structured = opts.structuredOutputs !== false;

  return {
    provider: 'openai',
    modelId: opts.model,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
      if (req.system) messages.push({ role: 'system', content: req.system });
      for (const m of req.messages) messages.push({ role: m.role, content: m.content });
      const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = { model: opts.model, messages };
      if (req.maxOutputTokens !== undefined) (body as unknown as Record<string, unknown>)[tokenField] = req.maxOutputTokens;
      if (req.temperature !== undefined) body.temperature = req.temperature;
      if (req.reasoningEffort !== undefined) body.reasoning_effort = req.reasoningEffort;
      if (req.schema && structured) {
        body.response_format = { type: 'json_schema', json_schema: { name: 'reply', schema: req.schema, strict: false } };
      }
      let res: OpenAI.Chat.ChatCompletion;
      try {
        res = await client.chat.completions.create(body, { signal: req.signal });
      } catch (error) {
        if (!body.response_format || !unsupportedFeature(error, /response_format|json_schema|structured/i)) markConnectionError(error);
        structured = false;
        delete body.response_format;
        res = await client.chat.completions.create(body, { signal: req.signal }).catch(markConnectionError);
      }
      const choice = res.choices?.[0];
      const refusal = choice?.message?.refusal ?? undefined;
      return {
        text: choice?.message?.content ?? '',
        usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
        finishReason: refusal ? 'refusal' : (FINISH[choice?.finish_reason ?? ''] ?? 'other'),
        ...(refusal ? { refusal } : {}),
        raw: res,
      };
    },
  };
}

const markConnectionError = connectionErrorMarker(OpenAI.APIConnectionError, OpenAI.APIConnectionTimeoutError);
