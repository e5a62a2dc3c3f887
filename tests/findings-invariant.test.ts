// The prevalence invariant on real data (DESIGN.md §7, issue 11): for every
// finding the offline pipeline keeps — detectors, verification, merge, rank —
// prevalence is exactly the size of its affected set, and its predicate, when
// it has one, matches exactly that set. Checked on every fixture and the
// sample week, including the real labelled runs.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { Trace } from '../src/types.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { runOutcomes } from '../sandbox/detectors/outcomes.ts';
import { verifyFindings } from '../src/findings/verify.ts';
import { finalizeFindings } from '../src/findings/pipeline.ts';

const compile = (src: string) => new Function(`"use strict"; return (${src});`)() as (t: Trace) => unknown;

const DATASETS: [string, string[]][] = [
  ['sample week', ['samples/week']],
  ['τ-bench airline', ['tests/fixtures/tau-bench/gpt-4o-airline.json']],
  ['HALO span files', ['tests/fixtures/halo']],
  ['format fixtures', ['tests/fixtures/formats']],
  ['TRAIL SWE-bench', ['tests/fixtures/real/trail-swe/traces']],
  ['Who&When CaptainAgent', ['tests/fixtures/real/whowhen-captainagent/runs']],
];

describe('prevalence invariant', () => {
  for (const [name, paths] of DATASETS) {
    it(`holds for every finding on ${name}`, async () => {
      if (!paths.every(existsSync)) throw new Error(`fixture missing: ${paths.join(', ')}`);
      const { traces } = await loadTraces(paths);
      const verified = verifyFindings(runDetectors(traces), traces, compile);
      const { findings } = finalizeFindings(verified, { outcomes: runOutcomes(traces) });
      for (const f of findings) {
        const ids = f.data?.traceIds as string[] | undefined;
        expect(Array.isArray(ids), `${f.title}: lists its affected traces`).toBe(true);
        expect(new Set(ids).size, `${f.title}: no duplicate ids`).toBe(ids!.length);
        expect(f.prevalence.traces, `${f.title}: prevalence = affected set`).toBe(ids!.length);
        if (f.predicate) {
          const p = compile(f.predicate);
          const matched = traces.filter((t) => p(t) === true).map((t) => t.traceId).sort();
          expect(matched, `${f.title}: predicate matches exactly the affected set`).toEqual([...ids!].sort());
        }
        for (const e of f.evidence) expect(ids, `${f.title}: cites only affected traces`).toContain(e.traceId);
      }
    }, 120_000);
  }
});
