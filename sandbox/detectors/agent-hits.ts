// Step-level detectors (a listing of characters, a rejected output format, a
// repeated step) report one finding per agent: each gathers its hits run by
// run, the runs they touch, what to cite and which spans the failure is
// attributed to. This is that gathering, in two steps (two-step.ts): per run,
// the hits and what each cites; then per agent, those of all its runs, so
// each detector says only what a hit is and what to cite for it.
import type { Trace } from '../../src/types.ts';
import type { Citation } from './finding.ts';
import { MAX_OCCURRENCES, type Occurrence } from './error-signatures.ts';
import type { RunPasses } from './two-step.ts';

/** One run's hits (each as the detector keeps it, without spans) and what they cite. */
export interface RunHits<K> {
  hits: K[];
  citations: Citation[];
  /** Spans the finding attributes the failure to, up to MAX_OCCURRENCES (see addOccurrence). */
  occurrences: Occurrence[];
  /** Hits the model was sent in its next call. */
  received: number;
}

export interface AgentHits<K> {
  agent: string;
  /** How many runs the agent has: the denominator. */
  runs: number;
  /** Every hit, in run order: one per step. */
  hits: K[];
  /** Runs with at least one hit. */
  affected: Set<string>;
  citations: Citation[];
  occurrences: Occurrence[];
  received: number;
}

/** Records an occurrence while the list holds fewer than MAX_OCCURRENCES. */
export function addOccurrence(acc: { occurrences: Occurrence[] }, o: Occurrence): void {
  if (acc.occurrences.length < MAX_OCCURRENCES) acc.occurrences.push(o);
}

/** The per-run step: every hit `hitsOf` finds in the run, kept as `keep` says; `record` adds what each hit cites, after the hit is counted. */
export function runHits<H, K>(t: Trace, hitsOf: (t: Trace) => Iterable<H>, keep: (hit: H) => K, record: (acc: RunHits<K>, hit: H, t: Trace) => void): RunHits<K> {
  const acc: RunHits<K> = { hits: [], citations: [], occurrences: [], received: 0 };
  for (const hit of hitsOf(t)) {
    acc.hits.push(keep(hit));
    record(acc, hit, t);
  }
  return acc;
}

/**
 * The global step's gathering: per agent (in order of its first run), its runs' hits in run order. The occurrences
 * are cut at MAX_OCCURRENCES over all runs, as one list filled run after run would be (each run's own list is a prefix
 * of what it tried to add). Added a run at a time, so the runs need not be held: only the runs with hits leave
 * anything here.
 */
export class HitsGather<K> {
  private readonly byAgent = new Map<string, AgentHits<K>>();

  add(agent: string, traceId: string, obs: RunHits<K>): void {
    let acc = this.byAgent.get(agent);
    if (!acc) this.byAgent.set(agent, (acc = { agent, runs: 0, hits: [], affected: new Set(), citations: [], occurrences: [], received: 0 }));
    acc.runs++;
    if (obs.hits.length) acc.affected.add(traceId);
    for (const h of obs.hits) acc.hits.push(h);
    for (const c of obs.citations) acc.citations.push(c);
    for (const o of obs.occurrences) addOccurrence(acc, o);
    acc.received += obs.received;
  }

  result(): AgentHits<K>[] {
    return [...this.byAgent.values()];
  }
}

/** hitsByAgent over the runs in one pass. */
export function hitsByAgent<K>(runs: RunPasses<RunHits<K>>): AgentHits<K>[] {
  const gather = new HitsGather<K>();
  runs.forEach(({ run, obs }) => gather.add(run.agent, run.traceId, obs));
  return gather.result();
}
