// The detectors' per-run memos (sandbox/detectors/memo.ts) only save reading
// a run again: `observeRun` lets them go after each run, and a detector asked
// later (model code calling `detect.*` over a window) reads them afresh. Either
// way every run's observations, and so every finding, must be the same as when
// each memo is kept for the whole window, whatever order the runs are read in.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../src/types.ts';
import { load } from './helpers/real-findings.ts';
import { CONTEXT_ONLY, observeRun, steps } from '../sandbox/detectors/index.ts';

// Sets whose runs name calls by id (a search tree, tool-call ids), fail in code runners, and speak as several agents.
const SETS = [
  'tests/fixtures/real/toolbench-dfsdt',
  'tests/fixtures/real/openhands',
  'tests/fixtures/real/tau2-airline-whissle',
  'tests/fixtures/real/whowhen-captainagent/runs',
  'tests/fixtures/real/intercode-python',
];

/** Every two-step detector's per-run observations, memos kept across the runs (never released). */
function keptObservations(traces: Trace[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of traces) {
    const obs: Record<string, unknown> = {};
    for (const [name, d] of Object.entries(steps)) {
      if (CONTEXT_ONLY.has(name)) continue;
      obs[name] = d.perRun(t, {});
    }
    out.set(t.traceId, JSON.stringify(obs));
  }
  return out;
}

describe('detector memos', () => {
  it.each(SETS)('%s: observations are the same with memos released per run, kept for the window, or read in reverse', async (set) => {
    const traces = await load([set]);
    expect(traces.length).toBeGreaterThan(0);
    const released = new Map(traces.map((t) => [t.traceId, JSON.stringify(observeRun(t).obs)]));
    const reversed = keptObservations([...traces].reverse());
    const kept = keptObservations(traces);
    for (const t of traces) {
      expect(kept.get(t.traceId), t.traceId).toBe(released.get(t.traceId));
      expect(reversed.get(t.traceId), t.traceId).toBe(released.get(t.traceId));
    }
    // And once more after release: the same run observed again reads the same.
    expect(JSON.stringify(observeRun(traces[0]!).obs)).toBe(released.get(traces[0]!.traceId));
  }, 120_000);
});
