// Data the HTML report draws, computed next to the traces (inside the isolate,
// so the parent never holds the dataset). Pure: no Node imports, no zod.
//
// Everything here is bounded, because it ends up embedded in one HTML file:
// a million-span week must still give a report of a few MB. Aggregates are
// small by construction (days × categories, agents × buckets); the drill-down
// traces are capped in number, spans per trace, and characters of text.
import type { Span, Trace } from '../types.ts';

export const REPORT_DATA_VERSION = 1;

/** Caps on what is embedded. Exported so callers (and tests) can see the limits. */
export const REPORT_LIMITS = {
  /** Cited traces embedded per finding. */
  tracesPerFinding: 10,
  /** Cited traces embedded in total. */
  traces: 200,
  /** Spans kept per embedded trace (cited spans and their ancestors always kept). */
  spansPerTrace: 400,
  /** Spans kept across all embedded traces; shared out per trace. */
  spansTotal: 12_000,
  /** Characters kept of one text field (input, output, args, result...). */
  field: 4000,
  /** Characters of text across all embedded traces; shared out per trace. */
  textTotal: 2_000_000,
  /** Per-trace share of `textTotal` never exceeds this. */
  textPerTrace: 96_000,
  /** Time buckets on the per-day chart; wider windows use wider buckets. */
  timeBuckets: 62,
  /** Agents drawn in the distribution and pass^k charts. */
  agents: 8,
  /** Findings on the top-findings chart. */
  topFindings: 12,
  /** Largest k on the pass^k curves. */
  maxK: 16,
} as const;

/** The part of a finding the report data needs (findings are plain JSON here). */
export interface ReportFindingInput {
  evidence: { traceId: string; spanId?: string }[];
  category: string;
  fingerprint?: string;
  key?: unknown;
  title?: string;
  severity?: string;
  prevalence?: { traces: number; total: number; share: number };
  data?: Record<string, unknown>;
}

export interface Histogram {
  /** Number of values (including zeros). */
  count: number;
  /** Values ≤ 0 (e.g. traces with no recorded cost); not in any bucket. */
  zeros: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  /** Log-spaced buckets over (min, max]: [lo, hi) with a count. */
  buckets: { lo: number; hi: number; count: number }[];
}

export interface AgentDistribution {
  agent: string;
  traces: number;
  /** Null when no trace of this agent records a cost. */
  cost: Histogram | null;
  latency: Histogram | null;
}

export interface PassKCurve {
  agent: string;
  /** Tasks tried at least twice (the curve is over these). */
  tasks: number;
  /** Tasks with a task id and an outcome, however often tried. */
  allTasks: number;
  /** Trials per repeated task: smallest and largest. */
  trialsMin: number;
  trialsMax: number;
  /** pass^k = mean over repeated tasks with n ≥ k trials of C(c,k)/C(n,k). */
  points: { k: number; value: number; tasks: number }[];
}

export interface ReportSpan {
  id: string;
  parent: string | null;
  name: string;
  kind: string;
  status: string;
  /** Start offset from the trace start, ms. */
  start: number;
  duration: number;
  depth: number;
  model?: string;
  tool?: { name: string; args?: string; result?: string; argsInvalid?: boolean };
  tokens?: { input: number; output: number; total: number };
  cost?: number;
  error?: string;
  statusMessage?: string;
  input?: string;
  output?: string;
  /** Text fields that were cut to fit the budget. */
  truncated?: boolean;
}

export interface ReportTrace {
  traceId: string;
  agent: string | null;
  taskId: string | null;
  status: string;
  startTime: number;
  durationMs: number;
  costUsd: number;
  tokens: { input: number; output: number; total: number };
  outcome: { success?: boolean; reward?: number; label?: string } | null;
  file: string;
  format: string;
  /** Spans in tree order (parent before children, siblings by start time). */
  spans: ReportSpan[];
  /** Total spans in the trace; more than `spans.length` when capped. */
  spanCount: number;
}

export interface ReportData {
  version: number;
  totals: { traces: number; spans: number; errorTraces: number; agents: number };
  /** Time range of the traces (epoch ms), null when there are none. */
  range: { start: number; end: number } | null;
  /** Affected traces per category per time bucket (by trace start, UTC). */
  failuresByDay: {
    /** Bucket start dates, YYYY-MM-DD (UTC). */
    days: string[];
    /** Days per bucket (1 unless the window is wide). */
    bucketDays: number;
    series: { category: string; counts: number[]; total: number }[];
  };
  /** Findings by affected traces, largest first. */
  topFindings: { ref: string; title: string; category: string; severity: string; traces: number }[];
  passK: PassKCurve[];
  distributions: AgentDistribution[];
  /** Embedded cited traces (an array, not a map: trace ids are untrusted and may be `__proto__`). */
  traces: ReportTrace[];
  limits: {
    tracesCited: number;
    tracesEmbedded: number;
    spansOmitted: number;
    fieldsTruncated: number;
  };
}

const DAY = 86_400_000;

function agentOf(t: Trace): string {
  return t.agentName || t.agentId || t.service || 'unknown';
}

/** A finding's identity across the isolate/parent boundary: fingerprint, else key, else title. */
export function findingRef(f: { fingerprint?: string; key?: unknown; title?: string }, index: number): string {
  if (f.fingerprint) return f.fingerprint;
  const k = f.key as { component?: unknown; signature?: unknown } | undefined;
  if (k && typeof k.component === 'string' && typeof k.signature === 'string') return `${k.component}::${k.signature}`;
  return f.title ? `title::${f.title}` : `#${index}`;
}

/** The traces a finding affects: `data.traceIds` when the detector listed them, else its evidence. */
export function affectedTraceIds(f: ReportFindingInput): string[] {
  const listed = f.data?.traceIds;
  const ids = Array.isArray(listed) && listed.every((x) => typeof x === 'string') ? (listed as string[]) : f.evidence.map((e) => e.traceId);
  return [...new Set(ids)];
}

function isoDay(ms: number): string {
  return new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10);
}

function failuresByDay(traces: Trace[], findings: ReportFindingInput[], byId: Map<string, Trace>): ReportData['failuresByDay'] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of traces) {
    if (!Number.isFinite(t.startTime)) continue;
    if (t.startTime < lo) lo = t.startTime;
    if (t.startTime > hi) hi = t.startTime;
  }
  if (lo > hi) return { days: [], bucketDays: 1, series: [] };
  const first = Math.floor(lo / DAY);
  const spanDays = Math.floor(hi / DAY) - first + 1;
  const bucketDays = Math.max(1, Math.ceil(spanDays / REPORT_LIMITS.timeBuckets));
  const n = Math.ceil(spanDays / bucketDays);
  const days = Array.from({ length: n }, (_, i) => isoDay((first + i * bucketDays) * DAY));

  // A trace counts once per category, however many findings of that category cite it.
  const seen = new Map<string, Set<string>>();
  for (const f of findings) {
    let set = seen.get(f.category);
    if (!set) seen.set(f.category, (set = new Set()));
    for (const id of affectedTraceIds(f)) set.add(id);
  }
  const series: ReportData['failuresByDay']['series'] = [];
  for (const [category, ids] of seen) {
    const counts = new Array<number>(n).fill(0);
    let total = 0;
    for (const id of ids) {
      const t = byId.get(id);
      if (!t || !Number.isFinite(t.startTime)) continue;
      const b = Math.min(n - 1, Math.floor((Math.floor(t.startTime / DAY) - first) / bucketDays));
      counts[b]! += 1;
      total += 1;
    }
    if (total > 0) series.push({ category, counts, total });
  }
  series.sort((a, b) => b.total - a.total || a.category.localeCompare(b.category));
  return { days, bucketDays, series };
}

function topFindings(findings: ReportFindingInput[], byId: Map<string, Trace>): ReportData['topFindings'] {
  return findings
    .map((f, i) => ({
      ref: findingRef(f, i),
      title: f.title ?? `${f.category} finding`,
      category: f.category,
      severity: f.severity ?? 'info',
      // Verified prevalence when the finding carries it; else what the data shows.
      traces: f.prevalence?.traces ?? affectedTraceIds(f).filter((id) => byId.has(id)).length,
    }))
    .sort((a, b) => b.traces - a.traces || a.title.localeCompare(b.title))
    .slice(0, REPORT_LIMITS.topFindings);
}

/** C(c,k)/C(n,k) without large intermediates: the chance k draws without replacement all pass. */
function passRatio(c: number, n: number, k: number): number {
  if (k > n) return NaN;
  if (c < k) return 0;
  let r = 1;
  for (let i = 0; i < k; i++) r *= (c - i) / (n - i);
  return r;
}

function passed(t: Trace): boolean | null {
  const o = t.outcome;
  if (!o) return null;
  if (typeof o.success === 'boolean') return o.success;
  if (typeof o.reward === 'number' && Number.isFinite(o.reward)) return o.reward >= 1 - 1e-6;
  return null;
}

function passK(traces: Trace[]): PassKCurve[] {
  const byAgent = new Map<string, Map<string, { n: number; c: number }>>();
  for (const t of traces) {
    if (!t.taskId) continue;
    const p = passed(t);
    if (p === null) continue;
    const agent = agentOf(t);
    let tasks = byAgent.get(agent);
    if (!tasks) byAgent.set(agent, (tasks = new Map()));
    const s = tasks.get(t.taskId) ?? { n: 0, c: 0 };
    s.n += 1;
    if (p) s.c += 1;
    tasks.set(t.taskId, s);
  }
  const curves: PassKCurve[] = [];
  for (const [agent, tasks] of byAgent) {
    // Consistency is only observable on tasks tried more than once; a curve
    // over them all would mix in single-run tasks at k = 1 only.
    const stats = [...tasks.values()].filter((s) => s.n >= 2);
    if (stats.length === 0) continue;
    const trialsMax = Math.max(...stats.map((s) => s.n));
    const trialsMin = Math.min(...stats.map((s) => s.n));
    const points: PassKCurve['points'] = [];
    for (let k = 1; k <= Math.min(trialsMax, REPORT_LIMITS.maxK); k++) {
      let sum = 0;
      let m = 0;
      for (const s of stats) {
        if (s.n < k) continue;
        sum += passRatio(s.c, s.n, k);
        m += 1;
      }
      if (m > 0) points.push({ k, value: sum / m, tasks: m });
    }
    curves.push({ agent, tasks: stats.length, allTasks: tasks.size, trialsMin, trialsMax, points });
  }
  curves.sort((a, b) => b.tasks - a.tasks || a.agent.localeCompare(b.agent));
  return curves.slice(0, REPORT_LIMITS.agents);
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Log-bucketed histogram (4 buckets per decade, snapped to 1-2-5-ish edges) with exact percentiles. */
export function histogram(values: number[]): Histogram | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = Float64Array.from(finite).sort();
  const positive = sorted.filter((v) => v > 0);
  const zeros = sorted.length - positive.length;
  const h: Histogram = {
    count: sorted.length,
    zeros,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    buckets: [],
  };
  if (positive.length === 0) return h;
  const perDecade = 4;
  let lo = Math.floor(Math.log10(positive[0]!) * perDecade);
  let hi = Math.floor(Math.log10(positive[positive.length - 1]!) * perDecade) + 1;
  if (hi - lo > 48) hi = lo + 48; // 12 decades is more than any cost or latency needs
  // At least two decades of axis, so a tight distribution reads as tight, not as one wide bar.
  if (hi - lo < 8) {
    const pad = 8 - (hi - lo);
    lo -= Math.floor(pad / 2);
    hi += Math.ceil(pad / 2);
  }
  const edge = (i: number) => Math.pow(10, i / perDecade);
  const counts = new Array<number>(hi - lo).fill(0);
  for (const v of positive) {
    const i = Math.min(hi - lo - 1, Math.max(0, Math.floor(Math.log10(v) * perDecade) - lo));
    counts[i]! += 1;
  }
  h.buckets = counts.map((count, i) => ({ lo: edge(lo + i), hi: edge(lo + i + 1), count }));
  return h;
}

function distributions(traces: Trace[]): AgentDistribution[] {
  const byAgent = new Map<string, { cost: number[]; latency: number[]; costSeen: boolean }>();
  for (const t of traces) {
    const a = agentOf(t);
    let d = byAgent.get(a);
    if (!d) byAgent.set(a, (d = { cost: [], latency: [], costSeen: false }));
    d.latency.push(t.durationMs);
    d.cost.push(t.costUsd ?? 0);
    if (t.costUsd > 0) d.costSeen = true;
  }
  return [...byAgent.entries()]
    .sort((a, b) => b[1].latency.length - a[1].latency.length || a[0].localeCompare(b[0]))
    .slice(0, REPORT_LIMITS.agents)
    .map(([agent, d]) => ({
      agent,
      traces: d.latency.length,
      cost: d.costSeen ? histogram(d.cost) : null,
      latency: histogram(d.latency),
    }));
}

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

function embedTrace(t: Trace, cited: Set<string>, spanBudget: number, textBudget: number, limits: ReportData['limits']): ReportTrace {
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
function citedTraces(findings: ReportFindingInput[], byId: Map<string, Trace>): { picked: Map<string, Set<string>>; cited: number } {
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

/** `findings` are the verified findings (plain JSON); cited traces are embedded for drill-down. */
export function buildReportData(traces: Trace[], findings: ReportFindingInput[]): ReportData {
  const byId = new Map<string, Trace>();
  let spans = 0;
  let errorTraces = 0;
  let start = Infinity;
  let end = -Infinity;
  const agents = new Set<string>();
  for (const t of traces) {
    byId.set(t.traceId, t);
    spans += t.spans.length;
    if (t.status === 'error') errorTraces += 1;
    if (Number.isFinite(t.startTime) && t.startTime < start) start = t.startTime;
    const e = Number.isFinite(t.endTime) ? t.endTime : t.startTime;
    if (Number.isFinite(e) && e > end) end = e;
    agents.add(agentOf(t));
  }

  const limits: ReportData['limits'] = { tracesCited: 0, tracesEmbedded: 0, spansOmitted: 0, fieldsTruncated: 0 };
  const { picked, cited } = citedTraces(findings, byId);
  limits.tracesCited = cited;
  const n = Math.max(1, picked.size);
  const textPerTrace = Math.min(REPORT_LIMITS.textPerTrace, Math.floor(REPORT_LIMITS.textTotal / n));
  const spansPerTrace = Math.min(REPORT_LIMITS.spansPerTrace, Math.floor(REPORT_LIMITS.spansTotal / n));
  const embedded: ReportTrace[] = [];
  for (const [id, citedSpans] of picked) embedded.push(embedTrace(byId.get(id)!, citedSpans, spansPerTrace, textPerTrace, limits));
  limits.tracesEmbedded = picked.size;

  return {
    version: REPORT_DATA_VERSION,
    totals: { traces: traces.length, spans, errorTraces, agents: agents.size },
    range: start <= end ? { start, end } : null,
    failuresByDay: failuresByDay(traces, findings, byId),
    topFindings: topFindings(findings, byId),
    passK: passK(traces),
    distributions: distributions(traces),
    traces: embedded,
    limits,
  };
}
