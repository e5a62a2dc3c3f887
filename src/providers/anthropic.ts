// Anthropic messages through the official SDK, streamed. A request that will
// be sent again with more appended (the root loop's conversation) marks cache
// breakpoints on the system prompt and on its last message, so each turn
// reads the previous turn's prefix at a tenth of the input price.
import Anthropic from '@anthropic-ai/sdk';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import type { FinishReason, GenerateRequest, GenerateResult, LanguageModel, ProviderWarning, Usage } from './types.ts';
import { unsupportedFeature } from './retry.ts';
import { idleGuard } from './idle.ts';
import { connectionErrorMarker, DEFAULT_IDLE_TIMEOUT_MS, sdkClientOptions, type SdkModelOptions } from './sdk-options.ts';
import { cutOffStream, estimatedUsage, expectEventStream, NO_USAGE_WARNING, NotStreaming, sendableMessages, streamingOrPlain } from './replies.ts';

export interface AnthropicModelOptions extends SdkModelOptions {
  /** Send `output_config.format` when a request carries a schema (default true). */
  structuredOutputs?: boolean;
  /** Mark cache breakpoints on requests that ask for caching (default true). */
  promptCaching?: boolean;
  /** How long the system prompt's cache entry lives (default '1h'). */
  promptCacheTtl?: '5m' | '1h';
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

const EPHEMERAL = { type: 'ephemeral' } as const;
// The system prompt is the same for the whole run: cached for an hour, a slow
// turn (a long cell, a child analysis) does not find it expired. The moving
// breakpoint on the newest message keeps the 5-minute default.
const EPHEMERAL_HOUR = { type: 'ephemeral', ttl: '1h' } as const;

/**
 * Usage as the Messages API reports it: `input_tokens` counts only what was
 * neither read from nor written to the cache, so the total is the sum.
 */
export function anthropicUsage(u: Partial<Anthropic.Usage> | undefined): Usage {
  const read = u?.cache_read_input_tokens ?? 0;
  const write = u?.cache_creation_input_tokens ?? 0;
  const hour = u?.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    inputTokens: (u?.input_tokens ?? 0) + read + write,
    outputTokens: u?.output_tokens ?? 0,
    ...(read ? { cachedInputTokens: read } : {}),
    ...(write ? { cacheWriteTokens: write } : {}),
    ...(hour ? { cacheWrite1hTokens: hour } : {}),
  };
}

export function createAnthropicModel(opts: AnthropicModelOptions): LanguageModel {
  const client = new Anthropic(sdkClientOptions(opts));
  // Off for good once the API says this model does not support it; the prompt still states the schema.
  const structured = opts.structuredOutputs !== false;
  // Schemas the API refused, by their JSON: each falls back to the prompt on its own, the others keep structured output.
  const rejectedSchemas = new Set<string>();
  const caching = opts.promptCaching !== false;
  const send = streamingOrPlain<Anthropic.MessageCreateParamsStreaming, StreamedMessage>(
    (body, signal) => streamMessage(client, body, signal, opts.timeoutMs),
    (body, signal) => plainMessage(client, body, signal),
  );
  return {
    provider: 'anthropic',
    modelId: opts.model,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      const warnings: ProviderWarning[] = [];
      const cache = caching && req.cache === true;
      const sendable = sendableMessages(req.messages);
      const last = sendable.length - 1;
      const body: Anthropic.MessageCreateParamsStreaming = {
        model: opts.model,
        max_tokens: req.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
        messages: sendable.map((m, i) => ({
          role: m.role,
          content: cache && i === last ? [{ type: 'text' as const, text: m.content, cache_control: EPHEMERAL }] : m.content,
        })),
        stream: true,
      };
      if (req.system) body.system = cache ? [{ type: 'text', text: req.system, cache_control: opts.promptCacheTtl === '5m' ? EPHEMERAL : EPHEMERAL_HOUR }] : req.system;
      // This SDK's types no longer list temperature; send it only when the user asked for one.
      if (req.temperature !== undefined) (body as unknown as Record<string, unknown>).temperature = req.temperature;
      const outputConfig: Anthropic.OutputConfig = {};
      if (req.reasoningEffort === 'none' || req.reasoningEffort === 'minimal') {
        warnings.push({ type: 'unsupported-setting', setting: 'reasoning effort', details: `"${req.reasoningEffort}" has no Anthropic equivalent; the model's default effort is used` });
      } else if (req.reasoningEffort !== undefined) {
        outputConfig.effort = req.reasoningEffort;
      }
      const schemaKey = req.schema ? JSON.stringify(req.schema) : '';
      // The API requires strict schemas (additionalProperties: false on every object); the SDK's own transform makes them so.
      if (req.schema && structured && !rejectedSchemas.has(schemaKey)) outputConfig.format = { type: 'json_schema', schema: transformJSONSchema(req.schema) };
      if (Object.keys(outputConfig).length) body.output_config = outputConfig;

      let res: StreamedMessage;
      try {
        res = await send(body, req.signal, warnings);
      } catch (error) {
        if (!outputConfig.format || !unsupportedFeature(error, /output_config|output_format|json_schema|structured|schema/i)) throw error;
        rejectedSchemas.add(schemaKey);
        delete outputConfig.format;
        if (!Object.keys(outputConfig).length) delete body.output_config;
        res = await send(body, req.signal, warnings);
      }
      if (req.schema && rejectedSchemas.has(schemaKey)) {
        warnings.push({ type: 'unsupported-setting', setting: 'structured output', details: 'the API rejected output_config.format for this schema; it is stated in the prompt and replies are checked' });
      }
      const finishReason = FINISH[res.stop ?? ''] ?? 'other';
      const reported = typeof res.usage.input_tokens === 'number' || typeof res.usage.output_tokens === 'number';
      if (!reported) warnings.push(NO_USAGE_WARNING);
      return {
        text: res.text,
        usage: reported ? anthropicUsage(res.usage) : estimatedUsage(req, res.text),
        finishReason,
        ...(finishReason === 'refusal' ? { refusal: res.text || 'refused' } : {}),
        ...(warnings.length ? { warnings } : {}),
      };
    },
  };
}

interface StreamedMessage {
  text: string;
  stop: string | null;
  usage: Partial<Anthropic.Usage>;
}

async function streamMessage(client: Anthropic, body: Anthropic.MessageCreateParamsStreaming, signal: AbortSignal | undefined, idleMs = DEFAULT_IDLE_TIMEOUT_MS): Promise<StreamedMessage> {
  const guard = idleGuard(idleMs, signal);
  const out: StreamedMessage = { text: '', stop: null, usage: {} };
  let events = 0;
  let closed = false;
  try {
    const { data: stream, response } = await client.messages.create(body, { signal: guard.signal }).withResponse();
    try {
      expectEventStream(response);
    } catch (error) {
      stream.controller.abort();
      throw error;
    }
    for await (const ev of stream) {
      guard.touch();
      events++;
      if (ev.type === 'message_start') out.usage = { ...ev.message.usage };
      else if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') out.text += ev.delta.text;
      else if (ev.type === 'message_delta') {
        out.stop = ev.delta.stop_reason ?? out.stop;
        // The final delta carries the output count (and, on some versions, the input fields again).
        for (const [k, v] of Object.entries(ev.usage ?? {})) if (typeof v === 'number') (out.usage as Record<string, number>)[k] = v;
      } else if (ev.type === 'message_stop') closed = true;
    }
  } catch (error) {
    markConnectionError(guard.explain(error));
  }
  guard.done();
  if (events === 0) throw new NotStreaming('the stream held no events');
  if (!closed) throw cutOffStream('message_stop');
  return out;
}

/** The same request without streaming, for servers that do not stream. */
async function plainMessage(client: Anthropic, streamingBody: Anthropic.MessageCreateParamsStreaming, signal: AbortSignal | undefined): Promise<StreamedMessage> {
  const { stream: _s, ...rest } = streamingBody;
  let m: Anthropic.Message;
  try {
    m = await client.messages.create({ ...rest, stream: false }, { signal });
  } catch (error) {
    markConnectionError(error);
  }
  const text = (m!.content ?? []).map((b) => (b.type === 'text' ? b.text : '')).join('');
  if (!m!.stop_reason) throw cutOffStream('a stop_reason');
  return { text, stop: m!.stop_reason, usage: { ...(m!.usage ?? {}) } };
}

const markConnectionError = connectionErrorMarker(Anthropic.APIConnectionError, Anthropic.APIConnectionTimeoutError);
