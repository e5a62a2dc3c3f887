// llm() and llmBatch() as the sandbox sees them, served in the parent: one
// p-queue per model bounds concurrency, budgets are taken before any call,
// prompts over the character cap fail fast, and a batch never throws for one
// item — it returns `{error}` in that item's place.
import PQueue from 'p-queue';
import { z } from 'zod';
import type { GenerateResult, LanguageModel, ReasoningEffort } from '../providers/types.ts';
import { isRefusal, type BudgetLedger } from './budgets.ts';
import type { RunLog } from './runlog.ts';
import { delimit } from './delimit.ts';
import { promptChars, settleModelCall } from './model-call.ts';
import type { WarnFn } from './warnings.ts';

export interface GenerationDefaults {
  temperature?: number;
  /** Output cap of a sub-call reply unless the cell sets a lower one (the subMaxOutputTokens option). */
  maxOutputTokens: number;
  reasoningEffort?: ReasoningEffort;
}

export interface SubcallDeps {
  /** The model for a name the cell asked for, or the default sub-model when none. */
  model(name?: string): LanguageModel;
  ledger: BudgetLedger;
  runlog: RunLog;
  redact: (text: string) => string;
  /** Concurrent requests per model. */
  concurrency: number;
  /** The fixed system prompt for sub-calls (prompts/sub.md). */
  system: string;
  generation: GenerationDefaults;
  onProgress?: (line: string) => void;
  /** Provider warnings on a sub-call (reported once to the user, every time to the run log). */
  onWarning?: WarnFn;
}

export interface CallContext {
  loop: string;
  depth: number;
}

const LlmOptions = z
  .object({
    model: z.string().min(1).optional(),
    schema: z.record(z.string(), z.unknown()).optional(),
    /** Extra instructions from the analyst's code; placed in the user message, never the system prompt. */
    system: z.string().optional(),
    /** Trace material to judge, kept apart from the request inside <trace_data>. */
    data: z.unknown().optional(),
    maxOutputTokens: z.number().int().positive().max(64_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .strict();
export type LlmOptions = z.infer<typeof LlmOptions>;

const BatchItem = z.object({ prompt: z.string(), data: z.unknown().optional() }).strict();

/** An error meant for the model's code: short, precise, actionable. */
export class SubcallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubcallError';
  }
}

function describeZod(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(value)'}: ${i.message}`)
    .join('; ');
}

function stringify(data: unknown): string {
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data, null, 1) ?? String(data);
  } catch {
    return String(data);
  }
}

/**
 * The user message of a sub-call. The fixed system prompt stays free of
 * anything the code or the traces wrote; what the code wrote goes here, and
 * trace material sits inside <trace_data>. When the code passes the material
 * inline in the prompt we cannot tell request from data, so the whole prompt
 * is delimited.
 */
export function buildSubPrompt(prompt: string, opts: LlmOptions): string {
  const parts: string[] = [];
  if (opts.system) parts.push(delimit('instructions', opts.system));
  if (opts.data !== undefined) {
    parts.push(prompt.trim(), delimit('trace_data', stringify(opts.data)));
  } else {
    parts.push(delimit('trace_data', prompt));
  }
  if (opts.schema) {
    parts.push(`Reply with only a JSON value that follows this JSON Schema:\n${JSON.stringify(opts.schema)}`);
  }
  return parts.join('\n\n');
}

/**
 * Parses a JSON reply, tolerating a ```json fence around it, and the prose
 * models put around one object ("Here is my answer: {…} Hope it helps"): the
 * text from the first `{` to the last `}` is tried when the whole is not JSON.
 */
export function parseJsonReply(text: string): unknown {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text) ?? /```(?:json)?\s*\n([\s\S]*?)\n?```/i.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  try {
    return JSON.parse(body);
  } catch (err) {
    const from = body.indexOf('{');
    const to = body.lastIndexOf('}');
    if (from > 0 || (from === 0 && to >= 0 && to < body.length - 1)) {
      try {
        return JSON.parse(body.slice(from, to + 1));
      } catch {
        /* not one object in prose either: the original error says why */
      }
    }
    throw err;
  }
}

function schemaValidator(schema: Record<string, unknown>): (value: unknown) => string | null {
  let zschema: z.ZodType | null = null;
  try {
    zschema = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    // A schema zod cannot convert is still sent to the provider; we then only check that the reply is JSON.
  }
  return (value) => {
    if (!zschema) return null;
    const r = zschema.safeParse(value);
    return r.success ? null : describeZod(r.error);
  };
}

export class SubcallService {
  private readonly queues = new Map<string, PQueue>();
  private seq = 0;
  private inFlight = 0;

  constructor(private readonly deps: SubcallDeps) {}

  private queue(model: string): PQueue {
    let q = this.queues.get(model);
    if (!q) {
      q = new PQueue({ concurrency: this.deps.concurrency });
      this.queues.set(model, q);
    }
    return q;
  }

  private checkPrompt(prompt: unknown, rawOpts: unknown, where: string): { user: string; opts: LlmOptions } {
    if (typeof prompt !== 'string' || prompt.length === 0) {
      throw new SubcallError(`${where}: prompt must be a non-empty string (got ${prompt === '' ? 'an empty string' : typeof prompt})`);
    }
    const parsed = LlmOptions.safeParse(rawOpts ?? {});
    if (!parsed.success) throw new SubcallError(`${where}: bad options: ${describeZod(parsed.error)}`);
    const user = this.deps.redact(buildSubPrompt(prompt, parsed.data));
    const cap = this.deps.ledger.limits.maxPromptChars;
    if (user.length > cap) {
      throw new SubcallError(
        `${where}: prompt is ${user.length.toLocaleString('en-US')} characters, over the ${cap.toLocaleString('en-US')} limit per sub-call. ` +
          `Chunk it: render fewer traces per prompt or pass a smaller budget (render(t, {budget: 2000})), and send the chunks with llmBatch.`,
      );
    }
    return { user, opts: parsed.data };
  }

  /** `llm(prompt, opts)` from a cell. Throws a SubcallError the cell sees. */
  async llm(prompt: unknown, rawOpts: unknown, ctx: CallContext): Promise<unknown> {
    const { user, opts } = this.checkPrompt(prompt, rawOpts, 'llm()');
    const refused = this.deps.ledger.takeSubcalls(1);
    if (refused) throw new SubcallError(`llm(): ${refused}`);
    return this.call(user, opts, ctx);
  }

  /** `llmBatch(prompts, opts)`: an aligned array; a failed item is `{error}`, never a throw. */
  async llmBatch(prompts: unknown, rawOpts: unknown, ctx: CallContext): Promise<unknown[]> {
    if (!Array.isArray(prompts)) throw new SubcallError(`llmBatch(): the first argument must be an array of prompts or {prompt, data} items (got ${typeof prompts})`);
    const checked = prompts.map((p, i) => {
      try {
        // An item is a prompt, or {prompt, data} carrying its own trace material.
        if (p && typeof p === 'object') {
          const item = BatchItem.safeParse(p);
          if (!item.success) throw new SubcallError(`llmBatch() item ${i}: ${describeZod(item.error)} (an item is a string or {prompt, data})`);
          if (item.data.data !== undefined && rawOpts && typeof rawOpts === 'object' && 'data' in rawOpts) {
            throw new SubcallError(`llmBatch() item ${i}: data is given both in the item and in the options; give it per item`);
          }
          return this.checkPrompt(item.data.prompt, { ...((rawOpts as object) ?? {}), ...(item.data.data !== undefined ? { data: item.data.data } : {}) }, `llmBatch() item ${i}`);
        }
        return this.checkPrompt(p, rawOpts, `llmBatch() item ${i}`);
      } catch (err) {
        return { error: (err as Error).message };
      }
    });
    const valid = checked.filter((c) => !('error' in c)).length;
    const refused = this.deps.ledger.takeSubcalls(valid);
    if (refused) throw new SubcallError(`llmBatch(): ${refused}. Send a smaller sample.`);
    let done = 0;
    let shown = 0;
    const report = () => {
      // A line per second at most: enough to watch a long batch move.
      if (Date.now() - shown < 1000 && done < valid) return;
      shown = Date.now();
      this.deps.onProgress?.(`llmBatch: ${done}/${valid} sub-calls done, ${this.inFlight} in flight`);
    };
    report();
    return Promise.all(
      checked.map((c) =>
        'error' in c
          ? c
          : this.call(c.user, c.opts, ctx)
              .catch((err: unknown) => ({ error: (err as Error).message }))
              .finally(() => {
                done++;
                report();
              }),
      ),
    );
  }

  private async call(user: string, opts: LlmOptions, ctx: CallContext): Promise<unknown> {
    const model = this.deps.model(opts.model);
    const id = `${ctx.loop}.s${++this.seq}`;
    return this.queue(model.modelId).add(async () => {
      const messages: { role: 'user' | 'assistant'; content: string }[] = [{ role: 'user', content: user }];
      let res = await this.generate(model, messages, opts, ctx, id);
      if (!opts.schema) return res.text;
      const validate = schemaValidator(opts.schema);
      // One repair turn on invalid JSON, as a careful caller would do by hand.
      for (let attempt = 0; ; attempt++) {
        let problem: string;
        try {
          const value = parseJsonReply(res.text);
          const invalid = validate(value);
          if (!invalid) return value;
          problem = `it does not follow the schema: ${invalid}`;
        } catch (err) {
          problem = `it is not valid JSON (${(err as Error).message})`;
        }
        if (attempt >= 1) throw new SubcallError(`llm(): the reply was not valid for the schema after a retry: ${problem}`);
        messages.push(
          { role: 'assistant', content: res.text },
          { role: 'user', content: `Your reply cannot be used: ${problem}. Reply again with only the JSON value.` },
        );
        res = await this.generate(model, messages, opts, ctx, id);
      }
    }) as Promise<unknown>;
  }

  private async generate(
    model: LanguageModel,
    messages: { role: 'user' | 'assistant'; content: string }[],
    opts: LlmOptions,
    ctx: CallContext,
    id: string,
  ): Promise<GenerateResult> {
    const { ledger, runlog, generation } = this.deps;
    const maxOutputTokens = opts.maxOutputTokens ?? generation.maxOutputTokens;
    const reservation = ledger.reserve(model.modelId, promptChars(this.deps.system, messages), maxOutputTokens, { loop: ctx.loop });
    if (isRefusal(reservation)) {
      // Only the first request of a sub-call took from the sub-call budget; a refused repair turn gives nothing back.
      if (messages.length === 1) ledger.refundSubcalls(1);
      throw new SubcallError(`llm(): ${reservation.message}`);
    }
    const started = Date.now();
    this.inFlight++;
    let result: GenerateResult | null = null;
    let error: unknown;
    try {
      result = await model.generate({
        system: this.deps.system,
        messages,
        maxOutputTokens,
        temperature: opts.temperature ?? generation.temperature,
        reasoningEffort: generation.reasoningEffort,
        schema: opts.schema,
        signal: ledger.signal,
      });
    } catch (err) {
      error = err;
    } finally {
      this.inFlight--;
    }
    const usage = settleModelCall(ledger, reservation, model.modelId, result, started, ctx.loop);
    this.deps.onWarning?.(result?.warnings, { ...ctx, model: model.modelId });
    runlog.write({
      ev: 'subcall',
      loop: ctx.loop,
      depth: ctx.depth,
      id,
      // The loop that made the call, and the tree-wide turn whose cell made it.
      parent: ctx.loop,
      turn: ledger.usage.turns,
      model: model.modelId,
      prompt: messages.at(-1)!.content,
      reply: result?.text,
      finishReason: result?.finishReason,
      error: error ? (error as Error).message : undefined,
      ...usage,
    });
    if (error) {
      if (ledger.signal.aborted) throw new SubcallError(`llm(): ${ledger.describe('wall')}`);
      throw new SubcallError(`llm(): ${(error as Error).message}`);
    }
    if (result!.finishReason === 'refusal') throw new SubcallError(`llm(): the model refused: ${result!.refusal ?? ''}`.trim());
    if (!result!.text.trim()) throw new SubcallError(`llm(): the model returned an empty reply (finish reason: ${result!.finishReason})`);
    return result!;
  }

  /** The default sub-model's id (what the audit's judgements are made with). */
  modelId(): string {
    return this.deps.model().modelId;
  }

  get pending(): number {
    return this.inFlight;
  }
}
