// The cited traces, embedded for the page's drill-down: capped in number,
// spans per trace and characters of text. Pure: bundled into the isolate.
import type { Span, Trace } from '../../types.ts';
import { REPORT_LIMITS, type ReportData, type ReportFindingInput, type ReportSpan, type ReportTrace } from './types.ts';

/** Text for a report field: strings as they are, everything else as indented JSON. */
function toText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v, null, 2) ?? String(v);
  } catch {
    return String(v);
  }
}

function spanInputText(s: Span): string | undefined {
  const direct = toText(s.input);
  if (direct !== undefined) return direct;
  if (s.messages && s.messages.length > 0) {
    return s.messages
      .map((m) => {
        const calls = m.toolCalls?.length ? `\n→ ${m.toolCalls.map((c) => `${c.name}(${toText(c.arguments) ?? ''})`).join('\n→ ')}` : '';
        return `[${m.role}] ${m.content ?? ''}${calls}`;
      })
      .join('\n\n');
  }
  return undefined;
}

/** Cuts text to a character budget that the caller draws down. */
class TextBudget {
  truncated = 0;
  constructor(public left: number) {}
  take(text: string | undefined, fieldMax: number): { text?: string; cut: boolean } {
    if (text === undefined || text === '') return { cut: false };
    const max = Math.max(0, Math.floor(Math.min(fieldMax, this.left)));
    if (text.length <= max) {
      this.left -= text.length;
      return { text, cut: false };
    }
    this.truncated += 1;
    // Too little budget left for a useful head: drop the field, the span says it was cut.
    if (max < 80) return { cut: true };
    const head = text.slice(0, max);
    this.left -= max;
    return { text: `${head}\n…[truncated: ${(text.length - max).toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} chars not shown]`, cut: true };
  }
}

export function embedTrace(t: Trace, cited: Set<string>, spanBudget: number, textBudget: number, limits: ReportData['limits']): ReportTrace {
  const byId = new Map<string, Span>();
  for (const s of t.spans) byId.set(s.spanId, s);

  // Keep cited spans and their nearest ancestors (a deep chain must not blow the
  // cap), then fill up in start order.
  const keep = new Set<string>();
  for (const id of cited) {
    let cur = byId.get(id);
    let depth = 0;
    while (cur && !keep.has(cur.spanId) && depth++ <= 32) {
      keep.add(cur.spanId);
      cur = cur.parentId ? byId.get(cur.parentId) : undefined;
    }
  }
  const byStart = [...t.spans].sort((a, b) => a.startTime - b.startTime);
  for (const s of byStart) {
    if (keep.size >= spanBudget) break;
    keep.add(s.spanId);
  }
  limits.spansOmitted += t.spans.length - keep.size;

  // Tree order: roots (no parent, or a parent that is not kept) first by start, then depth-first.
  const children = new Map<string | null, Span[]>();
  for (const s of byStart) {
    if (!keep.has(s.spanId)) continue;
    const p = s.parentId && keep.has(s.parentId) && s.parentId !== s.spanId ? s.parentId : null;
    const list = children.get(p);
    if (list) list.push(s);
    else children.set(p, [s]);
  }
  const ordered: { span: Span; depth: number }[] = [];
  const visited = new Set<string>();
  const stack: { span: Span; depth: number }[] = (children.get(null) ?? []).map((span) => ({ span, depth: 0 })).reverse();
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (visited.has(item.span.spanId)) continue;
    visited.add(item.span.spanId);
    ordered.push(item);
    const kids = children.get(item.span.spanId) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: item.depth + 1 });
  }
  // Spans caught in a parent cycle never hang off a root; show them flat rather than lose them.
  for (const s of byStart) if (keep.has(s.spanId) && !visited.has(s.spanId)) ordered.push({ span: s, depth: 0 });

  // Cited spans get their text first so the budget never starves what the evidence points at.
  type Field = 'input' | 'output' | 'args' | 'result' | 'error' | 'statusMessage';
  const raw = new Map<string, [Field, string][]>();
  for (const { span: s } of ordered) {
    // The status message often repeats the error; show it once.
    const errText = s.error ? s.error.message : undefined;
    const fields: [Field, string | undefined][] = [
      ['error', s.error ? (s.error.type ? `${s.error.type}: ${s.error.message}` : s.error.message) : undefined],
      ['statusMessage', s.statusMessage && s.statusMessage !== errText ? s.statusMessage : undefined],
      ['args', s.tool ? toText(s.tool.arguments) : undefined],
      ['result', s.tool ? toText(s.tool.result) : undefined],
      ['input', spanInputText(s)],
      ['output', toText(s.output)],
    ];
    raw.set(s.spanId, fields.filter((f): f is [Field, string] => typeof f[1] === 'string' && f[1] !== ''));
  }
  // Cited spans get their text first, whole up to the field cap, so the budget
  // never starves what the evidence points at; the rest share what is left
  // evenly, so every span keeps a readable head.
  const budget = new TextBudget(textBudget);
  const texts = new Map<string, Partial<Record<Field, string>> & { cut?: boolean }>();
  const citedFirst = [...ordered].sort((a, b) => Number(cited.has(b.span.spanId)) - Number(cited.has(a.span.spanId)));
  let fieldsLeft = 0;
  for (const { span: s } of ordered) if (!cited.has(s.spanId)) fieldsLeft += raw.get(s.spanId)!.length;
  for (const { span: s } of citedFirst) {
    const isCited = cited.has(s.spanId);
    const out: Partial<Record<Field, string>> & { cut?: boolean } = {};
    for (const [k, v] of raw.get(s.spanId)!) {
      const max = isCited ? REPORT_LIMITS.field : Math.min(REPORT_LIMITS.field / 2, Math.max(160, Math.floor(budget.left / Math.max(1, fieldsLeft))));
      if (!isCited) fieldsLeft -= 1;
      const r = budget.take(v, max);
      if (r.text !== undefined) out[k] = r.text;
      if (r.cut) out.cut = true;
    }
    texts.set(s.spanId, out);
  }
  limits.fieldsTruncated += budget.truncated;

  const t0 = t.startTime;
  const spans: ReportSpan[] = ordered.map(({ span: s, depth }) => {
    const tx = texts.get(s.spanId) ?? {};
    const r: ReportSpan = {
      id: s.spanId,
      parent: s.parentId,
      name: s.name,
      kind: s.kind,
      status: s.status,
      start: Math.max(0, s.startTime - t0),
      duration: Math.max(0, s.durationMs),
      depth,
    };
    if (s.model) r.model = s.model;
    if (s.tool) {
      r.tool = { name: s.tool.name };
      if (tx.args !== undefined) r.tool.args = tx.args;
      if (tx.result !== undefined) r.tool.result = tx.result;
      if (s.tool.argumentsInvalid) r.tool.argsInvalid = true;
    }
    if (s.tokens) r.tokens = { input: s.tokens.input, output: s.tokens.output, total: s.tokens.total };
    if (typeof s.costUsd === 'number' && s.costUsd > 0) r.cost = s.costUsd;
    if (tx.error !== undefined) r.error = tx.error;
    if (tx.statusMessage !== undefined) r.statusMessage = tx.statusMessage;
    if (tx.input !== undefined) r.input = tx.input;
    if (tx.output !== undefined) r.output = tx.output;
    if (tx.cut) r.truncated = true;
    return r;
  });

  return {
    traceId: t.traceId,
    agent: t.agentName || t.agentId || null,
    taskId: t.taskId,
    status: t.status,
    startTime: t.startTime,
    durationMs: t.durationMs,
    costUsd: t.costUsd,
    tokens: { input: t.tokens.input, output: t.tokens.output, total: t.tokens.total },
    outcome: t.outcome ? { ...t.outcome } : null,
    file: t.source.file,
    format: t.source.format,
    spans,
    spanCount: t.spans.length,
  };
}

/** Picks the cited traces to embed: evidence order per finding, round-robin so every finding gets some. */
export function citedTraces(findings: ReportFindingInput[], byId: Map<string, Trace>): { picked: Map<string, Set<string>>; cited: number } {
  const perFinding = findings.map((f) => {
    const ids: string[] = [];
    for (const e of f.evidence) if (byId.has(e.traceId) && !ids.includes(e.traceId)) ids.push(e.traceId);
    return ids.slice(0, REPORT_LIMITS.tracesPerFinding);
  });
  const allCited = new Set<string>();
  for (const f of findings) for (const e of f.evidence) allCited.add(e.traceId);
  const picked = new Map<string, Set<string>>();
  for (let round = 0; round < REPORT_LIMITS.tracesPerFinding; round++) {
    for (const ids of perFinding) {
      const id = ids[round];
      if (id === undefined || picked.has(id)) continue;
      if (picked.size >= REPORT_LIMITS.traces) break;
      picked.set(id, new Set());
    }
  }
  for (const f of findings) for (const e of f.evidence) if (e.spanId) picked.get(e.traceId)?.add(e.spanId);
  return { picked, cited: allCited.size };
}
