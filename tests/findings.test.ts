import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Span, Trace } from '../src/types.ts';
import { Finding, FindingInput, FindingsFile, type FindingInput as FindingInputT } from '../src/findings/schema.ts';
import { verifyFindings, type VerifiedFinding } from '../src/findings/verify.ts';
import { mergeFindings, jaccard } from '../src/findings/merge.ts';
import { rankFindings, rankScore } from '../src/findings/rank.ts';
import { fingerprintKey, normalizeKey } from '../src/findings/fingerprint.ts';
import { finalizeFindings, parseVerifyResult } from '../src/findings/pipeline.ts';
import { span as makeSpan, trace as makeTrace } from './helpers/factories.ts';

// Test predicates are our own code, so the host may compile them here; in the
// product they only ever compile inside the isolate.
const compile = (src: string) => new Function(`return (${src});`)() as (t: Trace) => unknown;

function span(traceId: string, spanId: string, extra: Partial<Span> = {}): Span {
  return makeSpan({ traceId, spanId, ...extra });
}

function trace(traceId: string, spans: Span[], extra: Partial<Trace> = {}): Trace {
  return makeTrace(spans, { traceId, agentName: 'support-agent', source: { file: 'x.jsonl', format: 'flat-span' }, ...extra });
}

// Ten traces: t0..t3 have a refund_order tool span failing with a timeout.
const traces: Trace[] = Array.from({ length: 10 }, (_, i) => {
  const id = `t${i}`;
  const failing = i < 4;
  return trace(id, [
    span(id, `${id}-root`, { kind: 'agent', name: 'support-agent' }),
    span(id, `${id}-tool`, {
      kind: 'tool',
      name: 'refund_order',
      status: failing ? 'error' : 'ok',
      statusMessage: failing ? `Upstream timeout after 3000 ms for order ORD-${1000 + i}` : null,
      tool: {
        name: 'refund_order',
        arguments: { order_id: `ORD-${1000 + i}`, reason: 'damaged\nin transit' },
        result: failing ? null : { ok: true },
      },
      error: failing ? { type: 'TimeoutError', message: `refund service did not answer in 3000 ms` } : null,
    }),
  ]);
});

function input(over: Partial<FindingInputT> = {}): FindingInputT {
  return {
    title: 'refund_order times out',
    category: 'errors_recovery',
    severity: 'high',
    summary: 'The refund tool times out on a share of runs.',
    rootCause: { statement: 'The refund service is slow.', confidence: 'hypothesis' },
    fix: { summary: 'Raise the timeout and retry once.', kind: 'config' },
    evidence: [{ traceId: 't0', spanId: 't0-tool', excerpt: 'Upstream timeout after 3000 ms' }],
    key: { component: 'tool:refund_order', signature: 'timeout' },
    ...over,
  };
}

describe('verifyFindings', () => {
  it('keeps a citation whose trace, span and excerpt exist', () => {
    const r = verifyFindings([input()], traces, compile);
    expect(r.kept).toHaveLength(1);
    expect(r.kept[0]!.verification).toMatchObject({ status: 'verified', evidenceChecked: 1, evidenceDropped: 0, predicate: 'absent' });
  });

  it('drops citations of unknown traces, unknown spans and excerpts not in the span, with reasons', () => {
    const r = verifyFindings(
      [
        input({
          evidence: [
            { traceId: 't0', spanId: 't0-tool', excerpt: 'Upstream timeout' },
            { traceId: 'nope', spanId: 't0-tool' },
            { traceId: 't1', spanId: 'missing-span' },
            // occurs in t2's tool span, not its root span
            { traceId: 't2', spanId: 't2-root', excerpt: 'Upstream timeout' },
            { traceId: 't3', spanId: 't3-tool', excerpt: 'invented text the model made up' },
          ],
        }),
      ],
      traces,
      compile,
    );
    expect(r.droppedEvidence).toBe(4);
    const v = r.kept[0]!.verification;
    expect(v.status).toBe('partial');
    expect(v.dropped).toEqual([
      { traceId: 'nope', spanId: 't0-tool', reason: 'unknown trace' },
      { traceId: 't1', spanId: 'missing-span', reason: 'unknown span' },
      { traceId: 't2', spanId: 't2-root', reason: 'excerpt not found in span' },
      { traceId: 't3', spanId: 't3-tool', reason: 'excerpt not found in span' },
    ]);
    expect(r.kept[0]!.evidence).toEqual([{ traceId: 't0', spanId: 't0-tool', excerpt: 'Upstream timeout' }]);
    expect(r.kept[0]!.prevalence).toEqual({ traces: 1, total: 10, share: 0.1 });
  });

  it('drops a finding whose evidence all fails, and counts it', () => {
    const r = verifyFindings([input({ evidence: [{ traceId: 'ghost-1' }, { traceId: 'ghost-2' }] })], traces, compile);
    expect(r.kept).toHaveLength(0);
    expect(r.droppedEvidence).toBe(2);
    expect(r.droppedFindings).toEqual([{ title: 'refund_order times out', reason: 'no evidence survived verification (unknown trace)' }]);
  });

  it('matches excerpts across whitespace differences, tool arguments, error messages and trace-wide text', () => {
    const r = verifyFindings(
      [
        input({
          evidence: [
            { traceId: 't0', spanId: 't0-tool', excerpt: 'Upstream   timeout\n after 3000 ms' },
            // JSON of the parsed arguments, re-spaced the way a model quotes it
            { traceId: 't1', spanId: 't1-tool', excerpt: '{"order_id": "ORD-1001"' },
            // a leaf string containing a newline, quoted raw
            { traceId: 't1', spanId: 't1-tool', excerpt: 'damaged in transit' },
            { traceId: 't2', spanId: 't2-tool', excerpt: 'did not answer in 3000 ms' },
            // no span cited: anywhere in the trace
            { traceId: 't3', excerpt: 'ORD-1003' },
          ],
        }),
      ],
      traces,
      compile,
    );
    expect(r.kept[0]!.verification.dropped).toEqual([]);
    expect(r.kept[0]!.evidence).toHaveLength(5);
  });

  it('recomputes prevalence from the predicate over all traces, ignoring the submitted count', () => {
    const r = verifyFindings(
      [
        input({
          prevalence: { traces: 9000, total: 10000, share: 0.9 },
          predicate: "(t) => t.spans.some(s => s.tool && s.tool.name === 'refund_order' && s.status === 'error')",
          evidence: [{ traceId: 't0', spanId: 't0-tool' }, { traceId: 't1' }],
        }),
      ],
      traces,
      compile,
    );
    const f = r.kept[0]!;
    expect(f.prevalence).toEqual({ traces: 4, total: 10, share: 0.4 });
    expect(f.verification).toMatchObject({ predicate: 'matched', prevalenceSource: 'predicate', status: 'verified' });
  });

  it('drops cited traces the predicate does not match and marks the predicate failed', () => {
    const r = verifyFindings(
      [
        input({
          predicate: "(t) => t.status === 'error'",
          evidence: [{ traceId: 't0' }, { traceId: 't7' }],
        }),
      ],
      traces,
      compile,
    );
    const f = r.kept[0]!;
    expect(f.evidence.map((e) => e.traceId)).toEqual(['t0']);
    expect(f.verification.predicate).toBe('failed');
    expect(f.verification.dropped).toEqual([{ traceId: 't7', reason: 'predicate false' }]);
  });

  it('treats a throwing predicate per trace, and a broken one as an error without trusting it', () => {
    const throwsOnSome = verifyFindings(
      [input({ predicate: "(t) => { if (t.traceId === 't1') throw new Error('boom'); return t.status === 'error'; }", evidence: [{ traceId: 't0' }, { traceId: 't1' }] })],
      traces,
      compile,
    ).kept[0]!;
    expect(throwsOnSome.verification.dropped).toEqual([{ traceId: 't1', reason: 'predicate threw: boom' }]);
    expect(throwsOnSome.prevalence.traces).toBe(3);

    const syntax = verifyFindings([input({ predicate: '(t) => {{', evidence: [{ traceId: 't0' }] })], traces, compile).kept[0]!;
    expect(syntax.verification.predicate).toBe('error');
    expect(syntax.verification.predicateError).toMatch(/does not compile/);
    expect(syntax.verification.status).toBe('unverified');
    expect(syntax.verification.prevalenceSource).toBe('evidence');
    expect(syntax.prevalence.traces).toBe(1);

    const alwaysThrows = verifyFindings([input({ predicate: '(t) => t.nope.deeper', evidence: [{ traceId: 't0' }] })], traces, compile).kept[0]!;
    expect(alwaysThrows.verification.predicate).toBe('error');
    expect(alwaysThrows.verification.predicateError).toMatch(/threw on every trace/);
  });

  it('counts detector prevalence from data.traceIds that exist, dropping invented ids', () => {
    const r = verifyFindings(
      [input({ source: 'detector:errors', data: { traceIds: ['t0', 't1', 't2', 't3', 'ghost'] }, evidence: [{ traceId: 't0', spanId: 't0-tool' }] })],
      traces,
      compile,
    );
    const f = r.kept[0]!;
    expect(f.prevalence).toEqual({ traces: 4, total: 10, share: 0.4 });
    expect(f.verification.prevalenceSource).toBe('detector');
    expect(f.data!.traceIds).toEqual(['t0', 't1', 't2', 't3']);
  });

  it('survives a malformed finding without losing the others', () => {
    const bad = { title: 'broken', evidence: null } as unknown as FindingInputT;
    const r = verifyFindings([bad, input()], traces, compile);
    expect(r.kept).toHaveLength(1);
    expect(r.droppedFindings[0]!.title).toBe('broken');
  });
});

function verified(over: Partial<FindingInputT> = {}): VerifiedFinding {
  const r = verifyFindings([input(over)], traces, compile);
  if (!r.kept[0]) throw new Error('fixture finding did not verify: ' + JSON.stringify(r.droppedFindings));
  return r.kept[0];
}

describe('mergeFindings', () => {
  it('merges findings with the same normalized key: union evidence, max severity, better text, combined sources', () => {
    const detector = verified({
      source: 'detector:error-signatures',
      severity: 'medium',
      key: { component: 'tool:refund_order', signature: 'Upstream timeout after 3000 ms for order ORD-1000' },
      evidence: [{ traceId: 't0', spanId: 't0-tool' }],
      data: { traceIds: ['t0', 't1', 't2', 't3'] },
    });
    const model = verified({
      source: 'model',
      severity: 'high',
      title: 'Refunds fail when the payment service is slow',
      summary: 'Every refund that takes longer than 3s fails and the agent tells the customer it succeeded. '.repeat(3),
      rootCause: { statement: 'The refund tool has a hard 3000 ms timeout while the payment service p95 is 4s.', confidence: 'confirmed' },
      monitor: 'Alert when refund_order error rate exceeds 1%.',
      key: { component: 'Tool:Refund_Order ', signature: 'upstream  timeout after 5000 ms for order ORD-2041' },
      evidence: [{ traceId: 't1', spanId: 't1-tool' }, { traceId: 't0', spanId: 't0-tool' }],
    });
    const other = verified({ key: { component: 'tool:lookup_order', signature: 'not found' }, category: 'tool_arguments', evidence: [{ traceId: 't9' }] });
    const { findings, merged } = mergeFindings([detector, model, other]);
    expect(merged).toBe(1);
    expect(findings).toHaveLength(2);
    const m = findings.find((f) => f.title.startsWith('Refunds'))!;
    expect(m.severity).toBe('high');
    expect(m.rootCause.confidence).toBe('confirmed');
    expect(m.evidence.map((e) => e.traceId).sort()).toEqual(['t0', 't1']);
    expect(m.source).toBe('model + detector:error-signatures');
    // the detector's key wins, so the fingerprint does not depend on model wording
    expect(m.key).toEqual(detector.key);
    expect(m.prevalence.traces).toBe(4);
  });

  it('a same-key merge whose best text covers fewer traces states the union count and names what else it holds', () => {
    // Two models' rate limits normalise to one key; the better-written member
    // covers 2 traces, the union 4: keeping its text alone would say "2" under a
    // prevalence of 4 and name one model only.
    const a = verified({
      title: 'claude-sonnet-4-5: rate limited',
      summary: 'The model call `claude-sonnet-4-5` failed with "rate limited" in 2 of 10 traces (20%), and the runs carried on after it.',
      key: { component: 'agent:support-agent', signature: 'error:model:claude-sonnet-4-5 rate limited' },
      evidence: ['t0', 't1'].map((traceId) => ({ traceId })),
      data: { traceIds: ['t0', 't1'] },
    });
    const b = verified({
      title: 'claude-haiku-4-5: rate limited',
      summary: 'The model call `claude-haiku-4-5` failed in 2 of 10 traces.',
      key: { component: 'agent:support-agent', signature: 'error:model:claude-haiku-4-5 rate limited' },
      evidence: ['t2', 't3'].map((traceId) => ({ traceId })),
      data: { traceIds: ['t2', 't3'] },
    });
    expect(normalizeKey(a.key)).toBe(normalizeKey(b.key));
    const { findings } = mergeFindings([a, b]);
    expect(findings).toHaveLength(1);
    const m = findings[0]!;
    expect(m.prevalence.traces).toBe(4);
    expect(m.summary).toMatch(/^2 reports of the same failure together affect 4 of 10 traces/);
    expect(m.title).toContain('claude-haiku-4-5');
    expect(m.rootCause).toEqual(a.rootCause);
  });

  it('merges same-category findings whose cited traces overlap heavily, and keeps others apart', () => {
    const a = verified({ key: { component: 'support-agent', signature: 'refund lies' }, evidence: ['t0', 't1', 't2'].map((traceId) => ({ traceId })) });
    const b = verified({ key: { component: 'support-agent', signature: 'refund timeouts ignored' }, evidence: ['t0', 't1', 't2', 't3'].map((traceId) => ({ traceId })) });
    const otherCategory = verified({ category: 'latency', key: { component: 'support-agent', signature: 'slow' }, evidence: ['t0', 't1', 't2'].map((traceId) => ({ traceId })) });
    const lowOverlap = verified({ key: { component: 'support-agent', signature: 'other' }, evidence: ['t0', 't5', 't6', 't7'].map((traceId) => ({ traceId })) });
    expect(jaccard(new Set(['t0', 't1', 't2']), new Set(['t0', 't1', 't2', 't3']))).toBe(0.75);
    const { findings, merged } = mergeFindings([a, b, otherCategory, lowOverlap]);
    expect(merged).toBe(1);
    expect(findings).toHaveLength(3);
    const union = findings.find((f) => f.evidence.length === 4 && f.category === 'errors_recovery' && f.evidence.some((e) => e.traceId === 't3'))!;
    expect(union.data!.mergedFrom).toHaveLength(1);
  });

  it('keeps apart different failures that merely share one cited trace', () => {
    const a = verified({ category: 'tool_selection', key: { component: 'tool:issue_voucher', signature: 'unknown tool' }, evidence: [{ traceId: 't4' }] });
    const b = verified({ category: 'tool_selection', key: { component: 'tool:get_status', signature: 'unknown tool' }, evidence: [{ traceId: 't4' }] });
    expect(mergeFindings([a, b]).findings).toHaveLength(2);
  });

  it('caps merged evidence at 20, taking from every member', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ traceId: `t${i}` }));
    const a = verified({ evidence: many.slice(0, 10).map((e) => ({ ...e, note: 'a' })) });
    const b = verified({ evidence: many.map((e) => ({ ...e, spanId: `${e.traceId}-root` })) });
    const c = verified({ evidence: many.map((e) => ({ ...e, spanId: `${e.traceId}-tool` })) });
    const { findings } = mergeFindings([a, b, c]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence).toHaveLength(20);
    expect(new Set(findings[0]!.evidence.map((e) => e.spanId ?? 'none')).size).toBeGreaterThan(2);
  });
});

describe('rank', () => {
  it('orders by severity weight × prevalence share × confidence, ties by fingerprint', () => {
    const mk = (severity: FindingInputT['severity'], share: number, confidence: 'confirmed' | 'hypothesis', fingerprint: string) => ({
      severity,
      rootCause: { statement: 's', confidence },
      prevalence: { traces: Math.round(share * 100), total: 100, share },
      fingerprint,
    });
    const critRare = mk('critical', 0.02, 'confirmed', 'aaaa'); // 0.02
    const lowCommon = mk('low', 0.5, 'confirmed', 'bbbb'); // 0.125
    const highHyp = mk('high', 0.2, 'hypothesis', 'cccc'); // 0.105
    const highConf = mk('high', 0.2, 'confirmed', 'dddd'); // 0.15
    const tieB = mk('medium', 0.1, 'confirmed', 'ff00'); // 0.05
    const tieA = mk('medium', 0.1, 'confirmed', '0f00'); // 0.05
    expect(rankScore(highHyp)).toBeCloseTo(0.105, 9);
    const ranked = rankFindings([critRare, tieB, lowCommon, highHyp, tieA, highConf]);
    expect(ranked.map((f) => f.fingerprint)).toEqual(['dddd', 'bbbb', 'cccc', '0f00', 'ff00', 'aaaa']);
    expect(ranked.map((f) => f.rank)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('fingerprint', () => {
  it('is stable across wording, case, whitespace, numbers and ids in the signature', () => {
    const a = fingerprintKey({ component: 'tool:refund_order', signature: 'Upstream timeout after 3000 ms for order ORD-1000' });
    const b = fingerprintKey({ component: '  Tool:Refund_Order', signature: 'upstream   timeout after 12 s for order ORD-99231' });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
    // a different title or summary never enters the fingerprint: it hashes the key only
    const f1 = finalizeFindings(verifyFindings([input({ title: 'Refund timeouts' })], traces, compile)).findings[0]!;
    const f2 = finalizeFindings(verifyFindings([input({ title: 'The refund tool keeps timing out', summary: 'Other words.' })], traces, compile)).findings[0]!;
    expect(f1.fingerprint).toBe(f2.fingerprint);
  });

  it('differs for different keys, including models the id normalizer would fold together', () => {
    const base = fingerprintKey({ component: 'tool:refund_order', signature: 'timeout' });
    expect(fingerprintKey({ component: 'tool:lookup_order', signature: 'timeout' })).not.toBe(base);
    expect(fingerprintKey({ component: 'tool:refund_order', signature: 'invalid_json_arguments' })).not.toBe(base);
    expect(fingerprintKey({ component: 'model:gpt-4o', signature: 'cost outlier' })).not.toBe(
      fingerprintKey({ component: 'model:gpt-4o-mini', signature: 'cost outlier' }),
    );
    expect(normalizeKey({ component: 'a', signature: 'b c' })).not.toBe(normalizeKey({ component: 'a b', signature: 'c' }));
  });
});

describe('finalizeFindings', () => {
  it('produces schema-valid, ranked findings with ids, fingerprints and honest counts', () => {
    const results = [
      verifyFindings(
        [
          input({ source: 'detector:a', data: { traceIds: ['t0', 't1', 't2', 't3'] } }),
          input({ title: 'Same failure, other words', source: 'detector:b', key: { component: 'tool:refund_order', signature: 'Timeout' } }),
          input({ title: 'Invented', evidence: [{ traceId: 'does-not-exist' }] }),
        ],
        traces,
        compile,
      ),
      verifyFindings([input({ title: 'Lookup slow', category: 'latency', severity: 'low', key: { component: 'tool:lookup_order', signature: 'p99 latency' }, evidence: [{ traceId: 't8' }] })], traces, compile),
    ];
    const { findings, counts, droppedFindings } = finalizeFindings(results);
    expect(counts).toMatchObject({ submitted: 4, kept: 2, droppedFindings: 1, droppedEvidence: 1, merged: 1 });
    expect(counts.dropped).toEqual([{ title: 'Invented', reason: 'no evidence survived verification (unknown trace)' }]);
    expect(droppedFindings[0]!.title).toBe('Invented');
    expect(findings.map((f) => [f.id, f.rank])).toEqual([['F1', 1], ['F2', 2]]);
    expect(findings[0]!.prevalence.traces).toBe(4);
    for (const f of findings) expect(Finding.safeParse(f).success).toBe(true);
  });

  it('drops findings that come back from the sandbox with a bad shape', () => {
    const good = verified();
    const parsed = parseVerifyResult({ kept: [good, { ...good, title: 'x', severity: 'apocalyptic' }], droppedFindings: [], droppedEvidence: 0 });
    expect(parsed.kept).toHaveLength(1);
    expect(parsed.droppedFindings[0]!.reason).toMatch(/invalid finding: (title|severity)/);
    expect(() => parseVerifyResult({ nope: true })).toThrow(/invalid result/);
  });
});

describe('JSON Schema', () => {
  it('schema/findings.schema.json is up to date with the zod schema', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-schema.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('describes findings.json: required fields and enums', () => {
    const schema = JSON.parse(readFileSync('schema/findings.schema.json', 'utf8'));
    expect(schema.$schema).toMatch(/json-schema/);
    expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'run', 'findings', 'verification']));
    const finding = schema.properties.findings.items;
    expect(finding.required).toEqual(expect.arrayContaining(['title', 'category', 'severity', 'evidence', 'fingerprint', 'key']));
    expect(finding.properties.severity.enum).toEqual(['critical', 'high', 'medium', 'low', 'info']);
    // FindingInput validates a model submission on its own as well
    expect(FindingInput.safeParse(input()).success).toBe(true);
    expect(FindingsFile).toBeDefined();
  });
});
