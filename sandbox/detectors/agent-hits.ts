// Step-level detectors (a listing of characters, a rejected output format, a
// repeated step) report one finding per agent: each gathers its hits run by
// run, the runs they touch, what to cite and which spans the failure is
// attributed to. This is that gathering, so each detector says only what a hit
// is and what to cite for it.
import type { Trace } from '../../src/types.ts';
import type { Citation } from './finding.ts';
import { MAX_OCCURRENCES, type Occurrence } from './error-signatures.ts';
import { agentOf, groupBy } from './trace-index.ts';

export interface AgentHits<H> {
  agent: string;
  /** The agent's runs: the denominator. */
  runs: Trace[];
  /** Every hit, in run order: one per step. */
  hits: H[];
  /** Runs with at least one hit. */
  affected: Set<string>;
  citations: Citation[];
  /** Spans the finding attributes the failure to, up to MAX_OCCURRENCES (see addOccurrence). */
  occurrences: Occurrence[];
  /** Hits the model was sent in its next call. */
  received: number;
}

/** Records an occurrence while the finding holds fewer than MAX_OCCURRENCES. */
export function addOccurrence(acc: { occurrences: Occurrence[] }, o: Occurrence): void {
  if (acc.occurrences.length < MAX_OCCURRENCES) acc.occurrences.push(o);
}

/** Per agent, every hit `hitsOf` finds in its runs; `record` adds what each hit cites, after the hit is counted. */
export function hitsByAgent<H>(
  traces: Trace[],
  hitsOf: (t: Trace) => Iterable<H>,
  record: (acc: AgentHits<H>, hit: H, t: Trace) => void,
): AgentHits<H>[] {
  const out: AgentHits<H>[] = [];
  for (const [agent, runs] of groupBy(traces, agentOf)) {
    const acc: AgentHits<H> = { agent, runs, hits: [], affected: new Set(), citations: [], occurrences: [], received: 0 };
    for (const t of runs) {
      for (const hit of hitsOf(t)) {
        acc.hits.push(hit);
        acc.affected.add(t.traceId);
        record(acc, hit, t);
      }
    }
    out.push(acc);
  }
  return out;
}
