// diagnose(traces, {taxonomy}): per-run diagnosis. For each run the sandbox
// passes (rendered step by step from the engine's own view), sub-models name
// the span and the agent at fault, a category from a taxonomy and a one-line
// reason. Cited spans are checked against the run's real spans (an invented
// span id is dropped and counted, like evidence); the agent must be one that
// acted in the run. Results go back to the root to aggregate into findings,
// and to diagnoses.jsonl so `halo eval` can score them against labels.
import { z } from 'zod';
import { DiagnosisLine } from '../eval/labels.ts';
import { SubcallError, type CallContext } from './subcalls.ts';
import { zodIssues } from './submission.ts';
import type { Tree } from './tree.ts';

/** The TRAIL taxonomy of agent errors (Deshpande et al., 2025), leaf categories. */
export const TRAIL_TAXONOMY = [
  'Language-only',
  'Tool-related',
  'Poor Information Retrieval',
  'Tool Output Misinterpretation',
  'Incorrect Problem Identification',
  'Tool Selection Errors',
  'Formatting Errors',
  'Instruction Non-compliance',
  'Tool Definition Issues',
  'Environment Setup Errors',
  'Rate Limiting',
  'Authentication Errors',
  'Service Errors',
  'Resource Not Found',
  'Resource Exhaustion',
  'Timeout Issues',
  'Context Handling Failures',
  'Resource Abuse',
  'Goal Deviation',
  'Task Orchestration',
] as const;

const Item = z.object({
  traceId: z.string(),
  text: z.string(),
  spans: z.array(z.object({ spanId: z.string(), agent: z.string().nullable(), step: z.number().int() })),
});
const Options = z
  .object({
    taxonomy: z.array(z.string().min(1)).min(2, 'a taxonomy needs at least 2 categories').optional(),
    model: z.string().min(1).optional(),
    /** Characters of each run's rendering (the sandbox side uses it). */
    budget: z.number().int().positive().optional(),
  })
  .strict();

const PROMPT =
  'Each run in the data failed. For each run, find where the failure originates: the step whose span caused it (its span id, ' +
  'copied from the "span" field of that step), the agent at fault, a category from the allowed list, and a one-line reason. ' +
  'One entry per run id; cite only span ids shown for that run.';

export interface DiagnoseResult {
  diagnoses: DiagnosisLine[];
  /** Runs asked about that no answer covered (sub-call failed or skipped them). */
  undiagnosed: string[];
  /** Cited span ids or agents that do not exist in the run, dropped. */
  dropped: { spans: number; agents: number };
  errors: string[];
}

export async function runDiagnose(tree: Tree, args: unknown[], ctx: CallContext): Promise<DiagnoseResult> {
  const items = z.array(Item).safeParse(args[0]);
  if (!items.success) throw new SubcallError('diagnose(): internal: bad run list from the sandbox');
  const opts = Options.safeParse(args[1] ?? {});
  if (!opts.success) throw new SubcallError(`diagnose(): bad options: ${zodIssues(opts.error).join('; ')} (options: {taxonomy, model, budget})`);
  const missing = typeof args[2] === 'number' ? args[2] : 0;
  if (items.data.length === 0) {
    throw new SubcallError(`diagnose(): none of the given runs exist in the data${missing ? ` (${missing} unknown ids)` : ''}`);
  }
  const taxonomy = opts.data.taxonomy ?? [...TRAIL_TAXONOMY];
  const schema = {
    type: 'object',
    properties: {
      runs: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            traceId: { type: 'string' },
            spanId: { type: 'string' },
            agent: { type: 'string' },
            category: { type: 'string', enum: taxonomy },
            reason: { type: 'string' },
          },
          required: ['traceId', 'spanId', 'category', 'reason'],
        },
      },
    },
    required: ['runs'],
  };
  // Pack runs per sub-call up to the prompt cap, leaving room for the request and schema.
  const room = tree.ledger.limits.maxPromptChars - PROMPT.length - JSON.stringify(schema).length - 1000;
  const groups: (typeof items.data)[] = [];
  let size = Infinity;
  for (const it of items.data) {
    const text = it.text.length > room ? it.text.slice(0, room) : it.text;
    if (size + text.length + 2 > room) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)!.push({ ...it, text });
    size += text.length + 2;
  }
  const answers = await tree.subcalls.llmBatch(
    groups.map((g) => ({ prompt: `${PROMPT}\nAllowed categories: ${taxonomy.join('; ')}.`, data: g.map((i) => i.text).join('\n\n') })),
    { schema, ...(opts.data.model ? { model: opts.data.model } : {}) },
    ctx,
  );
  const byId = new Map(items.data.map((i) => [i.traceId, i]));
  const out: DiagnoseResult = { diagnoses: [], undiagnosed: [], dropped: { spans: 0, agents: 0 }, errors: [] };
  const done = new Set<string>();
  answers.forEach((a, gi) => {
    if (a && typeof a === 'object' && 'error' in a) {
      out.errors.push(`runs ${groups[gi]!.map((i) => i.traceId).slice(0, 3).join(', ')}…: ${(a as { error: string }).error}`);
      return;
    }
    const allowed = new Set(groups[gi]!.map((i) => i.traceId));
    for (const r of (a as { runs?: unknown[] }).runs ?? []) {
      const d = r as { traceId?: string; spanId?: string; agent?: string; category?: string; reason?: string };
      if (!d.traceId || !allowed.has(d.traceId) || done.has(d.traceId)) continue;
      const run = byId.get(d.traceId)!;
      const span = run.spans.find((s) => s.spanId === d.spanId);
      if (d.spanId && !span) out.dropped.spans++;
      const agents = new Set(run.spans.map((s) => s.agent).filter((x): x is string => !!x));
      let agent = d.agent && agents.has(d.agent) ? d.agent : undefined;
      if (d.agent && !agent) out.dropped.agents++;
      agent ??= span?.agent ?? undefined;
      const line = DiagnosisLine.safeParse({
        traceId: d.traceId,
        ...(span ? { spanId: span.spanId, step: span.step } : {}),
        ...(agent ? { agent } : {}),
        ...(d.category && taxonomy.includes(d.category) ? { category: d.category } : {}),
        ...(d.reason ? { reason: d.reason.split('\n')[0]!.slice(0, 300) } : {}),
      });
      if (!line.success) continue;
      done.add(d.traceId);
      out.diagnoses.push(line.data);
      tree.diagnoses.set(d.traceId, line.data);
    }
  });
  out.undiagnosed = items.data.map((i) => i.traceId).filter((id) => !done.has(id));
  tree.runlog.write({
    ev: 'diagnose',
    loop: ctx.loop,
    depth: ctx.depth,
    runs: items.data.length,
    diagnosed: out.diagnoses.length,
    dropped: out.dropped,
    errors: out.errors,
  });
  return out;
}
