// Scoring findings (or per-run diagnoses) against labels. What counts as a
// hit, at three levels of localization:
//   trace  the labelled run is among the runs a finding affects
//   step   a finding cites a span in the same step as the labelled span
//          (the step is the span's `halo.step`, else its ancestor just below
//          the run's agent span, e.g. smolagents' "Step 7")
//   span   a finding cites the labelled span itself
// A finding cites its evidence spans and its recorded occurrences
// (`data.occurrences`, every span a detector attributes the failure to,
// including the model call that was sent it, `role: 'received'`, and the step a
// repeat copies, `role: 'repeated'`, and the turn whose request failed,
// `role: 'requested'`).
// Precision: of the spans (and distinct steps) findings cite in labelled runs,
// how many sit in a labelled step/span; of the runs findings affect, how many are labelled
// failures. Runs loaded with --traces but absent from the labels count as not
// failed. Agent/step accuracy: per run labelled with an agent, the agent and
// step of the earliest span cited by the best-ranked finding in that run.
import type { Span, Trace } from '../types.ts';
import type { Label, LabelSet } from './read-labels.ts';

export interface Claim {
  traceId: string;
  spanId?: string;
  agent?: string;
  step?: number;
}

export interface Prediction {
  id: string;
  title: string;
  category?: string;
  rank: number;
  affected: Set<string>;
  claims: Claim[];
}

interface TraceView {
  trace: Trace;
  spans: Map<string, Span>;
}

export interface Counts {
  labels: number;
  trace: number;
  step: number;
  span: number;
  /** Labels that name a span (span-level recall's denominator). */
  withSpan: number;
}

export interface EvalReport {
  labels: { total: number; matched: number; unmatched: number; runs: number };
  predictions: number;
  /** `overall` and `byCategory` count labels; `runs` counts labelled runs (a run with 5 labels is one run). */
  recall: { overall: Counts; byCategory: Record<string, Counts>; runs: { labelled: number; affected: number } };
  precision: {
    /** Distinct steps cited in runs with localized labels, and those that hold a label. */
    citedSteps: number;
    labelledSteps: number;
    stepLevelPrecision: number | null;
    citedSpans: number;
    spanHits: number;
    stepHits: number;
    spanPrecision: number | null;
    stepPrecision: number | null;
    affectedRuns: number;
    failedRuns: number;
    runPrecision: number | null;
  };
  attribution: { runs: number; predicted: number; agentCorrect: number; stepCorrect: number; agentAccuracy: number | null; stepAccuracy: number | null } | null;
  perPrediction: { id: string; title: string; rank: number; affected: number; failedAffected: number; cited: number; stepHits: number }[];
}

export function stepOf(view: TraceView | undefined, spanId: string | undefined, fallback?: number): string | undefined {
  if (spanId && view) {
    const s = view.spans.get(spanId);
    if (s) {
      const hs = s.attributes?.['halo.step'];
      if (typeof hs === 'number') return `#${hs}`;
      let cur: Span = s;
      for (let guard = 0; guard < 1000; guard++) {
        const parent = cur.parentId ? view.spans.get(cur.parentId) : undefined;
        if (!parent) break;
        if (parent.kind === 'agent') return `s:${cur.spanId}`;
        cur = parent;
      }
      return `s:${s.spanId}`;
    }
  }
  return fallback !== undefined ? `#${fallback}` : undefined;
}

/** Who&When labels carry the task and chat length, not a trace id: find the trace. */
function matchLabels(labels: Label[], traces: Trace[]): Label[] {
  const byTask = new Map<string, Trace[]>();
  for (const t of traces) if (t.taskId) (byTask.get(t.taskId) ?? byTask.set(t.taskId, []).get(t.taskId)!).push(t);
  const used = new Set<string>();
  return labels.map((l) => {
    if (l.traceId || !l.taskId) return l;
    const candidates = (byTask.get(l.taskId) ?? []).filter((t) => !used.has(t.traceId));
    const turns = (t: Trace) => t.spans.filter((s) => typeof s.attributes?.['halo.step'] === 'number').length;
    const pick = candidates.find((t) => turns(t) === l.turns) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (!pick) return l;
    used.add(pick.traceId);
    return { ...l, traceId: pick.traceId };
  });
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function scoreFindings(predictions: Prediction[], set: LabelSet, traces: Trace[] = []): EvalReport {
  const views = new Map<string, TraceView>();
  for (const t of traces) views.set(t.traceId, { trace: t, spans: new Map(t.spans.map((s) => [s.spanId, s])) });
  const labels = matchLabels(set.labels, traces);
  // With traces loaded, a label on a run that is not among them cannot be scored.
  const matched = labels.filter((l): l is Label & { traceId: string } => !!l.traceId && (views.size === 0 || views.has(l.traceId)));

  // Everything the predictions cite, by trace.
  const citedSteps = new Map<string, Set<string>>();
  const citedSpans = new Map<string, Set<string>>();
  const affected = new Set<string>();
  for (const p of predictions) {
    for (const id of p.affected) affected.add(id);
    for (const c of p.claims) {
      affected.add(c.traceId);
      if (c.spanId) (citedSpans.get(c.traceId) ?? citedSpans.set(c.traceId, new Set()).get(c.traceId)!).add(c.spanId);
      const st = stepOf(views.get(c.traceId), c.spanId, c.step);
      if (st) (citedSteps.get(c.traceId) ?? citedSteps.set(c.traceId, new Set()).get(c.traceId)!).add(st);
    }
  }

  const empty = (): Counts => ({ labels: 0, trace: 0, step: 0, span: 0, withSpan: 0 });
  const overall = empty();
  const byCategory: Record<string, Counts> = {};
  const labelledSteps = new Map<string, Set<string>>();
  const labelledSpans = new Map<string, Set<string>>();
  for (const l of matched) {
    const st = stepOf(views.get(l.traceId), l.spanId, l.step);
    if (st) (labelledSteps.get(l.traceId) ?? labelledSteps.set(l.traceId, new Set()).get(l.traceId)!).add(st);
    if (l.spanId) (labelledSpans.get(l.traceId) ?? labelledSpans.set(l.traceId, new Set()).get(l.traceId)!).add(l.spanId);
    const c = (byCategory[l.category ?? '(none)'] ??= empty());
    for (const k of [c, overall]) {
      k.labels++;
      if (affected.has(l.traceId)) k.trace++;
      if (st && citedSteps.get(l.traceId)?.has(st)) k.step++;
      if (l.spanId) {
        k.withSpan++;
        if (citedSpans.get(l.traceId)?.has(l.spanId)) k.span++;
      }
    }
  }

  // Run precision over every run in scope; span precision only over runs whose
  // labels localize errors (or that are labelled clean): a cited span in a run
  // labelled only as "failed" cannot be judged.
  const failedRuns = new Set(matched.map((l) => l.traceId));
  const universe = views.size ? new Set(views.keys()) : new Set([...failedRuns, ...set.clean]);
  const localized = new Set([...labelledSteps.keys(), ...set.clean]);
  let cited = 0;
  let spanHits = 0;
  let stepHits = 0;
  let steps = 0;
  let stepsLabelled = 0;
  for (const [traceId, st] of citedSteps) {
    if (!universe.has(traceId) || !localized.has(traceId)) continue;
    for (const k of st) {
      steps++;
      if (labelledSteps.get(traceId)?.has(k)) stepsLabelled++;
    }
  }
  for (const [traceId, spans] of citedSpans) {
    if (!universe.has(traceId) || !localized.has(traceId)) continue;
    for (const spanId of spans) {
      cited++;
      if (labelledSpans.get(traceId)?.has(spanId)) spanHits++;
      const st = stepOf(views.get(traceId), spanId);
      if (st && labelledSteps.get(traceId)?.has(st)) stepHits++;
    }
  }
  const judgedAffected = [...affected].filter((id) => universe.has(id));

  const perPrediction = predictions.map((p) => {
    const ids = new Set([...p.affected, ...p.claims.map((c) => c.traceId)]);
    const inUniverse = [...ids].filter((id) => universe.has(id));
    const claims = p.claims.filter((c) => c.spanId && universe.has(c.traceId) && localized.has(c.traceId));
    return {
      id: p.id,
      title: p.title,
      rank: p.rank,
      affected: inUniverse.length,
      failedAffected: inUniverse.filter((id) => failedRuns.has(id)).length,
      cited: claims.length,
      stepHits: claims.filter((c) => {
        const st = stepOf(views.get(c.traceId), c.spanId, c.step);
        return st !== undefined && labelledSteps.get(c.traceId)?.has(st);
      }).length,
    };
  });

  return {
    labels: { total: labels.length, matched: matched.length, unmatched: labels.length - matched.length, runs: failedRuns.size },
    predictions: predictions.length,
    recall: { overall, byCategory, runs: { labelled: failedRuns.size, affected: [...failedRuns].filter((id) => affected.has(id)).length } },
    precision: {
      citedSteps: steps,
      labelledSteps: stepsLabelled,
      stepLevelPrecision: ratio(stepsLabelled, steps),
      citedSpans: cited,
      spanHits,
      stepHits,
      spanPrecision: ratio(spanHits, cited),
      stepPrecision: ratio(stepHits, cited),
      affectedRuns: judgedAffected.length,
      failedRuns: judgedAffected.filter((id) => failedRuns.has(id)).length,
      runPrecision: ratio(judgedAffected.filter((id) => failedRuns.has(id)).length, judgedAffected.length),
    },
    attribution: attribution(matched, predictions, views),
    perPrediction,
  };
}

function attribution(labels: (Label & { traceId: string })[], predictions: Prediction[], views: Map<string, TraceView>): EvalReport['attribution'] {
  const withAgent = labels.filter((l) => l.agent !== undefined || l.step !== undefined);
  if (withAgent.length === 0) return null;
  const ordered = [...predictions].sort((a, b) => a.rank - b.rank);
  let predicted = 0;
  let agentCorrect = 0;
  let stepCorrect = 0;
  for (const l of withAgent) {
    const view = views.get(l.traceId);
    let guess: { agent?: string; step?: number } | undefined;
    for (const p of ordered) {
      const located = p.claims
        .filter((c) => c.traceId === l.traceId)
        .map((c) => {
          const s = c.spanId ? view?.spans.get(c.spanId) : undefined;
          // The run's own root span localizes nothing.
          if (s && s.parentId == null) return null;
          const hs = s?.attributes?.['halo.step'];
          return { agent: c.agent ?? (s as { agentName?: string } | undefined)?.agentName, step: c.step ?? (typeof hs === 'number' ? hs : undefined), start: s?.startTime ?? 0 };
        })
        .filter((x): x is { agent: string | undefined; step: number | undefined; start: number } => x !== null && (x.agent !== undefined || x.step !== undefined))
        .sort((a, b) => (a.step ?? a.start) - (b.step ?? b.start));
      if (located.length) {
        guess = located[0];
        break;
      }
    }
    if (!guess) continue;
    predicted++;
    if (l.agent !== undefined && guess.agent !== undefined && guess.agent.toLowerCase() === l.agent.toLowerCase()) agentCorrect++;
    if (l.step !== undefined && guess.step === l.step) stepCorrect++;
  }
  return {
    runs: withAgent.length,
    predicted,
    agentCorrect,
    stepCorrect,
    agentAccuracy: ratio(agentCorrect, withAgent.length),
    stepAccuracy: ratio(stepCorrect, withAgent.length),
  };
}
