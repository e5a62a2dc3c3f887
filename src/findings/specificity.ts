// Predicate specificity: a predicate that holds on every cited trace proves
// little if it also holds on (nearly) every trace in the window. For each
// predicate the engine reports how much it matches, how many of the cited
// traces it matches, and whether the matched traces even mention the
// finding's component. A broad predicate is flagged and cannot carry the
// finding's prevalence on its own (only an audit can).
import type { Trace } from '../types.ts';

/** Share of the window at or above which a predicate counts as matching (nearly) everything. */
export const BROAD_SHARE = 0.9;
/** Matched traces read for the component check (spaced evenly through the matches). */
const COMPONENT_SAMPLE = 200;

export interface Specificity {
  matched: number;
  total: number;
  share: number;
  /** Cited traces (kept citations, distinct) and how many of them the predicate matches. */
  cited: number;
  citedMatched: number;
  /** Matched traces that never mention `key.component`, in a sample of them; absent when the cited traces do not mention it either. */
  outsideComponent?: { checked: number; outside: number };
  /** Matches (nearly) the whole window beyond what is cited. */
  broad: boolean;
  /** Detector findings: the predicate matches exactly the traces the detector listed. */
  exact?: boolean;
}

function mentions(trace: Trace, needle: string): boolean {
  try {
    return JSON.stringify(trace).toLowerCase().includes(needle);
  } catch {
    return true;
  }
}

export function measureSpecificity(opts: {
  matched: Set<string>;
  traces: readonly Trace[];
  byId: Map<string, Trace>;
  citedIds: Set<string>;
  component: string | undefined;
  listedIds: Set<string> | null;
}): Specificity {
  const { matched, traces, citedIds } = opts;
  const total = traces.length;
  let citedMatched = 0;
  for (const id of citedIds) if (matched.has(id)) citedMatched++;
  const share = total > 0 ? matched.size / total : 0;
  const spec: Specificity = {
    matched: matched.size,
    total,
    share,
    cited: citedIds.size,
    citedMatched,
    broad: share >= BROAD_SHARE && matched.size > citedIds.size,
  };
  const needle = opts.component?.trim().toLowerCase();
  if (needle && citedIds.size > 0 && [...citedIds].every((id) => { const t = opts.byId.get(id); return t ? mentions(t, needle) : false; })) {
    const ids = [...matched];
    const step = Math.max(1, Math.floor(ids.length / COMPONENT_SAMPLE));
    let checked = 0;
    let outside = 0;
    for (let i = 0; i < ids.length && checked < COMPONENT_SAMPLE; i += step) {
      const t = opts.byId.get(ids[i]!);
      if (!t) continue;
      checked++;
      if (!mentions(t, needle)) outside++;
    }
    spec.outsideComponent = { checked, outside };
  }
  if (opts.listedIds) {
    spec.exact = opts.listedIds.size === matched.size && [...opts.listedIds].every((id) => matched.has(id));
  }
  return spec;
}
