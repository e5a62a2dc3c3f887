// A model reply cut off at its output limit. The provider says so in why the
// reply ended (OpenAI `finish_reason: "length"`, Anthropic `stop_reason:
// "max_tokens"`, Gemini `MAX_TOKENS`, a Responses call incomplete for
// `max_output_tokens`; kept as `gen_ai.response.finish_reasons`), or, where
// that is not recorded, the reply's output tokens reach the max its request
// set. Either way what the reply emitted last stops part-way.
import type { Span } from '../../src/types.ts';

const LIMIT_REASONS = /^(length|max_tokens|max_output_tokens|model_length)$/i;

export interface OutputLimit {
  /** The provider's own reason, when it recorded one that names the limit. */
  reason?: string;
  /** Output tokens used, and the max the request set, when both are known. */
  output?: number;
  max?: number;
}

function finishReasons(s: Span): string[] {
  let v: unknown = s.attributes?.['gen_ai.response.finish_reasons'] ?? s.attributes?.['llm.finish_reason'];
  if (typeof v === 'string' && v.trim().startsWith('[')) {
    try {
      v = JSON.parse(v);
    } catch {
      /* a plain reason */
    }
  }
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

function requestMax(s: Span): number | undefined {
  const req = s.input;
  if (!req || typeof req !== 'object' || Array.isArray(req)) return undefined;
  const r = req as Record<string, unknown>;
  const cfg = r.generationConfig && typeof r.generationConfig === 'object' ? (r.generationConfig as Record<string, unknown>).maxOutputTokens : undefined;
  return [r.max_tokens, r.max_completion_tokens, r.max_output_tokens, cfg].find((x): x is number => typeof x === 'number' && x > 0);
}

/** How model call `s` shows it stopped at its output limit; null when nothing recorded shows that. */
export function outputLimit(s: Span | undefined): OutputLimit | null {
  if (!s) return null;
  const reason = finishReasons(s).find((r) => LIMIT_REASONS.test(r));
  const max = requestMax(s);
  const output = s.tokens?.output;
  // One token of slack: some providers count the stop token apart.
  const byTokens = max !== undefined && typeof output === 'number' && output >= max - 1;
  if (!reason && !byTokens) return null;
  const out: OutputLimit = {};
  if (reason) out.reason = reason;
  if (max !== undefined && typeof output === 'number') Object.assign(out, { output, max });
  return out;
}

/** "stop reason `max_tokens`; 1020 of 1024 output tokens" — what was checked, as it reads in a note. */
export function describeLimit(l: OutputLimit): string {
  const parts: string[] = [];
  if (l.reason) parts.push(`stop reason \`${l.reason}\``);
  if (l.max !== undefined) parts.push(`${l.output} of ${l.max} output tokens`);
  return parts.join('; ');
}
