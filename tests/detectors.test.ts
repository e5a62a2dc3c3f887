import { describe, expect, it } from 'vitest';
import type { Span, Trace } from '../src/types.ts';
import { span as makeSpan, trace as makeTrace } from './helpers/factories.ts';
import { prng } from '../src/prng.ts';
import { FindingInput } from '../src/findings/schema.ts';
import { detect, runDetectors } from '../sandbox/detectors/index.ts';
import { passHatK } from '../sandbox/detectors/consistency.ts';
import { upperFence } from '../sandbox/detectors/stats.ts';
import { declaredTools } from '../sandbox/detectors/tool-declarations.ts';

// ---------- a small factory for synthetic traces ----------

type Step =
  | { llm: string; model?: string; error?: string; tools?: unknown; input?: unknown; finish?: string }
  | { tool: string; args?: unknown; raw?: string; result?: unknown; error?: string; invalid?: boolean };

interface RunSpec {
  id: string;
  agent?: string;
  steps: Step[];
  outcome?: Trace['outcome'];
  status?: Trace['status'];
  costUsd?: number;
  durationMs?: number;
  tokens?: number;
  taskId?: string;
  /** Tool schemas declared on every LLM span (OpenInference style). */
  declare?: Record<string, unknown>;
}

function baseSpan(traceId: string, spanId: string, parentId: string | null, start: number, p: Partial<Span>): Span {
  return makeSpan({ traceId, spanId, parentId, name: 'span', startTime: start, endTime: start + 100, durationMs: 100, ...p });
}

function run(spec: RunSpec): Trace {
  const t0 = Date.UTC(2026, 10, 2) + Number.parseInt(spec.id.replace(/\D/g, '') || '0', 10) * 60_000;
  const rootId = `${spec.id}-root`;
  const declAttrs: Record<string, unknown> = {};
  Object.entries(spec.declare ?? {}).forEach(([name, parameters], i) => {
    declAttrs[`llm.tools.${i}.tool.json_schema`] = JSON.stringify({ type: 'function', function: { name, parameters } });
  });
  const spans: Span[] = [];
  spec.steps.forEach((st, i) => {
    const start = t0 + (i + 1) * 1000;
    const id = `${spec.id}-s${i}`;
    if ('llm' in st) {
      spans.push(baseSpan(spec.id, id, rootId, start, {
        name: 'chat', kind: 'llm', model: st.model ?? 'gpt-4o', output: st.llm, input: st.input ?? null,
        status: st.error ? 'error' : 'ok', error: st.error ? { type: null, message: st.error } : null,
        attributes: { ...declAttrs, ...(st.tools ? { 'gen_ai.request.tools': st.tools } : {}), ...(st.finish ? { 'gen_ai.response.finish_reasons': [st.finish] } : {}) },
      }));
    } else {
      const args = st.raw ?? st.args ?? {};
      spans.push(baseSpan(spec.id, id, rootId, start, {
        name: st.tool, kind: 'tool',
        tool: { name: st.tool, arguments: args, argumentsInvalid: st.invalid, result: st.result ?? 'ok' },
        status: st.error ? 'error' : 'ok', error: st.error ? { type: 'ToolError', message: st.error } : null,
      }));
    }
  });
  const end = t0 + (spec.steps.length + 1) * 1000;
  const root = baseSpan(spec.id, rootId, null, t0, { name: 'agent', kind: 'agent', endTime: end, durationMs: end - t0, status: spec.status ?? 'ok' });
  return makeTrace([root, ...spans], {
    startTime: t0, endTime: end, durationMs: spec.durationMs ?? end - t0, status: spec.status ?? 'ok',
    agentName: spec.agent ?? 'support-agent', taskId: spec.taskId ?? null, outcome: spec.outcome ?? null,
    tokens: { input: 0, output: 0, total: spec.tokens ?? 1000 }, costUsd: spec.costUsd ?? 0.01,
  });
}

const SCHEMAS = {
  lookup_order: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
  refund_order: {
    type: 'object',
    properties: { order_id: { type: 'string' }, amount: { type: 'number' }, reason: { type: 'string', enum: ['damaged', 'late', 'other'] } },
    required: ['order_id', 'amount'],
  },
  search_kb: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

/** A clean, typical run: look up, search, refund, answer. `n` varies the numbers a little. */
function cleanRun(id: string, n: number, extra: Partial<RunSpec> = {}): Trace {
  return run({
    id,
    declare: SCHEMAS,
    costUsd: 0.01 * (1 + (n % 7) / 10),
    durationMs: 8000 + (n % 9) * 300,
    tokens: 1000 + (n % 5) * 80,
    outcome: { success: true },
    steps: [
      { llm: 'Let me look that up.' },
      { tool: 'lookup_order', args: { order_id: `A${n}` }, result: { status: 'delivered', total: 20 + n } },
      { llm: 'Checking the policy.' },
      { tool: 'search_kb', args: { query: 'refund policy' }, result: 'Refunds within 30 days.' },
      { tool: 'refund_order', args: { order_id: `A${n}`, amount: 10, reason: 'damaged' }, result: { refunded: true } },
      { llm: 'Your refund has been issued.' },
    ],
    ...extra,
  });
}

function cleanWeek(n = 40): Trace[] {
  return Array.from({ length: n }, (_, i) => cleanRun(`c${i}`, i));
}

// ---------- verification the engine will do, re-stated independently ----------

function spanTexts(s: Span): string[] {
  const j = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : JSON.stringify(v));
  return [s.statusMessage ?? '', s.error?.message ?? '', s.tool?.name ?? '', j(s.tool?.arguments), j(s.tool?.result), j(s.input), j(s.output), ...Object.values(s.attributes).map(j)];
}

function assertVerifiable(findings: FindingInput[], traces: Trace[]): void {
  const byId = new Map(traces.map((t) => [t.traceId, t]));
  for (const f of findings) {
    expect(() => FindingInput.parse(f), f.title).not.toThrow();
    expect(f.evidence.length).toBeGreaterThan(0);
    expect(f.evidence.length).toBeLessThanOrEqual(40);
    const ids = f.data!.traceIds as string[];
    expect(f.prevalence!.traces).toBe(ids.length);
    for (const e of f.evidence) {
      const t = byId.get(e.traceId);
      expect(t, `${f.title}: cited trace ${e.traceId}`).toBeDefined();
      expect(ids).toContain(e.traceId);
      if (e.spanId) {
        const s = t!.spans.find((x) => x.spanId === e.spanId);
        expect(s, `${f.title}: cited span ${e.spanId}`).toBeDefined();
        if (e.excerpt) {
          expect(e.excerpt.length).toBeLessThanOrEqual(200);
          expect(spanTexts(s!).some((x) => x.includes(e.excerpt!)), `${f.title}: excerpt ${e.excerpt}`).toBe(true);
        }
      }
    }
    if (f.predicate) {
      const pred = new Function(`return (${f.predicate})`)() as (t: Trace) => boolean;
      const matched = traces.filter((t) => pred(t)).map((t) => t.traceId).sort();
      expect(matched, `${f.title}: predicate gives exact prevalence`).toEqual([...ids].sort());
    }
  }
}

function only(findings: FindingInput[], signature: string): FindingInput {
  const hits = findings.filter((f) => f.key.signature === signature);
  expect(hits.map((f) => f.key.signature), `one finding with signature ${signature}`).toEqual([signature]);
  return hits[0]!;
}

// ---------- tests ----------

describe('clean data', () => {
  it('a week of clean, varied runs produces no findings at all', () => {
    const traces = cleanWeek(60);
    expect(runDetectors(traces)).toEqual([]);
  });

  it('every detector tolerates empty input and traces without spans', () => {
    const bare: Trace = { ...cleanRun('b1', 1), spans: [], rootSpanId: null };
    for (const d of Object.values(detect)) {
      expect(d([])).toEqual([]);
      expect(() => d([bare])).not.toThrow();
    }
  });
});

describe('detect.failedOutcomes', () => {
  it('groups failed outcomes per agent with an exact predicate', () => {
    const traces = [
      ...cleanWeek(8),
      cleanRun('f1', 1, { outcome: { success: false } }),
      cleanRun('f2', 2, { outcome: { reward: 0 } }),
      cleanRun('f3', 3, { outcome: { label: 'task failed' } }),
      cleanRun('f4', 4, { outcome: { reward: 1 } }),
      cleanRun('e1', 5, { outcome: null, status: 'error' }),
      cleanRun('x1', 6, { agent: 'coding-agent', outcome: { success: false } }),
    ];
    const found = detect.failedOutcomes!(traces);
    assertVerifiable(found, traces);
    const support = found.find((f) => f.key.component === 'agent:support-agent' && f.key.signature === 'outcome:failed')!;
    expect(support.data!.traceIds).toEqual(['f1', 'f2', 'f3']);
    expect(support.prevalence).toEqual({ traces: 3, total: 13, share: 3 / 13 });
    expect(found.find((f) => f.key.signature === 'outcome:run_error')!.data!.traceIds).toEqual(['e1']);
    expect(found.find((f) => f.key.component === 'agent:coding-agent')!.data!.traceIds).toEqual(['x1']);
    expect(found.every((f) => f.source === 'detector:outcomes')).toBe(true);
  });
});

describe('detect.failedOutcomes run errors', () => {
  it('only says a failing step propagated up when a step below the run span failed', () => {
    const quiet = (id: string, n: number) => cleanRun(id, n, { outcome: null, status: 'error' });
    const withStep = (id: string, n: number) =>
      cleanRun(id, n, { outcome: null, status: 'error', steps: [{ llm: 'x' }, { tool: 'lookup_order', args: {}, error: 'db down' }] });
    const cause = (traces: Trace[]) => only(detect.failedOutcomes!(traces), 'outcome:run_error');
    const none = cause([...cleanWeek(6), quiet('e1', 1), quiet('e2', 2)]);
    expect(none.rootCause.statement).toMatch(/no step below it failed/);
    expect(none.rootCause.statement).not.toMatch(/propagated/);
    expect(none.fix.summary).not.toMatch(/failing step's error/);
    const some = cause([...cleanWeek(6), quiet('e1', 1), withStep('e2', 2)]);
    expect(some.rootCause.statement).toMatch(/^In 1 of 2 runs a step below also failed/);
    const all = cause([...cleanWeek(6), withStep('e1', 1), withStep('e2', 2)]);
    expect(all.rootCause.statement).toMatch(/propagated to the top/);
  });
});

describe('detect.failedOutcomes root cause', () => {
  it('names the first error most failed runs share', () => {
    const failing = (id: string, n: number, msg: string) =>
      cleanRun(id, n, { outcome: { success: false }, steps: [{ llm: 'x' }, { tool: 'lookup_order', args: {}, error: msg }, { llm: 'Sorry.' }] });
    const traces = [...cleanWeek(10), failing('a1', 1, 'Timeout after 30s'), failing('a2', 2, 'Timeout after 12s'), failing('a3', 3, 'db down'), cleanRun('a4', 4, { outcome: { success: false } })];
    const f = only(detect.failedOutcomes!(traces), 'outcome:failed');
    expect(f.data!.firstErrors).toEqual({ '`tool:lookup_order` "Timeout after <duration>"': 2, '`tool:lookup_order` "db down"': 1 });
    expect(f.data!.withoutErrorSpan).toBe(1);
    expect(f.rootCause.statement).toContain('2 of 4');
    expect(f.rootCause.confidence).toBe('hypothesis');
  });
});

describe('detect.unknownTools', () => {
  it('flags tool names outside the declared list, one finding per agent', () => {
    const bad = (id: string, n: number, tool: string) =>
      cleanRun(id, n, { steps: [{ llm: 'ok' }, { tool, args: { order_id: 'A1' }, error: `unknown tool: ${tool}` }, { llm: 'Sorry.' }] });
    const traces = [...cleanWeek(10), bad('u1', 1, 'cancel_everything'), bad('u2', 2, 'cancel_everything'), bad('u3', 3, 'issue_voucher')];
    const found = detect.unknownTools!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'unknown_tool');
    expect(f.key.component).toBe('agent:support-agent');
    expect(f.data!.traceIds).toEqual(['u1', 'u2', 'u3']);
    expect(f.data!.tools).toEqual({ cancel_everything: 2, issue_voucher: 1 });
    expect(f.rootCause.confidence).toBe('confirmed');
  });

  it('reads GenAI declarations (JSON string) and falls back to error messages without any', () => {
    const tools = JSON.stringify([{ type: 'function', name: 'web_search', parameters: {} }]);
    const traces = [
      run({ id: 'g1', agent: 'research', steps: [{ llm: 'x', tools }, { tool: 'web_search', args: { q: 'a' } }, { tool: 'browse', args: {}, error: 'no handler' }] }),
      run({ id: 'g2', agent: 'research', steps: [{ llm: 'x', tools }, { tool: 'web_search', args: { q: 'b' } }] }),
      // Undeclared but working: a tool the declarations missed, not an invented one.
      run({ id: 'g3', agent: 'research', steps: [{ llm: 'x', tools }, { tool: 'calculator', args: { e: '1+1' }, result: '2' }] }),
      // A hosted tool declared by type alone.
      run({ id: 'g4', agent: 'research', steps: [{ llm: 'x', tools: [{ type: 'code_interpreter' }] }, { tool: 'code_interpreter', args: {}, error: 'sandbox timeout' }] }),
      run({ id: 'n1', agent: 'bare', steps: [{ tool: 'lookup', args: {} }, { tool: 'frobnicate', error: 'Unknown tool "frobnicate"' }] }),
      run({ id: 'n2', agent: 'bare', steps: [{ tool: 'lookup', args: {}, error: 'timeout' }] }),
    ];
    const found = detect.unknownTools!(traces);
    assertVerifiable(found, traces);
    expect(found.map((f) => [f.key.component, f.data!.traceIds, f.data!.tools])).toEqual([
      ['agent:research', ['g1'], { browse: 1 }],
      ['agent:bare', ['n1'], { frobnicate: 1 }],
    ]);
  });

  it('parses flattened and nested tool declaration shapes', () => {
    const s = run({ id: 'd1', steps: [{ llm: 'x' }] }).spans[1]!;
    s.attributes = {
      'tools': [{ name: 'b', input_schema: { type: 'object' } }],
      'llm.invocation_parameters': JSON.stringify({ tools: [{ type: 'function', function: { name: 'c' } }] }),
    };
    expect(declaredTools(s).map((d) => d.name).sort()).toEqual(['b', 'c']);
    s.attributes = {
      'gen_ai.request.tools.0.function.name': 'a',
      'gen_ai.request.tools.0.function.parameters.required.0': 'x',
      'gen_ai.request.tools.1.name': 'd',
    };
    expect(declaredTools(s).map((d) => d.name)).toEqual(['a', 'd']);
    expect(declaredTools(s)[0]!.schema).toEqual({ required: { 0: 'x' } });
  });
});

describe('detect.toolArguments', () => {
  const with_ = (id: string, n: number, step: Step) =>
    cleanRun(id, n, { steps: [{ llm: 'Let me help.' }, step, { llm: 'Done.' }] });

  it('finds invalid JSON, missing required fields, enum and type violations, each confirmed', () => {
    const traces = [
      ...cleanWeek(10),
      with_('j1', 1, { tool: 'refund_order', raw: '{"order_id": "A1", amount: 10', invalid: true }),
      with_('j2', 2, { tool: 'refund_order', raw: '{"order_id": "A2",', invalid: false }),
      with_('m1', 3, { tool: 'refund_order', args: { amount: 5 } }),
      with_('m2', 4, { tool: 'refund_order', args: { amount: 7, reason: 'late' } }),
      with_('v1', 5, { tool: 'refund_order', args: { order_id: 'A5', amount: 7, reason: 'changed_mind' } }),
      with_('t1', 6, { tool: 'refund_order', args: { order_id: 'A6', amount: 'ten' } }),
    ];
    const found = detect.toolArguments!(traces);
    assertVerifiable(found, traces);
    expect(only(found, 'invalid_json_arguments').data!.traceIds).toEqual(['j1', 'j2']);
    expect(only(found, 'schema_violation:missing:order_id').data!.traceIds).toEqual(['m1', 'm2']);
    const e = only(found, 'schema_violation:enum:reason');
    expect(e.data!.traceIds).toEqual(['v1']);
    expect(e.evidence[0]!.excerpt).toContain('"reason":"changed_mind"');
    expect(only(found, 'schema_violation:type:amount').data!.traceIds).toEqual(['t1']);
    expect(found.every((f) => f.rootCause.confidence === 'confirmed')).toBe(true);
    expect(found.map((f) => f.key.component)).toEqual(['agent:support-agent', ...Array(3).fill('tool:refund_order')]);
    expect(found).toHaveLength(4);
  });

  it('arguments of a reply stopped at its output limit are cut off, whether they parse or not, never malformed JSON or a schema miss', () => {
    const cut = (id: string, n: number, step: Step, finish = 'length') => cleanRun(id, n, { steps: [{ llm: 'Let me help.', finish }, step, { llm: 'Done.' }] });
    const traces = [
      ...cleanWeek(10),
      cut('c1', 1, { tool: 'refund_order', raw: '{"order_id": "A1", "amount": 1', invalid: true }),
      cut('c2', 2, { tool: 'refund_order', args: { amount: 5 } }, 'max_tokens'),
      with_('j1', 3, { tool: 'refund_order', raw: '{"order_id": "A3", amount: 10', invalid: true }),
    ];
    const found = detect.toolArguments!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'arguments_cut_off');
    expect(f.data!.traceIds).toEqual(['c1', 'c2']);
    expect(f.summary).toMatch(/the provider recorded stop reason `length` or `max_tokens` for each\)\. The arguments of 1 of them do not parse as JSON\. The arguments as cut lack required field `order_id`\./);
    expect(only(found, 'invalid_json_arguments').data!.traceIds).toEqual(['j1']);
    expect(found.filter((x) => x.key.signature.startsWith('schema_violation'))).toEqual([]);
  });

  it('leaves free-text arguments and undeclared tools alone', () => {
    const traces = [with_('p1', 1, { tool: 'shell', raw: 'ls -la' }), with_('p2', 2, { tool: 'other', args: { anything: 1 } })];
    expect(detect.toolArguments!(traces)).toEqual([]);
  });
});

describe('detect.repeatedCalls', () => {
  const lookup = (n: number): Step => ({ tool: 'lookup_order', args: { order_id: `A${n}` }, result: { status: 'ok' } });
  const search: Step = { tool: 'search_kb', args: { query: 'refund policy' }, result: 'Refunds within 30 days.' };

  // A model call whose input holds the earlier identical call and its result, and one that starts afresh.
  const saw = (n: number): Step => ({ llm: 'x', input: `Called lookup_order {"order_id":"A${n}"}, got {"status":"ok"}.` });
  const fresh: Step = { llm: 'x', input: 'Look up the order.' };

  it('finds ≥ 3 identical successful calls in a row that the model made after seeing the earlier ones, not 2, not failing retries, not separate requests', () => {
    const traces = [
      run({ id: 'r1', steps: [fresh, lookup(1), saw(1), lookup(1), saw(1), lookup(1), { llm: 'x' }] }),
      // The second call came from a request that started afresh: the repeats count from it.
      run({ id: 'r2', steps: [fresh, lookup(2), fresh, lookup(2), saw(2), lookup(2), saw(2), lookup(2)] }),
      run({ id: 'r3', steps: [fresh, lookup(3), saw(3), lookup(3), { llm: 'x' }] }),
      run({ id: 'r4', steps: [fresh, lookup(4), saw(4), lookup(5), saw(5), lookup(6)] }),
      run({ id: 'r5', steps: [fresh, { ...lookup(7), error: 'timeout' }, saw(7), { ...lookup(7), error: 'timeout' }, saw(7), { ...lookup(7), error: 'timeout' }] }),
      // Separate requests, each starting afresh (a grader run once per item): identical calls, no repeat.
      run({ id: 'r6', steps: [fresh, lookup(8), fresh, lookup(8), fresh, lookup(8)] }),
      // No model call recorded: nothing shows what the model saw.
      run({ id: 'r7', steps: [lookup(9), lookup(9), lookup(9)] }),
    ];
    const found = detect.repeatedCalls!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'repeated_identical_call');
    expect(f.data!.traceIds).toEqual(['r1', 'r2']);
    expect(f.key.component).toBe('agent:support-agent');
    expect(f.data!.tools).toEqual({ lookup_order: 2 });
  });

  // Each call emitted by a model call whose input holds every call before it, or by one that starts afresh.
  const seeing = (calls: Step[]): Step[] => calls.flatMap((c, i) => [{ llm: 'x', input: `Calls so far: ${calls.slice(0, i).map((x) => ('tool' in x ? `${x.tool} ${JSON.stringify(x.args)}` : '')).join('; ')}` }, c]);
  const afresh = (calls: Step[]): Step[] => calls.flatMap((c) => [fresh, c]);
  const escalate: Step = { tool: 'escalate', args: { reason: 'refund over limit' } };

  it('finds a 2- or 3-call cycle repeated three times, not twice, each call made after seeing it one cycle earlier', () => {
    const traces = [
      run({ id: 'l1', steps: seeing([lookup(1), search, lookup(1), search, lookup(1), search]) }),
      run({ id: 'l2', steps: seeing([lookup(2), search, escalate, lookup(2), search, escalate, lookup(2), search, escalate]) }),
      run({ id: 'l3', steps: seeing([lookup(3), search, lookup(3), search]) }),
      run({ id: 'l4', steps: seeing([lookup(4), search, lookup(5), search, lookup(6), search]) }),
      // The same cycle from requests that each start afresh: no loop.
      run({ id: 'l5', steps: afresh([lookup(7), search, lookup(7), search, lookup(7), search]) }),
    ];
    const found = detect.repeatedCalls!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'tool_call_loop');
    expect(f.data!.traceIds).toEqual(['l1', 'l2']);
    expect(Object.keys(f.data!.cycles as object).sort()).toEqual(['lookup_order → search_kb', 'lookup_order → search_kb → escalate']);
  });
});

describe('detect.outliers', () => {
  it('flags only runs far above their agent’s typical cost, with an exact predicate', () => {
    const traces = [...cleanWeek(40), cleanRun('o1', 1, { costUsd: 0.4 }), cleanRun('o2', 2, { costUsd: 0.9 })];
    const found = detect.outliers!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'outlier:cost');
    expect(f.data!.traceIds).toEqual(['o2', 'o1']);
    expect(f.category).toBe('cost');
  });

  it('judges each agent against its own runs', () => {
    const cheap = cleanWeek(30);
    const pricey = Array.from({ length: 30 }, (_, i) => cleanRun(`p${i}`, i, { agent: 'coding-agent', costUsd: 0.5 + (i % 5) * 0.05 }));
    expect(detect.outliers!([...cheap, ...pricey])).toEqual([]);
  });

  it('needs a minimum sample before calling anything an outlier', () => {
    const traces = [...cleanWeek(10), cleanRun('o1', 1, { durationMs: 900_000 })];
    expect(detect.outliers!(traces)).toEqual([]);
    expect(detect.outliers!(traces, { minSample: 5 }).map((f) => f.key.signature)).toEqual(['outlier:latency']);
  });

  it('upperFence follows median + k·MAD on a log scale', () => {
    const values = Array.from({ length: 21 }, (_, i) => 10 * Math.exp((i - 10) / 10));
    const fence = upperFence(values, { k: 3 })!;
    expect(fence.median).toBeCloseTo(10, 6);
    // MAD of logs {0..1 step .1} is 0.5; scaled 1.4826·0.5; cutoff = 10·e^(3·0.7413).
    expect(fence.cutoff).toBeCloseTo(10 * Math.exp(3 * 1.4826 * 0.5), 6);
    expect(upperFence(values.slice(0, 5))).toBeNull();
  });
});

describe('detect.errorSignatures', () => {
  it('groups errors by component and normalized message, with a minimum support', () => {
    const err = (id: string, n: number, tool: string, msg: string) =>
      cleanRun(id, n, { steps: [{ llm: 'x' }, { tool, args: {}, error: msg }, { llm: 'The lookup failed, retrying later.' }] });
    const traces = [
      ...cleanWeek(10),
      err('e1', 1, 'lookup_order', 'Timeout after 30s on order 123'),
      err('e2', 2, 'lookup_order', 'Timeout after 31s on order 456'),
      err('e3', 3, 'lookup_order', 'Timeout after 29s on order 789'),
      err('e4', 4, 'search_kb', 'Timeout after 30s on order 1'),
      err('e5', 5, 'search_kb', 'index missing'),
    ];
    const found = detect.errorSignatures!(traces, { minTraces: 3 });
    assertVerifiable(found, traces);
    expect(found).toHaveLength(1);
    expect(found[0]!.key.component).toBe('tool:lookup_order');
    expect(found[0]!.data!.traceIds).toEqual(['e1', 'e2', 'e3']);
    expect(found[0]!.evidence[1]!.excerpt).toBe('Timeout after 31s on order 456');
    // The default support scales with the data: a recurring failure needs two runs at least (one-offs are
    // not cross-run patterns); in 300 traces, three are needed.
    expect(detect.errorSignatures!(traces).map((f) => f.data!.traceIds)).toEqual([['e1', 'e2', 'e3']]);
    expect(detect.errorSignatures!([...traces, err('e6', 6, 'search_kb', 'index missing')]).map((f) => f.data!.traceIds)).toEqual([['e1', 'e2', 'e3'], ['e5', 'e6']]);
    const many = [...traces, ...cleanWeek(290)];
    expect(detect.errorSignatures!(many).map((f) => f.data!.traceIds)).toEqual([['e1', 'e2', 'e3']]);
  });

  it('keeps a trailing parenthesised detail out of the signature', () => {
    const traces = ['Unterminated string in JSON at position 12', 'Expected property name at position 3', 'Unexpected end'].map((detail, i) =>
      cleanRun(`p${i}`, i, { steps: [{ tool: 'search_kb', args: {}, error: `Invalid arguments for search_kb: could not parse JSON (${detail})` }, { llm: 'Retrying.' }] }),
    );
    const found = detect.errorSignatures!(traces);
    assertVerifiable(found, traces);
    expect(found.map((f) => f.key.signature)).toEqual(['error:Invalid arguments for search_kb: could not parse JSON']);
  });
});

describe('detect.silentFailures', () => {
  const res = (id: string, n: number, result: unknown) =>
    cleanRun(id, n, { steps: [{ llm: 'x' }, { tool: 'lookup_order', args: { order_id: 'A' }, result }, { llm: 'Here you go.' }] });

  it('finds error payloads in spans marked ok, citing the error text verbatim', () => {
    const traces = [
      ...cleanWeek(5),
      res('s1', 1, 'Traceback (most recent call last):\n  File "db.py", line 3\nKeyError: order'),
      res('s2', 2, { error: 'upstream unavailable', code: 503 }),
      res('s3', 3, 'Error: connection refused'),
      res('s4', 4, 'HTTP/1.1 500 Internal Server Error'),
      res('s5', 5, 'rg: exception while reading .git/index: Permission denied (os error 13)'),
      res('s6', 6, 'fetch failed: connection refused'),
    ];
    const found = detect.silentFailures!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'silent_error');
    expect(f.data!.traceIds).toEqual(['s1', 's2', 's3', 's4', 's5', 's6']);
    expect(f.evidence[0]!.excerpt!.startsWith('Traceback (most recent call last)')).toBe(true);
  });

  it('does not flag results that talk about errors as content', () => {
    const long = `${'def handler():\n    pass\n'.repeat(30)}logger.error("x")\n`;
    const traces = [
      res('n1', 1, 'No errors found.'),
      res('n2', 2, { error: null, items: [] }),
      res('n3', 3, long),
      res('n4', 4, '0 failures in 12 runs'),
      res('n5', 5, "src/parse.ts:12:    throw new Error('bad input');\nsrc/parse.ts:30:  } catch (error) {"),
      res('n6', 6, { errors: 0, warnings: 2, summary: 'error handling looks fine' }),
    ];
    expect(detect.silentFailures!(traces)).toEqual([]);
  });
});

describe('detect.ignoredErrors', () => {
  const fail: Step = { tool: 'lookup_order', args: { order_id: 'A1' }, error: 'Order service timeout' };
  it('flags a tool error the run carries on from and still reports success, with no verdict', () => {
    const traces = [
      ...cleanWeek(5),
      run({ id: 'i1', steps: [{ llm: 'x' }, fail, { llm: 'Your order has shipped!' }] }),
      run({ id: 'i2', steps: [{ llm: 'x' }, fail, { tool: 'search_kb', args: { query: 'q' }, error: 'kb down' }, { llm: 'Done' }] }),
      // acknowledged, retried, routed around (another tool worked before the next reply), or the run failed: not ignored
      run({ id: 'r1', steps: [{ llm: 'x' }, fail, { tool: 'search_kb', args: { query: 'q' } }, { llm: 'Done' }] }),
      run({ id: 'a1', steps: [{ llm: 'x' }, fail, { llm: 'Sorry, I could not look up your order.' }] }),
      run({ id: 'a2', steps: [{ llm: 'x' }, fail, { llm: '' }, { tool: 'lookup_order', args: { order_id: 'A1' } }, { llm: 'Shipped.' }] }),
      run({ id: 'a3', outcome: { success: false }, steps: [{ llm: 'x' }, fail, { llm: 'Your order has shipped!' }] }),
      // a "think" tool that reasons about the failure, and a retry much later in the run
      run({ id: 'a4', steps: [{ llm: 'x' }, fail, { llm: '' }, { tool: 'think', args: { thought: 'The lookup failed; ask for the order id again.' } }, { llm: 'Shipped.' }] }),
      // judged a success: the answer was right all the same, so nothing that mattered was ignored
      run({ id: 'j1', outcome: { success: true }, steps: [{ llm: 'x' }, fail, { llm: 'Your order has shipped!' }] }),
      run({ id: 'a5', steps: [{ llm: 'x' }, fail, { llm: 'Let me check the policy first.' }, { tool: 'search_kb', args: { query: 'q' } }, { llm: '' }, { tool: 'lookup_order', args: { order_id: 'A1' } }, { llm: 'Shipped.' }] }),
    ];
    const found = detect.ignoredErrors!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'ignored_error');
    expect(f.data!.traceIds).toEqual(['i1', 'i2']);
    expect(f.evidence[0]!.excerpt).toBe('Order service timeout');
  });

  it('reads the reply from the closing assistant messages, judges the run by its root, and matches whole words', () => {
    const withReply = (id: string, reply: string) => {
      const t = run({ id, steps: [{ llm: 'x' }, fail, { llm: '' }] });
      const llm = t.spans[3]!;
      llm.output = null;
      // Input conversation (which contains the error) followed by the model's reply.
      llm.messages = [
        { role: 'user', content: 'Where is my order?' },
        { role: 'tool', content: 'Order service timeout' },
        { role: 'assistant', content: reply },
      ];
      // A failed step rolls the trace status up to error even though the run itself (root) ended ok.
      t.status = 'error';
      return t;
    };
    const traces = [
      withReply('m1', 'Your refund has been issued.'),
      withReply('m2', 'lookup_order is not responding; using search_kb instead.'),
      withReply('m3', 'There was a problem reaching the order service.'),
    ];
    const found = detect.ignoredErrors!(traces);
    assertVerifiable(found, traces);
    expect(only(found, 'ignored_error').data!.traceIds).toEqual(['m1']);
  });
});

describe('detect.retries', () => {
  const t = (e?: string): Step => ({ tool: 'charge_card', args: { amount: 5 }, error: e });
  it('finds calls that fail ≥ 3 times and never succeed', () => {
    const traces = [
      run({ id: 'x1', steps: [t('card declined'), { llm: 'retry' }, t('card declined'), { llm: 'retry' }, t('card declined'), { llm: 'Sorry' }] }),
      run({ id: 'x2', steps: [t('card declined'), t('card declined'), t('card declined'), t()] }),
      run({ id: 'x3', steps: [t(), t('card declined'), t('card declined')] }),
      run({ id: 'x4', steps: [{ llm: 'a', error: 'overloaded' }, { llm: 'a', error: 'overloaded' }, { llm: 'a', error: 'overloaded' }] }),
    ];
    const found = detect.retries!(traces, { minTraces: 1 });
    assertVerifiable(found, traces);
    expect(found.map((f) => [f.key.component, f.key.signature, f.data!.traceIds])).toEqual([
      ['tool:charge_card', 'retry_exhausted', ['x1']],
      ['model:gpt-4o', 'retry_exhausted', ['x4']],
    ]);
    // By default a pattern needs two runs: one run that exhausts its retries is an anecdote.
    expect(detect.retries!(traces)).toEqual([]);
  });

  it('words the cause from the attempts: transient errors outlasting retries, changed arguments, or the same call', () => {
    const cause = (traces: Trace[]) => only(detect.retries!(traces, { minTraces: 1 }), 'retry_exhausted');
    // 503s are transient by nature: "not transient" would contradict the error.
    const overloaded = (id: string) => run({ id, steps: [1, 2, 3].map(() => ({ llm: 'a', error: '503 Service Unavailable: the server is overloaded' })) });
    const t1 = cause([overloaded('o1'), overloaded('o2')]);
    expect(t1.rootCause.statement).toMatch(/normally transient/);
    expect(t1.rootCause.statement).not.toMatch(/not transient/);
    expect(t1.fix.summary).toMatch(/fall back/);
    // The agent tried different inputs each time: it did change its approach.
    const varied = (id: string) => run({ id, steps: [5, 7, 9].map((amount) => ({ tool: 'charge_card', args: { amount }, error: 'amount does not add up' })) });
    // "Rejected" needs the tool to go through for some input: another run's charge worked.
    const worked = run({ id: 'w1', steps: [{ tool: 'charge_card', args: { amount: 3 } }] });
    const t2 = cause([varied('v1'), varied('v2'), worked]);
    expect(t2.summary).toMatch(/In each of them the attempts do not all send the same arguments/);
    expect(t2.rootCause.statement).toMatch(/attempts did not all send the same arguments/);
    expect(t2.rootCause.statement).not.toMatch(/changes the approach|retrying the same call/);
    expect(t2.fix.summary).not.toMatch(/backoff/);
    // The same call failing the same way: it says what it checked (the errors do not read as transient), not that the failure "is not transient".
    const same = (id: string) => run({ id, steps: [1, 2, 3].map(() => ({ tool: 'charge_card', args: { amount: 5 }, error: 'card declined' })) });
    const t3 = cause([same('s1'), same('s2'), worked]);
    expect(t3.rootCause.statement).toMatch(/errors that do not read as transient \(no rate limit, overload, 5xx or timeout in them\)/);
    expect(t3.rootCause.statement).not.toMatch(/is not transient/);
    expect(t3.summary).not.toMatch(/same arguments/);
    expect(t3.data).toMatchObject({ transientRuns: 0, variedArgumentRuns: 0 });
    // No call to it went through anywhere: nothing shows it rejecting inputs rather than being broken.
    const t4 = cause([varied('n1'), varied('n2')]);
    expect(t4.rootCause.statement).toMatch(/^No call to `charge_card` went through in any run here/);
    expect(t4.rootCause.statement).not.toMatch(/rejected/);
  });

  it('does not call a success that overlaps the refused call (nested or concurrent) a retry', () => {
    const overlapping = (id: string) => {
      const t = run({ id, steps: [{ llm: 'a', error: 'rate limited' }, { llm: 'b' }] });
      // The success starts while the refused call is still open, as a nested call does.
      const [refused, ok] = t.spans.filter((s) => s.kind === 'llm');
      ok!.startTime = refused!.startTime;
      ok!.parentId = refused!.spanId;
      return t;
    };
    const traces = [overlapping('n1'), overlapping('n2'), run({ id: 'r1', steps: [{ llm: 'a', error: 'rate limited' }, { llm: 'b' }] })];
    const found = detect.retries!(traces, { minTraces: 1 });
    assertVerifiable(found, traces);
    expect(only(found, 'rate_limit_retry').data!.traceIds).toEqual(['r1']);
  });

  it('reports rate limits that a retry got past as a low-severity latency finding', () => {
    const traces = [
      run({ id: 'q1', steps: [{ llm: 'a', error: '429 Too Many Requests: rate limit exceeded' }, { llm: 'a' }, { tool: 'lookup_order', args: {} }] }),
      run({ id: 'q2', steps: [{ llm: 'a', error: 'Rate limit reached for gpt-4o' }, { llm: 'a', error: 'Rate limit reached for gpt-4o' }, { llm: 'ok' }] }),
      run({ id: 'q3', steps: [{ llm: 'a', error: '429 rate limit' }] }),
    ];
    const found = detect.retries!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'rate_limit_retry');
    expect(f.data!.traceIds).toEqual(['q1', 'q2']);
    expect([f.severity, f.category]).toEqual(['low', 'latency']);
  });
});

describe('detect.consistency', () => {
  it('does not name an unnamed agent "unknown" in its fix', () => {
    const rewards: Record<string, number[]> = { t1: [1, 0, 1, 0], t2: [1, 1, 0, 0], t3: [1, 1, 1, 1] };
    const traces = Object.entries(rewards).flatMap(([task, rs]) =>
      rs.map((r, i) => cleanRun(`${task}-${i}`, i, { agent: '', taskId: task, outcome: { reward: r } })),
    );
    const [f] = detect.consistency!(traces);
    expect(f!.title).toMatch(/^Agent runs: the same task passes on some trials and fails on others/);
    expect(f!.fix.summary).not.toMatch(/unknown/);
  });

  it('computes pass^k per task and overall as C(c,k)/C(n,k), and lists the flaky tasks', () => {
    const rewards: Record<string, number[]> = { t1: [1, 1, 1, 1], t2: [1, 0, 1, 0], t3: [0, 0, 0, 0], t4: [1, 1, 1, 0] };
    const traces = Object.entries(rewards).flatMap(([task, rs]) =>
      rs.map((r, i) => cleanRun(`${task}-${i}`, i, { taskId: task, outcome: { reward: r } })),
    );
    const found = detect.consistency!(traces);
    assertVerifiable(found, traces);
    const f = only(found, 'consistency:pass_k');
    expect(f.data!.flakyTasks).toEqual(['t2', 't4']);
    expect(f.data!.traceIds).toEqual(['t2-0', 't2-1', 't2-2', 't2-3', 't4-0', 't4-1', 't4-2', 't4-3']);
    // Expected by hand: pass^k averaged over t1 (c=4), t2 (c=2), t3 (c=0), t4 (c=3), n=4.
    const expected = [
      (1 + 2 / 4 + 0 + 3 / 4) / 4,
      (1 + 1 / 6 + 0 + 3 / 6) / 4,
      (1 + 0 + 0 + 1 / 4) / 4,
      (1 + 0 + 0 + 0) / 4,
    ];
    const curve = f.data!.passK as { k: number; value: number }[];
    expect(curve.map((p) => p.k)).toEqual([1, 2, 3, 4]);
    curve.forEach((p, i) => expect(p.value).toBeCloseTo(expected[i]!, 12));
    const t4 = (f.data!.tasks as { taskId: string; passK: { value: number }[] }[]).find((t) => t.taskId === 't4')!;
    expect(t4.passK.map((p) => p.value)).toEqual([0.75, 0.5, 0.25, 0]);
    expect(passHatK(5, 3, 2)).toBeCloseTo(3 / 10, 12);
  });

  it('leaves single-trial tasks out of the curve', () => {
    const traces = [
      ...[1, 0].map((r, i) => cleanRun(`r${i}`, i, { taskId: 'repeated', outcome: { reward: r } })),
      ...Array.from({ length: 10 }, (_, i) => cleanRun(`s${i}`, i, { taskId: `single-${i}`, outcome: { reward: 1 } })),
    ];
    const f = only(detect.consistency!(traces), 'consistency:pass_k');
    expect(f.data!.passK).toEqual([{ k: 1, value: 0.5 }, { k: 2, value: 0 }]);
    expect(f.data!.traceIds).toEqual(['r0', 'r1']);
  });

  it('counts runs made with different models, or read from different files when no model is recorded, as separate configurations, not trials', () => {
    const made = (t: Trace, model: string | null, file = 'runs.jsonl'): Trace => ({ ...t, source: { ...t.source, file }, spans: t.spans.map((s) => (s.kind === 'llm' ? { ...s, model } : s)) });
    // One run per task from each of two models: a comparison of models, not flakiness.
    const twoModels = ['t1', 't2', 't3'].flatMap((task, i) => [
      made(cleanRun(`${task}-a`, i, { taskId: task, outcome: { reward: 1 } }), 'model-a'),
      made(cleanRun(`${task}-b`, i, { taskId: task, outcome: { reward: 0 } }), 'model-b'),
    ]);
    expect(detect.consistency!(twoModels)).toEqual([]);
    // The same, from two result files of a source that records no model (InterCode's one file per model).
    const twoFiles = twoModels.map((t, i) => made(t, null, i % 2 === 0 ? 'results/gpt-3.5.json' : 'results/gpt-4.json'));
    expect(detect.consistency!(twoFiles)).toEqual([]);
    // Trials of one model that vary are still found, and named by the model when the agent ran more than one way.
    const trials = [...twoModels, made(cleanRun('t1-a2', 9, { taskId: 't1', outcome: { reward: 0 } }), 'model-a')];
    const found = detect.consistency!(trials);
    assertVerifiable(found, trials);
    const f = only(found, 'consistency:pass_k:model model-a');
    expect(f.title).toMatch(/runs \(model model-a\): the same task passes on some trials/);
    expect(f.data!.traceIds).toEqual(['t1-a', 't1-a2']);
  });

  it('stays quiet when every task is consistent', () => {
    const traces = ['a', 'b'].flatMap((task, j) => [0, 1, 2].map((i) => cleanRun(`${task}${i}`, i, { taskId: task, outcome: { success: j === 0 } })));
    expect(detect.consistency!(traces)).toEqual([]);
  });
});

describe('odd input', () => {
  it('survives fields of unexpected types (model code may hand detectors modified traces)', () => {
    const rnd = prng(7);
    const oddValues = [null, undefined, 0, -1, NaN, '', 'x', '{"a":', [], {}, { a: [1, { b: null }] }, true, 'Error: boom'];
    const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const spanFields = ['name', 'kind', 'status', 'statusMessage', 'model', 'tool', 'input', 'output', 'messages', 'tokens', 'costUsd', 'error', 'attributes', 'startTime', 'endTime'];
    const traceFields = ['agentName', 'taskId', 'outcome', 'tokens', 'costUsd', 'durationMs', 'status', 'rootSpanId'];
    for (let round = 0; round < 30; round++) {
      const traces = [...cleanWeek(25), ...['f', 'g'].map((p, i) => cleanRun(`${p}${round}`, i, { taskId: 'T', outcome: { reward: i } }))];
      for (const t of traces) {
        for (const s of t.spans) {
          if (rnd() < 0.3) (s as unknown as Record<string, unknown>)[pick(spanFields)] = pick(oddValues);
          if (s.tool && typeof s.tool === 'object' && rnd() < 0.3) (s.tool as unknown as Record<string, unknown>)[pick(['name', 'arguments', 'result'])] = pick(oddValues);
          if (s.error && typeof s.error === 'object' && rnd() < 0.5) (s.error as unknown as Record<string, unknown>).message = pick(oddValues);
        }
        if (rnd() < 0.3) (t as unknown as Record<string, unknown>)[pick(traceFields)] = pick(oddValues);
      }
      const found = runDetectors(traces);
      for (const f of found) expect(() => FindingInput.parse(f), f.title).not.toThrow();
    }
  });
});

describe('checkSchema', () => {
  it('checks type, required, enum, nested properties, items and additionalProperties', async () => {
    const { checkSchema } = await import('../sandbox/detectors/schema-check.ts');
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'items'],
      properties: {
        id: { type: 'string' },
        note: { type: 'string', nullable: true },
        qty: { type: ['integer', 'null'] },
        items: { type: 'array', items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' }, size: { enum: ['S', 'M'] } } } },
      },
    };
    expect(checkSchema({ id: 'a', note: null, qty: null, items: [{ sku: 'x', size: 'S' }] }, schema)).toEqual([]);
    const v = checkSchema({ qty: 1.5, items: [{ size: 'XL' }], extra: 1 }, schema);
    expect(v.map((x) => `${x.kind}:${x.path}`)).toEqual(['missing:id', 'type:qty', 'missing:items[].sku', 'enum:items[].size', 'unexpected:extra']);
  });
});
