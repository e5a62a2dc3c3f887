// `halo eval`: label readers, scoring semantics, and the command end to end
// on a real analyze run of the τ-bench airline fixture.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span, Trace } from '../src/types.ts';
import { span, trace } from './helpers/factories.ts';
import { readLabels } from '../src/eval/read-labels.ts';
import { scoreFindings, stepOf, type Prediction } from '../src/eval/score.ts';
import { baselineClaims } from '../src/eval/baseline.ts';
import { evaluate } from '../src/eval/evaluate.ts';
import { agentSteps } from '../src/eval/steps.ts';
import { loadTraces } from '../src/ingest/reader.ts';
import { gunzipSync } from 'node:zlib';
import { halorun } from './helpers/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'halo-eval-'));

describe('readLabels', () => {
  it('reads label JSONL, TRAIL annotation folders and Who&When run files', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'labels.jsonl'), '{"traceId":"t1","spanId":"s2","category":"Tool-related"}\n\n{"traceId":"t2"}\n');
    mkdirSync(join(dir, 'trail'));
    writeFileSync(join(dir, 'trail', 'abc.json'), JSON.stringify({ trace_id: 'abc', errors: [{ category: 'Formatting Errors', location: 'sp1', description: 'd', impact: 'LOW' }] }));
    writeFileSync(join(dir, 'trail', 'clean.json'), JSON.stringify({ trace_id: 'clean', errors: [] }));
    writeFileSync(join(dir, 'ww.json'), JSON.stringify({ question_ID: 'q1', history: [{}, {}, {}], mistake_agent: 'Excel_Expert', mistake_step: '1', mistake_reason: 'r' }));
    const set = readLabels([join(dir, 'labels.jsonl'), join(dir, 'trail'), join(dir, 'ww.json')]);
    expect(set.labels.map(({ source: _s, ...l }) => l)).toEqual([
      { traceId: 't1', spanId: 's2', category: 'Tool-related' },
      { traceId: 't2' },
      { traceId: 'abc', spanId: 'sp1', category: 'Formatting Errors', reason: 'd' },
      { agent: 'Excel_Expert', step: 1, reason: 'r', taskId: 'q1', turns: 3 },
    ]);
    expect(set.clean).toEqual(['clean']);
  });

  it('takes the trace id of a TRAIL annotation without trace_id from its file name', () => {
    // A real TRAIL SWE-bench annotation with its trace_id removed, as some TRAIL files come.
    const set = readLabels([join(process.cwd(), 'tests/fixtures/real/excerpts/trail-no-trace-id')]);
    expect(set.labels).toMatchObject([{ traceId: '72822db6e120878d916b515c2501246b', spanId: '12f1a231cfc60c28', category: 'Formatting Errors' }]);
    const dir = tmp();
    writeFileSync(join(dir, 'tr1.json'), JSON.stringify({ errors: [] }));
    expect(readLabels([dir]).clean).toEqual(['tr1']);
  });

  it('names the file and line of a bad label', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.jsonl'), '{"traceId":"t1"}\n{"spanId":"x"}\n');
    expect(() => readLabels([join(dir, 'bad.jsonl')])).toThrow(/bad\.jsonl:2: not a label line \(traceId/);
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    expect(() => readLabels([join(dir, 'other.json')])).toThrow(/other\.json: not a label file/);
  });
});

/** root → agent run → "Step n" → llm, like smolagents. */
function stepTrace(id: string, steps: number): Trace {
  const spans: Span[] = [span({ traceId: id, spanId: 'root' }), span({ traceId: id, spanId: 'run', parentId: 'root', kind: 'agent' })];
  for (let n = 1; n <= steps; n++) {
    spans.push(span({ traceId: id, spanId: `st${n}`, parentId: 'run', name: `Step ${n}`, kind: 'chain' }));
    spans.push(span({ traceId: id, spanId: `llm${n}`, parentId: `st${n}`, kind: 'llm' }));
  }
  return trace(spans);
}

describe('scoreFindings', () => {
  const traces = [stepTrace('a', 4), stepTrace('b', 4), stepTrace('c', 4)];

  it('a span in the same step counts at step level, the span itself at span level', () => {
    const view = { trace: traces[0]!, spans: new Map(traces[0]!.spans.map((s) => [s.spanId, s])) };
    expect(stepOf(view, 'llm2')).toBe('s:st2');
    expect(stepOf(view, 'st2')).toBe('s:st2');
    const labels = readLabelsFrom([
      { traceId: 'a', spanId: 'llm2', category: 'Formatting Errors' },
      { traceId: 'a', spanId: 'llm3', category: 'Formatting Errors' },
      { traceId: 'b', spanId: 'llm1', category: 'Resource Abuse' },
    ]);
    const predictions: Prediction[] = [{ id: 'F1', title: 'f', rank: 1, affected: new Set(['a', 'c']), claims: [{ traceId: 'a', spanId: 'st2' }, { traceId: 'a', spanId: 'llm3' }, { traceId: 'c', spanId: 'st1' }] }];
    const r = scoreFindings(predictions, labels, traces);
    expect(r.recall.overall).toEqual({ labels: 3, trace: 2, step: 2, span: 1, withSpan: 3 });
    expect(r.recall.byCategory['Formatting Errors']).toEqual({ labels: 2, trace: 2, step: 2, span: 1, withSpan: 2 });
    expect(r.recall.byCategory['Resource Abuse']!.trace).toBe(0);
    // Cited: a/st2 (labelled step), a/llm3 (labelled span); c/st1 sits in a run without localized labels
    // (not labelled clean either), so it cannot be judged at span level; at run level c is not failed.
    expect(r.precision).toMatchObject({ citedSpans: 2, stepHits: 2, spanHits: 1, affectedRuns: 2, failedRuns: 1 });
    // A run labelled clean makes its cited spans count as misses.
    const withClean = scoreFindings(predictions, { ...labels, clean: ['c'] }, traces);
    expect(withClean.precision).toMatchObject({ citedSpans: 3, stepHits: 2, spanHits: 1 });
  });

  it('matches Who&When labels to runs by task and chat length, and scores agent and step', () => {
    const chat = (id: string, task: string, agents: string[]) => {
      const spans: Span[] = [span({ traceId: id, spanId: `${id}:run`, kind: 'agent' })];
      agents.forEach((a, i) => {
        const s = span({ traceId: id, spanId: `${id}:${i}`, parentId: `${id}:run`, attributes: { 'halo.step': i } });
        (s as Span & { agentName?: string }).agentName = a;
        spans.push(s);
      });
      return trace(spans, { traceId: id, taskId: task });
    };
    const runs = [chat('x', 'q1', ['A', 'B', 'C']), chat('y', 'q1', ['A', 'B']), chat('z', 'q2', ['A', 'B'])];
    const labels = { labels: [{ agent: 'B', step: 1, taskId: 'q1', turns: 2, source: 'f1' }, { agent: 'A', step: 0, taskId: 'q2', turns: 2, source: 'f2' }], clean: [] };
    const predictions: Prediction[] = [
      { id: 'F1', title: 'f', rank: 1, affected: new Set(['y', 'z']), claims: [{ traceId: 'y', spanId: 'y:1' }, { traceId: 'z', spanId: 'z:1' }] },
    ];
    const r = scoreFindings(predictions, labels, runs);
    expect(r.labels).toMatchObject({ total: 2, matched: 2 });
    expect(r.attribution).toEqual({ runs: 2, predicted: 2, agentCorrect: 1, stepCorrect: 1, agentAccuracy: 0.5, stepAccuracy: 0.5 });
  });
});

describe('naive baseline', () => {
  // t: root(run) → agent → step1{llm1, tool1 ✗} → step2{llm2} → step3{llm3 ✗} → step4{llm4}; a second run u has no failure.
  const at = (traceId: string, spanId: string, parentId: string | null, start: number, end: number, kind: Span['kind'] = 'chain', status: Span['status'] = 'ok') =>
    span({ traceId, spanId, parentId, kind, startTime: start, endTime: end, durationMs: end - start, status });
  const t = trace([
    at('t', 'root', null, 0, 100, 'chain', 'error'),
    at('t', 'run', 'root', 0, 100, 'agent'),
    at('t', 'st1', 'run', 0, 20),
    at('t', 'llm1', 'st1', 0, 10, 'llm'),
    at('t', 'tool1', 'st1', 10, 20, 'tool', 'error'),
    at('t', 'st2', 'run', 20, 40),
    at('t', 'llm2', 'st2', 20, 30, 'llm'),
    at('t', 'st3', 'run', 40, 60, 'chain', 'error'),
    at('t', 'llm3', 'st3', 40, 50, 'llm', 'error'),
    at('t', 'st4', 'run', 60, 80),
    at('t', 'llm4', 'st4', 60, 70, 'llm'),
  ]);
  const u = trace([at('u', 'root', null, 0, 10), at('u', 'run', 'root', 0, 10, 'agent'), at('u', 's1', 'run', 0, 5), at('u', 'l1', 's1', 0, 5, 'llm')]);

  it('cites every failing span below the run span and the next model call after each, never a call inside the failing span', () => {
    // root failed but is the run span; tool1 → llm2; st3 → llm4 (llm3 is inside st3); llm3 → llm4.
    expect(baselineClaims(t).map((c) => c.spanId)).toEqual(['tool1', 'llm2', 'st3', 'llm4', 'llm3']);
    expect(baselineClaims(u)).toEqual([]);
  });

  it('is scored on the same labels as the findings, next to them with and without the outcome summary', () => {
    // Labels: tool1 (step st1), llm4 (step st4), a label in u's step s1.
    const labels = readLabelsFrom([
      { traceId: 't', spanId: 'tool1', category: 'Tool-related' },
      { traceId: 't', spanId: 'llm4', category: 'Formatting Errors' },
      { traceId: 'u', spanId: 'l1', category: 'Goal Deviation' },
    ]);
    const predictions: Prediction[] = [
      { id: 'F1', title: '2 runs failed', category: 'outcome', rank: 1, affected: new Set(['t', 'u']), claims: [{ traceId: 't', spanId: 'root' }, { traceId: 'u', spanId: 'root' }] },
      { id: 'F2', title: 'tool fails', category: 'error', rank: 2, affected: new Set(['t']), claims: [{ traceId: 't', spanId: 'tool1' }] },
    ];
    const r = evaluate(predictions, labels, [t, u]);
    // Engine: trace 3/3 (the outcome summary affects u); step: tool1 → st1 hit; span: tool1.
    expect(r.recall.overall).toEqual({ labels: 3, trace: 3, step: 1, span: 1, withSpan: 3 });
    expect(r.recall.runs).toEqual({ labelled: 2, affected: 2 });
    // Without the outcome summary u is no longer affected.
    expect(r.withoutOutcome.recall.overall).toEqual({ labels: 3, trace: 2, step: 1, span: 1, withSpan: 3 });
    expect(r.withoutOutcome.recall.runs).toEqual({ labelled: 2, affected: 1 });
    // Baseline: cites tool1, llm2, st3, llm4, llm3 in t → steps st1, st2, st3, st4; labelled steps st1, st4.
    // Recall: trace 2/3 (u has no failing span), step 2/3 (st1, st4), span 2/3 (tool1, llm4).
    expect(r.baseline!.recall.overall).toEqual({ labels: 3, trace: 2, step: 2, span: 2, withSpan: 3 });
    // Cited steps holding a label: baseline 2 of 4 distinct steps; engine st1 of {root's own step, st1} in t and u's root.
    expect(r.baseline!.precision).toMatchObject({ citedSteps: 4, labelledSteps: 2, citedSpans: 5, spanHits: 2 });
    expect(r.baseline!.cited).toBe(5);
    expect(r.withoutOutcome.precision).toMatchObject({ citedSteps: 1, labelledSteps: 1 });
  });
});

describe('agentSteps', () => {
  it('counts a smolagents run by its Step spans, not by its model and tool calls', async () => {
    const file = join(process.cwd(), 'tests/fixtures/real/trail-swe/traces/0e6f7928953ab5a568bae640ce915cc3.json.gz');
    const raw = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
    // By hand from the source: the span names "Step N" anywhere in the tree.
    const names: string[] = [];
    const walk = (s: { span_name: string; child_spans?: unknown[] }) => {
      names.push(s.span_name);
      for (const c of (s.child_spans ?? []) as (typeof s)[]) walk(c);
    };
    raw.spans.forEach(walk);
    const steps = names.filter((n) => /^Step \d+$/.test(n)).length;
    const { traces } = await loadTraces([file]);
    const calls = traces[0]!.spans.filter((s) => s.kind === 'llm' || s.kind === 'tool').length;
    expect(agentSteps(traces[0]!)).toEqual({ steps, unit: 'step span' });
    expect(steps).toBeGreaterThan(5);
    expect(calls).toBeGreaterThanOrEqual(steps);
  });

  it('counts a τ-bench transcript by its assistant turns and a Who&When chat by its turns', async () => {
    const tau = join(process.cwd(), 'tests/fixtures/real/excerpts/tau-airline-task11-trial1.json');
    const turns = (JSON.parse(readFileSync(tau, 'utf8'))[0].traj as { role: string }[]).filter((m) => m.role === 'assistant').length;
    const t = (await loadTraces([tau])).traces[0]!;
    expect(agentSteps(t)).toEqual({ steps: turns, unit: 'model call' });
    expect(t.spans.filter((s) => s.kind === 'tool').length).toBeGreaterThan(0);
    const ww = join(process.cwd(), 'tests/fixtures/real/whowhen-captainagent/runs/56.json');
    const history = (JSON.parse(readFileSync(ww, 'utf8')).history as unknown[]).length;
    expect(agentSteps((await loadTraces([ww])).traces[0]!)).toEqual({ steps: history, unit: 'turn' });
  });
});

function readLabelsFrom(lines: object[]) {
  const dir = tmp();
  writeFileSync(join(dir, 'l.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  return readLabels([join(dir, 'l.jsonl')]);
}

describe('halo eval (CLI)', () => {
  it('scores an offline analysis of τ-bench airline against its failed runs', () => {
    const dir = tmp();
    const fixture = join(process.cwd(), 'tests/fixtures/tau-bench/gpt-4o-airline.json');
    const a = halorun(dir, ['analyze', fixture, '--offline', '--out', 'out', '--format', 'json', '--quiet']);
    expect(a.code, a.stderr).toBe(0);
    // Labels: the failed runs (reward 0), one line per run, in the documented format.
    const raw = JSON.parse(readFileSync(fixture, 'utf8')) as { task_id: number; trial: number; reward: number }[];
    writeFileSync(join(dir, 'labels.jsonl'), raw.filter((r) => r.reward < 1).map((r) => JSON.stringify({ traceId: `tau-${r.task_id}-${r.trial}` })).join('\n'));
    const r = halorun(dir, ['eval', 'out/findings.json', '--labels', 'labels.jsonl', '--traces', fixture, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.labels.matched).toBe(116);
    // Failed runs are report context, not a finding that "recalls" every label by restating the outcome:
    // trace recall comes only from real failure modes, each affecting some failed runs.
    expect(report.perPrediction.length).toBeGreaterThan(0);
    for (const p of report.perPrediction) expect(p.affected).toBeGreaterThanOrEqual(p.failedAffected);
    expect(report.recall.overall.trace).toBeGreaterThan(0);
    expect(report.recall.overall.trace).toBeLessThan(116);
    const text = halorun(dir, ['eval', 'out/findings.json', '--labels', 'labels.jsonl', '--traces', fixture]);
    expect(text.stdout).toMatch(/affected runs labelled failed/);
    // The outcome summary alone covers every failed run; the table shows recall without it and the naive baseline.
    expect(report.withoutOutcome.recall.overall.trace).toBeLessThan(116);
    expect(report.baseline.recall.runs.labelled).toBe(116);
    expect(text.stdout).toMatch(/without outcome summary/);
    expect(text.stdout).toMatch(/naive baseline/);
    expect(text.stdout).toMatch(/116 labels \(116 matched to a run, 0 not\) in 116 labelled runs/);
  }, 120_000);

  it('scores TRAIL annotations that lack trace_id against the real trace, with the baseline', () => {
    const dir = tmp();
    const traceFile = join(process.cwd(), 'tests/fixtures/real/trail-swe/traces/72822db6e120878d916b515c2501246b.json.gz');
    const a = halorun(dir, ['analyze', traceFile, '--offline', '--no-history', '--out', 'out', '--format', 'json', '--quiet']);
    expect(a.code, a.stderr).toBe(0);
    const r = halorun(dir, ['eval', 'out/findings.json', '--labels', join(process.cwd(), 'tests/fixtures/real/excerpts/trail-no-trace-id'), '--traces', traceFile, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.labels).toMatchObject({ total: 1, matched: 1, runs: 1 });
    expect(report.baseline).not.toBeNull();
  }, 60_000);

  it('exits 2 naming the file for unreadable input', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'f.json'), '{"not": "findings"}');
    writeFileSync(join(dir, 'l.jsonl'), '{"traceId":"t"}');
    const r = halorun(dir, ['eval', 'f.json', '--labels', 'l.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/f\.json: not a findings\.json/);
  });
});
