// Groups normalized spans into traces. Spans of one trace may arrive across
// many records, lines and files, in any order; nothing is decided until
// `finish()`, which sorts, finds the root, lifts span hints onto the trace and
// rolls up time, status, tokens and cost.
//
// Roll-up rules (documented in FORMATS.md):
// - root: the earliest span without a parent; else the earliest span whose
//   parent is not in the trace (a partial trace).
// - status: the root's status when it is `ok`/`error`; else `error` if any span
//   errored, `ok` if any span is ok, else `unset`. (A root marked ok with a
//   recovered child error stays ok: span-level errors remain on the spans.)
// - tokens / cost: summed over the spans that carry them and have no
//   descendant that carries them, so a parent holding an aggregate of its
//   children (an agent span with total usage) is not counted twice.
// - hints: the root span's first, then trace-level records, then the other
//   spans in time order; the first value found for each field wins (outcome
//   field by field). service: a `service` hint, else the root's (or first
//   span's) `resource.service.name` / `service.name` attribute.
// - agents: see agent-identity.ts (a trace with no agent hint takes its
//   top-most framework agent span's; every span gets `agentName`).
// - duplicate span ids within a trace: a verbatim repeat is kept once, a
//   different span is renamed `<id>~dup<n>`; parent cycles are broken at their
//   earliest span. Both are counted (`repairs`).
// - whole-run records (transcripts, benchmark results: `wholeTrace`) that
//   claim a trace id already claimed by another record with other content
//   are another run: kept as their own trace `<id>~<n>` and reported
//   (`conflicts`), never merged.
import type { NormalizedRecord, Outcome, SourceFormat, Span, Status, Trace, TraceHints } from '../types.ts';
import { assignSpanAgents, traceAgentFromSpans } from './agent-identity.ts';
import { formatSource, type RecordSource } from './identity.ts';

/** Two records that claimed one trace id with different content. */
export interface IdentityConflict {
  traceId: string;
  /** The id the later record's run was kept under. */
  keptAs: string;
  /** Where the first claim and this one came from (`file:line`). */
  sources: [string, string];
}

const CONFLICT_EXAMPLES = 20;

interface Group {
  spans: Span[];
  file: string;
  format: SourceFormat;
  traceHints: TraceHints[] | null;
}

export interface AssemblyRepairs {
  identicalDuplicates: number;
  duplicateSpanIds: number;
  parentCycles: number;
  /** The first few repaired spans of each kind, `traceId/spanId: what`. */
  examples: { identical: string[]; duplicate: string[]; cycle: string[] };
}

export class TraceAssembler {
  private readonly groups = new Map<string, Group>();
  private count = 0;
  /** What finish() repaired, counted across all traces. */
  readonly repairs: AssemblyRepairs = { identicalDuplicates: 0, duplicateSpanIds: 0, parentCycles: 0, examples: { identical: [], duplicate: [], cycle: [] } };

  /** Whole-run claims by trace id: where the first came from and its spans, to compare a second claim with. */
  private readonly claims = new Map<string, { where: string; spans: Span[] }>();
  /** Conflicting claims, counted; the first few kept with their sources. */
  readonly conflicts: { count: number; examples: IdentityConflict[] } = { count: 0, examples: [] };

  add(rec: NormalizedRecord, file: string, at?: RecordSource): void {
    if (rec.wholeTrace === true) this.claim(rec, at !== undefined ? formatSource(at) : file);
    const spans = rec.spans;
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      this.group(s.traceId, file, rec.format).spans.push(s);
      this.count++;
    }
    if (rec.traceHints !== undefined) {
      for (const th of rec.traceHints) {
        const g = this.group(th.traceId, file, rec.format);
        (g.traceHints ??= []).push(th.hints);
      }
    }
  }

  /**
   * Registers a whole-run record's traces; a trace id another record already
   * claimed with different spans moves this record's run to `<id>~<n>`.
   */
  private claim(rec: NormalizedRecord, where: string): void {
    const ids = new Set<string>();
    for (const s of rec.spans) ids.add(s.traceId);
    for (const id of ids) {
      const mine = rec.spans.filter((s) => s.traceId === id);
      const first = this.claims.get(id);
      if (first === undefined) {
        this.claims.set(id, { where, spans: mine });
        continue;
      }
      // A verbatim repeat (one file read under two names) is the same run: the
      // assembler keeps its spans once, as for any repeated span.
      if (JSON.stringify(first.spans) === JSON.stringify(mine)) continue;
      let n = 2;
      while (this.claims.has(`${id}~${n}`) || this.groups.has(`${id}~${n}`)) n++;
      const keptAs = `${id}~${n}`;
      for (const s of mine) s.traceId = keptAs;
      if (rec.traceHints !== undefined) for (const th of rec.traceHints) if (th.traceId === id) th.traceId = keptAs;
      this.claims.set(keptAs, { where, spans: mine });
      this.conflicts.count++;
      if (this.conflicts.examples.length < CONFLICT_EXAMPLES) this.conflicts.examples.push({ traceId: id, keptAs, sources: [first.where, where] });
    }
  }

  /** Spans added so far (before de-duplication). */
  get spanCount(): number {
    return this.count;
  }

  get traceCount(): number {
    return this.groups.size;
  }

  finish(): Trace[] {
    const out: Trace[] = [];
    for (const [traceId, g] of this.groups) {
      if (g.spans.length === 0) continue; // trace-level facts without any span
      out.push(buildTrace(traceId, g, this.repairs));
    }
    this.groups.clear();
    this.claims.clear();
    this.count = 0;
    out.sort((a, b) => a.startTime - b.startTime || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
    return out;
  }

  private group(traceId: string, file: string, format: SourceFormat): Group {
    let g = this.groups.get(traceId);
    if (g === undefined) {
      g = { spans: [], file, format, traceHints: null };
      this.groups.set(traceId, g);
    }
    return g;
  }
}

const REPAIR_EXAMPLES = 5;

function note(repairs: AssemblyRepairs, kind: keyof AssemblyRepairs['examples'], text: string): void {
  const list = repairs.examples[kind];
  if (list.length < REPAIR_EXAMPLES) list.push(text);
}

/**
 * Spans sharing an id: a verbatim repeat is kept once; a different span keeps
 * its data under `<id>~dup<n>` (attribute `halo.duplicate_span_id`), so
 * nothing is silently dropped. The first span added keeps the id.
 */
function dedupe(traceId: string, spans: Span[], byId: Map<string, Span>, repairs: AssemblyRepairs): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const first = byId.get(s.spanId);
    if (first === undefined) {
      byId.set(s.spanId, s);
      out.push(s);
      continue;
    }
    if (JSON.stringify(first) === JSON.stringify(s)) {
      repairs.identicalDuplicates++;
      note(repairs, 'identical', `${traceId}/${s.spanId}`);
      continue;
    }
    const original = s.spanId;
    let n = 2;
    while (byId.has(`${original}~dup${n}`)) n++;
    s.spanId = `${original}~dup${n}`;
    s.attributes['halo.duplicate_span_id'] = original;
    byId.set(s.spanId, s);
    out.push(s);
    repairs.duplicateSpanIds++;
    note(repairs, 'duplicate', `${traceId}/${original}: another span with this id kept as ${s.spanId}`);
  }
  return out;
}

/**
 * Parent links that loop (a → b → a, or a span its own parent) would hide the
 * spans from every tree walk. Each cycle is broken at its earliest span, which
 * becomes a root with attribute `halo.parent_cycle` holding the parent it named.
 */
function breakCycles(traceId: string, spans: Span[], byId: Map<string, Span>, repairs: AssemblyRepairs): void {
  const state = new Map<Span, 1 | 2>(); // 1: on the current path, 2: done
  const path: Span[] = [];
  for (const s of spans) {
    if (state.has(s)) continue;
    path.length = 0;
    let cur: Span | undefined = s;
    while (cur !== undefined && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      cur = cur.parentId === null ? undefined : byId.get(cur.parentId);
    }
    if (cur !== undefined && state.get(cur) === 1) {
      const cycle = path.slice(path.indexOf(cur));
      let cut = cycle[0]!;
      for (const c of cycle) if (c.startTime < cut.startTime || (c.startTime === cut.startTime && c.spanId < cut.spanId)) cut = c;
      cut.attributes['halo.parent_cycle'] = cut.parentId;
      cut.parentId = null;
      repairs.parentCycles++;
      note(repairs, 'cycle', `${traceId}/${cut.spanId}: parent cycle of ${cycle.length} span${cycle.length === 1 ? '' : 's'} broken here`);
    }
    for (const p of path) state.set(p, 2);
  }
}

function buildTrace(traceId: string, g: Group, repairs: AssemblyRepairs): Trace {
  const byId = new Map<string, Span>();
  for (const s of g.spans) byId.set(s.spanId, s);
  let spans = g.spans;
  if (byId.size !== g.spans.length) {
    byId.clear();
    spans = dedupe(traceId, g.spans, byId, repairs);
  }
  breakCycles(traceId, spans, byId, repairs);
  spans.sort((a, b) => a.startTime - b.startTime);

  let root: Span | null = null;
  let orphan: Span | null = null;
  let start = Infinity;
  let end = -Infinity;
  let anyError = false;
  let anyOk = false;
  for (const s of spans) {
    if (s.parentId === null) root ??= s;
    else if (!byId.has(s.parentId)) orphan ??= s;
    if (s.startTime < start) start = s.startTime;
    if (s.endTime > end) end = s.endTime;
    if (s.status === 'error') anyError = true;
    else if (s.status === 'ok') anyOk = true;
  }
  root ??= orphan ?? spans[0]!;

  let status: Status = anyError ? 'error' : anyOk ? 'ok' : 'unset';
  if (root.status !== 'unset') status = root.status;

  const hints = liftHints(root, g.traceHints, spans);
  hints.agentName ??= traceAgentFromSpans(spans, byId) ?? undefined;
  assignSpanAgents(spans, byId, hints.agentName ?? null);
  const { tokens, cost } = rollUp(spans, byId);

  return {
    traceId,
    spans,
    rootSpanId: root.spanId,
    startTime: start,
    endTime: end,
    durationMs: Math.round((end - start) * 1000) / 1000,
    status,
    agentId: hints.agentId ?? null,
    agentName: hints.agentName ?? null,
    sessionId: hints.sessionId ?? null,
    userId: hints.userId ?? null,
    taskId: hints.taskId ?? null,
    trial: hints.trial ?? null,
    outcome: hints.outcome ?? null,
    tokens,
    costUsd: cost,
    service: hints.service ?? serviceOf(root, spans),
    source: { file: g.file, format: g.format },
  };
}

/** The OTel service name: the root's, else the first span that has one. */
function serviceOf(root: Span, spans: Span[]): string | null {
  const own = serviceAttr(root);
  if (own !== null) return own;
  for (const s of spans) {
    const v = serviceAttr(s);
    if (v !== null) return v;
  }
  return null;
}

function serviceAttr(s: Span): string | null {
  const v = s.attributes['resource.service.name'] ?? s.attributes['service.name'];
  return typeof v === 'string' && v !== '' ? v : null;
}

function mergeHints(into: TraceHints, h: TraceHints | undefined): void {
  if (h === undefined) return;
  if (into.agentId === undefined && h.agentId !== undefined) into.agentId = h.agentId;
  if (into.agentName === undefined && h.agentName !== undefined) into.agentName = h.agentName;
  if (into.sessionId === undefined && h.sessionId !== undefined) into.sessionId = h.sessionId;
  if (into.userId === undefined && h.userId !== undefined) into.userId = h.userId;
  if (into.taskId === undefined && h.taskId !== undefined) into.taskId = h.taskId;
  if (into.trial === undefined && h.trial !== undefined) into.trial = h.trial;
  if (into.service === undefined && h.service !== undefined) into.service = h.service;
  if (h.outcome !== undefined) {
    const o: Outcome = (into.outcome ??= {});
    if (o.success === undefined && h.outcome.success !== undefined) o.success = h.outcome.success;
    if (o.reward === undefined && h.outcome.reward !== undefined) o.reward = h.outcome.reward;
    if (o.label === undefined && h.outcome.label !== undefined) o.label = h.outcome.label;
  }
}

function liftHints(root: Span, traceHints: TraceHints[] | null, spans: Span[]): TraceHints {
  const h: TraceHints = {};
  mergeHints(h, root.hints);
  if (traceHints !== null) for (const t of traceHints) mergeHints(h, t);
  for (const s of spans) if (s !== root && s.hints !== undefined) mergeHints(h, s.hints);
  return h;
}

function rollUp(spans: Span[], byId: Map<string, Span>): { tokens: Trace['tokens']; cost: number } {
  // Mark every ancestor of a span that carries tokens (or cost): such
  // ancestors hold aggregates and are skipped in the sum.
  const tokAncestor = new Set<Span>();
  const costAncestor = new Set<Span>();
  for (const s of spans) {
    if (s.tokens !== null) markAncestors(s, byId, tokAncestor);
    if (s.costUsd !== null) markAncestors(s, byId, costAncestor);
  }
  const tokens = { input: 0, output: 0, total: 0 };
  let cost = 0;
  for (const s of spans) {
    if (s.tokens !== null && !tokAncestor.has(s)) {
      tokens.input += s.tokens.input;
      tokens.output += s.tokens.output;
      tokens.total += s.tokens.total;
    }
    if (s.costUsd !== null && !costAncestor.has(s)) cost += s.costUsd;
  }
  return { tokens, cost };
}

function markAncestors(s: Span, byId: Map<string, Span>, marked: Set<Span>): void {
  let p = s.parentId === null ? undefined : byId.get(s.parentId);
  let guard = 0;
  // A cycle in broken data must not hang the load.
  while (p !== undefined && guard++ < 10_000) {
    if (marked.has(p)) return;
    marked.add(p);
    p = p.parentId === null ? undefined : byId.get(p.parentId);
  }
}
