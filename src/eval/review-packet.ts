// Packets for a blind reviewer (QUALITY-RUBRIC "What the reviewer sees"): per
// finding, its claims (title, summary, root cause, fix, severity, prevalence,
// impact, named agent) and, for cited traces drawn at random with a seed, the
// raw source records of the cited spans, the call before and the call after
// each, and the run's outcome. Nothing from the detectors' code or their
// verification goes in: the reviewer judges the claim against the data.
import type { Finding, FindingsFile } from '../findings/schema.ts';
import { prng } from '../prng.ts';
import type { Span, Trace } from '../types.ts';
import { bounded, DEFAULT_BOUNDS, indexRecords, rawPart, recordHeader, refFor, type Bounds, type RawPart, type RecordRef } from './raw-records.ts';

export interface PacketOptions {
  seed: number;
  /** Cited traces opened per finding (all when fewer are cited). */
  tracesPerFinding: number;
  /** Cited spans shown per opened trace; the rest are counted. */
  spansPerTrace: number;
}

export const DEFAULT_PACKET_OPTIONS: PacketOptions = { seed: 1, tracesPerFinding: 3, spansPerTrace: 6 };

export interface SpanView {
  /** Halo's id for the span (what findings.json cites) and where its source record is. */
  spanId: string;
  source: string | null;
  kind: string;
  name: string;
  status: string;
  /** The span's part of its source record; empty when no part holds its id or text verbatim. */
  raw: RawPart[];
  /** The whole record's top-level facts when the span is one of many in it. */
  note?: string;
}

export interface CitedSpan extends SpanView {
  /** What the finding says of it: `evidence` (with its note), or the occurrence role (received, repeated, requested…). */
  cited: string;
  before: SpanView | null;
  after: SpanView | null;
}

export interface TracePacket {
  traceId: string;
  file: string;
  outcome: unknown;
  /** The source record's own top-level fields (reward, status, exit status…), for whole-run records. */
  recordFacts: Record<string, unknown> | null;
  cited: CitedSpan[];
  citedNotShown: number;
}

export interface ReviewPacket {
  findingId: string;
  rank: number;
  claim: {
    title: string;
    category: string;
    severity: string;
    summary: string;
    rootCause: { statement: string; confidence: string };
    fix: { summary: string; kind: string };
    prevalence: unknown;
    impact: unknown;
    component: string;
    agent: string | null;
  };
  citedTraces: number;
  openedAtRandom: { seed: number; traces: string[] };
  traces: TracePacket[];
}

/** Every span a finding cites, by trace, with what it cites it as. */
export function citations(f: Finding): Map<string, { spanId: string; cited: string }[]> {
  const out = new Map<string, { spanId: string; cited: string }[]>();
  const add = (traceId: string, spanId: string | undefined, cited: string) => {
    const list = out.get(traceId) ?? out.set(traceId, []).get(traceId)!;
    if (spanId && !list.some((c) => c.spanId === spanId)) list.push({ spanId, cited });
  };
  for (const e of f.evidence) add(e.traceId, e.spanId, e.note ? `evidence: ${e.note}` : 'evidence');
  const occ = f.data?.occurrences;
  if (Array.isArray(occ)) {
    for (const o of occ as { traceId?: unknown; spanId?: unknown; role?: unknown }[]) {
      if (typeof o?.traceId === 'string') add(o.traceId, typeof o.spanId === 'string' ? o.spanId : undefined, typeof o.role === 'string' ? `occurrence (${o.role})` : 'occurrence');
    }
  }
  return out;
}

/** `k` of `items` drawn without replacement by a seeded generator, in their original order. */
export function draw<T>(items: T[], k: number, seed: number): T[] {
  if (items.length <= k) return [...items];
  const rand = prng(seed);
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx
    .slice(0, k)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function isCall(s: Span): boolean {
  return s.kind === 'llm' || s.kind === 'tool';
}

/** The model or tool calls just before and just after `s` in the run, outside `s` itself (its ancestors and descendants). */
export function neighbours(trace: Trace, s: Span): { before: Span | null; after: Span | null } {
  const byId = new Map(trace.spans.map((x) => [x.spanId, x]));
  const order = new Map(trace.spans.map((x, i) => [x.spanId, i]));
  const related = (a: Span, b: Span) => {
    for (let cur: Span | undefined = b, g = 0; cur && g < 1000; g++, cur = cur.parentId ? byId.get(cur.parentId) : undefined) if (cur.spanId === a.spanId) return true;
    return false;
  };
  const calls = trace.spans.filter((x) => isCall(x) && x.spanId !== s.spanId && !related(s, x) && !related(x, s));
  const key = (x: Span) => [x.startTime, order.get(x.spanId)!] as const;
  const cmp = (a: readonly [number, number], b: readonly [number, number]) => a[0] - b[0] || a[1] - b[1];
  const me = key(s);
  let before: Span | null = null;
  let after: Span | null = null;
  for (const c of calls) {
    const k = key(c);
    if (cmp(k, me) < 0) {
      if (!before || cmp(k, key(before)) > 0) before = c;
    } else if (!after || cmp(k, key(after)) < 0) after = c;
  }
  return { before, after };
}

function view(ref: RecordRef | undefined, s: Span): SpanView {
  const base = { spanId: s.spanId, source: ref?.source ?? null, kind: s.kind, name: s.name, status: s.status };
  if (!ref) return { ...base, raw: [], note: 'no source record found for this span (its file was not given with --traces)' };
  const raw = rawPart(ref, s);
  return raw.length ? { ...base, raw } : { ...base, raw, note: 'no part of the source record holds this span\'s id, tool-call id or text verbatim (Halo derived it from the record as a whole)' };
}

/**
 * The packet with every raw value cut to `b` (packets are built whole, then
 * bounded, so a caller can shrink one that is too long without reading the
 * sources again).
 */
export function boundPacket(p: ReviewPacket, b: Bounds = DEFAULT_BOUNDS): ReviewPacket {
  const part = (v: SpanView): SpanView => ({ ...v, raw: v.raw.map((r) => ({ ...r, value: bounded(r.value, b) })) });
  return {
    ...p,
    traces: p.traces.map((t) => ({
      ...t,
      recordFacts: t.recordFacts ? (bounded(t.recordFacts, b) as Record<string, unknown>) : null,
      cited: t.cited.map((c) => ({ ...c, ...part(c), before: c.before ? part(c.before) : null, after: c.after ? part(c.after) : null })),
    })),
  };
}

/** Raw parts are kept whole here; bound them with `boundPacket` before writing. */
export async function buildReviewPackets(file: FindingsFile, traces: Trace[], inputs: string[], opts: PacketOptions = DEFAULT_PACKET_OPTIONS): Promise<ReviewPacket[]> {
  const byTrace = new Map(traces.map((t) => [t.traceId, t]));
  const plan = file.findings.map((f) => {
    const cites = citations(f);
    const cited = [...cites.keys()].filter((id) => byTrace.has(id));
    const seed = (opts.seed ^ hash(f.id)) >>> 0;
    return { f, cites, cited, seed, opened: draw(cited, opts.tracesPerFinding, seed) };
  });
  const index = await indexRecords(inputs, new Set(plan.flatMap((p) => p.opened)));
  return plan.map(({ f, cites, cited, seed, opened }) => {
    const component = f.key.component;
    // The agent a finding names: its component, else `data.agent`, else the agents `data.agents` counts (name → runs).
    const agents = f.data?.agents && typeof f.data.agents === 'object' && !Array.isArray(f.data.agents) ? Object.keys(f.data.agents as object) : [];
    const agent = component.startsWith('agent:') ? component.slice(6) : typeof f.data?.agent === 'string' ? (f.data.agent as string) : agents.length ? agents.join(', ') : null;
    const tracePackets = opened.map((traceId): TracePacket => {
      const t = byTrace.get(traceId)!;
      const spans = new Map(t.spans.map((s) => [s.spanId, s]));
      const list = (cites.get(traceId) ?? []).filter((c) => spans.has(c.spanId));
      const shown = list.slice(0, opts.spansPerTrace);
      const rootRef = t.rootSpanId ? refFor(index, traceId, t.rootSpanId) : undefined;
      return {
        traceId,
        file: t.source.file,
        outcome: t.outcome,
        recordFacts: rootRef && rootRef.spans > 1 ? recordHeader(rootRef.record) : null,
        cited: shown.map((c) => {
          const s = spans.get(c.spanId)!;
          const { before, after } = neighbours(t, s);
          const v = (x: Span | null) => (x ? view(refFor(index, traceId, x.spanId), x) : null);
          return { ...view(refFor(index, traceId, s.spanId), s), cited: c.cited, before: v(before), after: v(after) };
        }),
        citedNotShown: list.length - shown.length,
      };
    });
    return {
      findingId: f.id,
      rank: f.rank,
      claim: {
        title: f.title,
        category: f.category,
        severity: f.severity,
        summary: f.summary,
        rootCause: f.rootCause,
        fix: { summary: f.fix.summary, kind: f.fix.kind },
        prevalence: f.prevalence,
        impact: f.impact ?? null,
        component,
        agent,
      },
      citedTraces: cited.length,
      openedAtRandom: { seed, traces: opened },
      traces: tracePackets,
    };
  });
}

const fence = (v: unknown) => ['```json', JSON.stringify(v, null, 2), '```'];

function spanLines(label: string, v: SpanView | null): string[] {
  if (!v) return [`**${label}:** none in this run.`, ''];
  const out = [`**${label}:** \`${v.spanId}\` (${v.kind} \`${v.name}\`, status ${v.status}) — source ${v.source ? `\`${v.source}\`` : 'unknown'}`, ''];
  if (v.note) out.push(`*${v.note}*`, '');
  for (const p of v.raw) out.push(`Raw record part \`${p.path}\` (matched by ${p.matchedBy}):`, '', ...fence(p.value), '');
  return out;
}

/** The packet as one self-contained markdown document (bound it first: see boundPacket). */
export function renderPacket(p: ReviewPacket): string {
  const c = p.claim;
  const out = [
    `# Finding ${p.rank}: ${c.title}`,
    '',
    `- **Severity:** ${c.severity} · **Category:** ${c.category}`,
    `- **Component:** \`${c.component}\`${c.agent ? ` · **Named agent:** ${c.agent}` : ''}`,
    `- **Prevalence:** ${JSON.stringify(c.prevalence)}`,
    `- **Impact:** ${c.impact ? JSON.stringify(c.impact) : 'none stated'}`,
    '',
    '## Summary',
    '',
    c.summary,
    '',
    `## Root cause (${c.rootCause.confidence})`,
    '',
    c.rootCause.statement,
    '',
    `## Fix (${c.fix.kind})`,
    '',
    c.fix.summary,
    '',
    `## Cited runs opened: ${p.traces.length} of ${p.citedTraces}, drawn at random (seed ${p.openedAtRandom.seed})`,
    '',
    'Judge per QUALITY-RUBRIC: true / overstated / false, with one line of why naming a trace and span id.',
    '',
  ];
  for (const t of p.traces) {
    out.push(`### Run \`${t.traceId}\` (file \`${t.file}\`)`, '');
    out.push(`**Outcome:** ${t.outcome ? JSON.stringify(t.outcome) : 'none recorded'}`, '');
    if (t.recordFacts) out.push('The run record\'s own top-level fields:', '', ...fence(t.recordFacts), '');
    for (const s of t.cited) {
      out.push(`#### Cited span \`${s.spanId}\` — ${s.cited}`, '');
      out.push(...spanLines('This span', s), ...spanLines('Call before', s.before), ...spanLines('Call after', s.after));
    }
    if (t.citedNotShown) out.push(`*${t.citedNotShown} more cited spans in this run are not shown.*`, '');
  }
  return `${out.join('\n')}\n`;
}
