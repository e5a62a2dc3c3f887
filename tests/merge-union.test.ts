// A merged finding describes the union of its parts (issue 11): before, a
// merge kept one tool's title and count while its prevalence and evidence
// came from all of them.
import { describe, expect, it } from 'vitest';
import type { Trace } from '../src/types.ts';
import { mergeFindings } from '../src/findings/merge.ts';
import type { VerifiedFinding } from '../src/findings/verify.ts';
import { span, trace } from './helpers/factories.ts';

function part(tool: string, ids: string[], predicate?: string): VerifiedFinding {
  return {
    title: `${tool}: Error: upstream unavailable`,
    category: 'errors_recovery',
    severity: 'medium',
    summary: `The tool \`${tool}\` failed in ${ids.length} of 10 traces.`,
    rootCause: { statement: `${tool} is down at times.`, confidence: 'hypothesis' },
    fix: { summary: 'retry', kind: 'code' },
    evidence: ids.map((traceId) => ({ traceId, spanId: `${traceId}-${tool}` })),
    prevalence: { traces: ids.length, total: 10, share: ids.length / 10 },
    key: { component: `tool:${tool}`, signature: 'error:Error: upstream unavailable' },
    source: 'detector:error-signatures',
    ...(predicate ? { predicate } : {}),
    data: { traceIds: ids, occurrences: ids.map((traceId) => ({ traceId, spanId: `${traceId}-${tool}` })) },
    verification: { status: 'verified', evidenceChecked: ids.length, evidenceDropped: 0, dropped: [], predicate: predicate ? 'matched' : 'absent', prevalenceSource: 'detector' },
  };
}

/** The same finding as a model would submit it: overlap dedupes it against a detector's. */
const byModel = (f: VerifiedFinding): VerifiedFinding => ({ ...f, source: 'model' });

const uses = (tool: string) => `(t) => t.spans.some((s) => s.name === ${JSON.stringify(tool)})`;

describe('merged findings describe the union', () => {
  it('never merges two detector findings under different keys because their runs overlap: co-occurring failures stay two', () => {
    const { findings, merged } = mergeFindings([part('search', ['t1', 't2', 't3', 't4'], uses('search')), part('fetch', ['t1', 't2', 't3', 't5'], uses('fetch'))]);
    expect(merged).toBe(0);
    expect(findings.map((f) => f.title).sort()).toEqual(['fetch: Error: upstream unavailable', 'search: Error: upstream unavailable']);
  });

  it('title, summary, cause, prevalence, evidence, occurrences and predicate all cover every part', () => {
    const a = part('search', ['t1', 't2', 't3', 't4'], uses('search'));
    const b = byModel(part('fetch', ['t1', 't2', 't3', 't5'], uses('fetch')));
    const { findings, merged } = mergeFindings([a, b]);
    expect(merged).toBe(1);
    const m = findings[0]!;
    expect(m.title).toMatch(/^(search|fetch): Error: upstream unavailable \(\+1 related: (search|fetch): /);
    expect(m.summary).toMatch(/^2 related findings together affect 5 of 10 traces \(50\.0%\)\. \(1\) .* \(2\) /);
    expect(m.rootCause.statement).toMatch(/\(1\) .* is down at times\. \(2\) .* is down at times\./);
    expect(m.prevalence.traces).toBe(5);
    expect([...(m.data!.traceIds as string[])].sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
    // Evidence drawn from each part.
    expect(new Set(m.evidence.map((e) => e.spanId!.split('-')[1]))).toEqual(new Set(['search', 'fetch']));
    expect((m.data!.occurrences as unknown[]).length).toBe(8);
    // The predicate matches exactly the union.
    const runs: Trace[] = ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) =>
      trace([span({ traceId: id, spanId: 'r', name: id === 't4' ? 'search' : id === 't5' ? 'fetch' : id === 't6' ? 'other' : 'search' })], { traceId: id }),
    );
    const p = new Function(`return (${m.predicate})`)() as (t: Trace) => boolean;
    expect(runs.filter(p).map((t) => t.traceId)).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  it('drops the predicate when a part has none (it would match only its part)', () => {
    const { findings } = mergeFindings([part('search', ['t1', 't2', 't3'], uses('search')), byModel(part('fetch', ['t1', 't2', 't3']))]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.predicate).toBeUndefined();
    expect(findings[0]!.verification.predicate).toBe('absent');
    expect(findings[0]!.prevalence.traces).toBe(3);
  });

  it("keeps every part's checked code locations, once each, and the primary's patch only", () => {
    const at = (path: string, line: number) => ({ path, line, excerpt: `line ${line}` });
    const a = part('search', ['t1', 't2', 't3']);
    a.fix = { ...a.fix, locations: [at('tools/search.ts', 10), at('agent/prompt.md', 3)], patch: '--- a/tools/search.ts\n+++ b/tools/search.ts\n' };
    const b = byModel(part('fetch', ['t1', 't2', 't3']));
    b.fix = { ...b.fix, locations: [at('tools/fetch.ts', 22), at('agent/prompt.md', 3)] };
    const { findings } = mergeFindings([a, b]);
    expect(findings).toHaveLength(1);
    const m = findings[0]!;
    expect(m.fix.locations!.map((l) => `${l.path}:${l.line}`).sort()).toEqual(['agent/prompt.md:3', 'tools/fetch.ts:22', 'tools/search.ts:10']);
    const primaryHadPatch = m.title.startsWith('search');
    expect(m.fix.patch !== undefined).toBe(primaryHadPatch);
  });
});
