// Anthropic messages through the official SDK.
import Anthropic from '@anthropic-ai/sdk';
import type { FinishReason, GenerateRequest, GenerateResult, LanguageModel } from './types.ts';
import { unsupportedFeature } from './retry.ts';
import { connectionErrorMarker, sdkClientOptions, type SdkModelOptions } from './sdk-options.ts';

export interface AnthropicModelOptions extends SdkModelOptions {
  /** Send `output_config.format` when a request carries a schema (default true). */
  structuredOutputs?: boolean;
}

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'refusal',
  tool_use: 'tool_calls',
};

/** Anthropic requires max_tokens on every request. */
const DEFAULT_MAX_TOKENS = 8192;

export function createAnthropicModel(opts: AnthropicModelOptions): LanguageModel {
  const client = new Anthropic(sdkClientOptions(opts));
  // Off for good once the API says this model does not support it; the prompt still states the schema.
  let structured = opts.structuredOutputs !== false;
  return {
    provider: 'anthropic',
    modelId: opts.model,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model: opts.model,
        max_tokens: req.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
        messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      };
      if (req.system) body.system = req.system;
      // This SDK's types no longer list temperature; send it only when the user asked for one.
      if (req.temperature !== undefined) (body as unknown as Record<string, unknown>).temperature = req.temperature;
      const outputConfig: Anthropic.OutputConfig = {};
      if (req.reasoningEffort !== undefined && req.reasoningEffort !== 'none' && req.reasoningEffort !== 'minimal') {
        outputConfig.effort = req.reasoningEffort;
      }
      if (req.schema && structured) outputConfig.format = { type: 'json_schema', schema: req.schema };
      if (Object.keys(outputConfig).length) body.output_config = outputConfig;

      let res: Anthropic.Message;
      try {
        res = await client.messages.create(body, { signal: req.signal });
      } catch (error) {
        if (!outputConfig.format || !unsupportedFeature(error, /output_config|output_format|json_schema|structured/i)) markConnectionError(error);
        structured = false;
        delete outputConfig.format;
        if (!Object.keys(outputConfig).length) delete body.output_config;
        res = await client.messages.create(body, { signal: req.signal }).catch(markConnectionError);
      }
      const text = res.content
        .filter((b): b is Anthropic.TextBlock => b.type === 'text')
        .map((b) => b.text)
        .join('');
      const finishReason = FINISH[res.stop_reason ?? ''] ?? 'other';
      return {
        text,
        usage: { inputTokens: res.usage?.input_tokens ?? 0, outputTokens: res.usage?.output_tokens ?? 0 },
        finishReason,
        ...(finishReason === 'refusal' ? { refusal: text || 'refused' } : {}),
        raw: res,
      };
    },
  };
}

const markConnectionError = connectionErrorMarker(Anthropic.APIConnectionError, Anthropic.APIConnectionTimeoutError);
