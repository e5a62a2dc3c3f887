// The real, labelled runs in tests/fixtures/real load as they are: TRAIL
// SWE-bench span trees, Who&When CaptainAgent group chats, OpenHands
// completion logs with their SWE-bench verdicts.
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { buildOverview } from '../src/ingest/overview.ts';
import { readOutcomeFiles } from '../src/ingest/outcomes-file.ts';

const REAL = fileURLToPath(new URL('./fixtures/real/', import.meta.url));
const TRAIL = join(REAL, 'trail-swe/traces');
const WHOWHEN = join(REAL, 'whowhen-captainagent/runs');

function spanIdsInFile(file: string): string[] {
  const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  const ids: string[] = [];
  const walk = (s: { span_id: string; child_spans?: unknown[] }) => {
    ids.push(s.span_id);
    for (const c of s.child_spans ?? []) walk(c as typeof s);
  };
  for (const s of doc.spans) walk(s);
  return ids;
}

describe('TRAIL SWE-bench traces', () => {
  it('26 traces, 0 bad records, span ids exactly as annotations cite them', async () => {
    const result = await loadTraces([TRAIL]);
    expect(result.stats.badRecords).toBe(0);
    expect(result.traces).toHaveLength(26);
    const files = readdirSync(TRAIL).filter((f) => f.endsWith('.json.gz'));
    for (const f of files) {
      const t = result.traces.find((x) => x.traceId === f.replace('.json.gz', ''))!;
      expect(t, f).toBeDefined();
      // One export repeats a span verbatim (72822db6…: b14646a5fcac02fd twice); it is one span.
      expect(t.spans.map((s) => s.spanId).sort()).toEqual([...new Set(spanIdsInFile(join(TRAIL, f)))].sort());
    }
    // Annotations cite span ids that exist.
    const annotated = JSON.parse(readFileSync(join(REAL, 'trail-swe/annotations', readdirSync(join(REAL, 'trail-swe/annotations'))[0]!), 'utf8'));
    const t = result.traces.find((x) => x.traceId === annotated.trace_id);
    if (t) for (const e of annotated.errors) expect(t.spans.some((s) => s.spanId === e.location)).toBe(true);
  });

  it('names the agent and shows final_answer with its named argument', async () => {
    const result = await loadTraces([TRAIL]);
    const o = buildOverview(result);
    expect(o.agents[0]).toMatchObject({ name: 'CodeAgent', traces: 25 });
    // 25 of 26: one export lacks its root and agent spans (a partial trace).
    const final = o.tools.find((x) => x.name === 'final_answer')!;
    expect(final.arguments).toEqual(['answer']);
    expect(final.positional).toBe(false);
    for (const t of result.traces) {
      for (const s of t.spans) if (s.tool?.name === 'final_answer') expect(Object.keys(s.tool.arguments as object)).toEqual(['answer']);
    }
  });
});

describe('Who&When CaptainAgent runs', () => {
  it('126 traces, one span per speaker turn, agents named, labels left out', async () => {
    const result = await loadTraces([WHOWHEN]);
    expect(result.stats.badRecords).toBe(0);
    expect(result.traces).toHaveLength(126);
    for (const t of result.traces) {
      const file = JSON.parse(readFileSync(t.source.file, 'utf8'));
      const turns = t.spans.filter((s) => s.spanId !== t.rootSpanId);
      expect(turns).toHaveLength(file.history.length);
      for (const s of turns) {
        const step = s.attributes['halo.step'] as number;
        expect(s.agentName).toBe(file.history[step].name);
      }
      expect(t.outcome?.success).toBe(file.is_correct);
      expect(JSON.stringify(t)).not.toContain(file.mistake_reason);
    }
    const o = buildOverview(result);
    expect(o.agents.map((a) => a.name)).toContain('Computer_terminal');
    expect(o.agents.some((a) => a.name === 'unknown' || a.name === '(unknown)')).toBe(false);
  });
});

describe('OpenHands SWE-bench Verified completion logs', () => {
  it('15 runs from one model-call log per file, their verdicts joined from the harness summary', async () => {
    const dir = join(REAL, 'openhands-swe-bench-verified');
    const result = await loadTraces([join(dir, 'llm_completions')], { outcomes: readOutcomeFiles([join(dir, 'swebench-report.json')]) });
    expect(result.stats.badRecords).toBe(0);
    expect(result.traces).toHaveLength(15);
    expect(result.traces.reduce((n, t) => n + t.spans.filter((s) => s.kind === 'llm').length, 0)).toBe(366);
    const byTask = new Map(result.traces.map((t) => [t.taskId, t.outcome?.success]));
    expect(byTask.get('django__django-11095')).toBe(true);
    expect(byTask.get('django__django-11138')).toBe(false);
    // Resolved 26 of 50 in the source's own report; 9 of the 15 drawn here.
    expect([...byTask.values()].filter((s) => s === true)).toHaveLength(9);
  });
});
