// The bundled sample week is what detectors are measured against, so its
// ground truth must be exact. These tests regenerate it (determinism, and the
// committed files are up to date), then re-derive every failure mode from the
// raw span files with rules written independently of the generator, and
// compare them with samples/ground-truth.json trace by trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';

const WEEK = 'samples/week';
const TRUTH = 'samples/ground-truth.json';
const TAU = 'samples/tau-bench/gpt-4o-airline.json';

interface GroundTruth {
  generator: { seed: number; traces: number; start: string; end: string; args: { traces: number; seed: number; start: string; format: string; gzip: boolean } };
  files: { file: string; agent: string; format: string; traces: number; spans: number; lines: number; bytes: number }[];
  traces: number;
  agents: Record<string, number>;
  modes: Record<string, { description: string; rate: number; planted: number; count: number; traceIds: string[] }>;
  flakyTasks: string[];
}

const MODES = [
  'invalid_tool_arguments', 'tool_schema_violation', 'unknown_tool', 'silent_error', 'repeated_tool_call', 'loop',
  'ignored_error', 'rate_limit_retry', 'retry_exhausted', 'tool_error', 'cost_outlier', 'latency_outlier',
  'failed_task', 'flaky_task',
] as const;

// ---------------------------------------------------------------------------
// A minimal reader of the two raw shapes, independent of src/ingest.

interface RawSpan {
  spanId: string;
  parentId: string;
  name: string;
  kind: 'agent' | 'llm' | 'tool';
  start: number; // ms
  end: number;
  error: boolean;
  message: string;
  attrs: Record<string, unknown>;
}
interface RawTrace {
  traceId: string;
  agent: string;
  spans: RawSpan[];
}

function anyValue(v: Record<string, unknown>): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return v.doubleValue;
  if ('arrayValue' in v) return ((v.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  throw new Error(`unexpected AnyValue ${JSON.stringify(v)}`);
}

function kindOf(attrs: Record<string, unknown>): RawSpan['kind'] {
  const k = attrs['openinference.span.kind'] ?? attrs['gen_ai.operation.name'];
  if (k === 'AGENT' || k === 'invoke_agent') return 'agent';
  if (k === 'LLM' || k === 'chat') return 'llm';
  if (k === 'TOOL' || k === 'execute_tool') return 'tool';
  throw new Error(`unexpected span kind ${String(k)}`);
}

function readWeek(dir: string, truth: GroundTruth): Map<string, RawTrace> {
  const traces = new Map<string, RawTrace>();
  const add = (traceId: string, agent: string, span: RawSpan) => {
    let t = traces.get(traceId);
    if (!t) traces.set(traceId, (t = { traceId, agent, spans: [] }));
    t.spans.push(span);
  };
  for (const f of truth.files) {
    const text = gunzipSync(readFileSync(join(dir, f.file))).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      const rec = JSON.parse(line);
      if (rec.resourceSpans) {
        for (const rs of rec.resourceSpans) {
          const service = rs.resource.attributes.find((a: { key: string }) => a.key === 'service.name').value.stringValue;
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              const attrs: Record<string, unknown> = {};
              for (const a of s.attributes) attrs[a.key] = anyValue(a.value);
              add(s.traceId, service, {
                spanId: s.spanId, parentId: s.parentSpanId ?? '', name: s.name, kind: kindOf(attrs),
                start: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000, end: Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000,
                error: s.status?.code === 2, message: s.status?.message ?? '', attrs,
              });
            }
          }
        }
      } else {
        add(rec.trace_id, rec.resource.attributes['service.name'], {
          spanId: rec.span_id, parentId: rec.parent_span_id, name: rec.name, kind: kindOf(rec.attributes),
          start: isoMs(rec.start_time), end: isoMs(rec.end_time),
          error: rec.status.code === 'STATUS_CODE_ERROR', message: rec.status.message, attrs: rec.attributes,
        });
      }
    }
  }
  for (const t of traces.values()) t.spans.sort((a, b) => a.start - b.start);
  return traces;
}

/** ISO with nanoseconds to epoch ms (microsecond precision). */
function isoMs(iso: string): number {
  const base = Date.parse(iso.slice(0, 19) + 'Z');
  return base + Number(iso.slice(20, 26)) / 1000;
}

// ---------------------------------------------------------------------------
// Trace facts, read from attributes of either convention.

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const root = (t: RawTrace) => t.spans.find((s) => s.kind === 'agent')!;
const tools = (t: RawTrace) => t.spans.filter((s) => s.kind === 'tool');
const llms = (t: RawTrace) => t.spans.filter((s) => s.kind === 'llm');
const toolName = (s: RawSpan) => str(s.attrs['tool.name'] ?? s.attrs['gen_ai.tool.name']);
const toolArgs = (s: RawSpan) => str(s.attrs['input.value'] ?? s.attrs['gen_ai.tool.call.arguments']);
const toolResult = (s: RawSpan) => str(s.attrs['output.value'] ?? s.attrs['gen_ai.tool.call.result']);
const success = (t: RawTrace) => root(t).attrs['halo.outcome.success'] === true;
const failed = (t: RawTrace) => root(t).attrs['halo.outcome.success'] === false;
// The agent's own report of success, with no grader's verdict (the ignored_error runs).
const unjudged = (t: RawTrace) => root(t).attrs['halo.outcome.success'] === undefined;
const cost = (t: RawTrace) => llms(t).reduce((a, s) => a + Number(s.attrs['llm.cost.total'] ?? s.attrs['gen_ai.usage.cost'] ?? 0), 0);
const duration = (t: RawTrace) => root(t).end - root(t).start;

interface Schema { required?: string[]; properties?: Record<string, { enum?: unknown[] }> }

function declaredTools(s: RawSpan): Map<string, Schema> {
  const out = new Map<string, Schema>();
  if (typeof s.attrs['gen_ai.tool.definitions'] === 'string') {
    for (const d of JSON.parse(s.attrs['gen_ai.tool.definitions'])) out.set(d.name, d.parameters);
  }
  for (const [k, v] of Object.entries(s.attrs)) {
    if (/^llm\.tools\.\d+\.tool\.json_schema$/.test(k)) {
      const d = JSON.parse(v as string).function;
      out.set(d.name, d.parameters);
    }
  }
  return out;
}

function replyText(s: RawSpan): string {
  const out = s.attrs['llm.output_messages.0.message.content'];
  if (typeof out === 'string') return out;
  if (typeof s.attrs['gen_ai.output.messages'] === 'string') {
    return JSON.parse(s.attrs['gen_ai.output.messages'])
      .flatMap((m: { parts: { type: string; content?: string }[] }) => m.parts.filter((p) => p.type === 'text').map((p) => p.content))
      .join('\n');
  }
  return '';
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function violatesSchema(args: Record<string, unknown>, schema: Schema): boolean {
  for (const r of schema.required ?? []) if (!(r in args)) return true;
  for (const [k, v] of Object.entries(args)) {
    const allowed = schema.properties?.[k]?.enum;
    if (allowed && !allowed.includes(v)) return true;
  }
  return false;
}

/** Longest run of consecutive identical (name, args) calls. */
function longestIdenticalRun(calls: string[]): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < calls.length; i++) {
    run = i > 0 && calls[i] === calls[i - 1] ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

/** A block of 2-3 calls with distinct tool names repeated at least 3 times back to back. */
function hasCycle(calls: string[], names: string[]): boolean {
  for (const len of [2, 3]) {
    for (let i = 0; i + 3 * len <= calls.length; i++) {
      if (new Set(names.slice(i, i + len)).size !== len) continue;
      let reps = 1;
      while (i + (reps + 1) * len <= calls.length && calls.slice(i + reps * len, i + (reps + 1) * len).join('\n') === calls.slice(i, i + len).join('\n')) reps++;
      if (reps >= 3) return true;
    }
  }
  return false;
}

const ERROR_TEXT = /\berror\b|traceback|exception/i;

/** Every mode a trace shows, by the definitions in samples/README.md. */
function deriveModes(t: RawTrace, medians: { cost: number; duration: number }): Set<string> {
  const modes = new Set<string>();
  const ts = tools(t);
  const ls = llms(t);
  const declared = declaredTools(ls[0]!);
  const calls = ts.map((s) => `${toolName(s)}\n${toolArgs(s)}`);
  const names = ts.map(toolName);

  for (const [i, s] of ts.entries()) {
    const name = toolName(s);
    const args = toolArgs(s);
    if (!parses(args)) modes.add('invalid_tool_arguments');
    if (!declared.has(name)) modes.add('unknown_tool');
    else if (!s.error && parses(args) && violatesSchema(JSON.parse(args), declared.get(name)!)) modes.add('tool_schema_violation');
    if (!s.error && ERROR_TEXT.test(toolResult(s))) modes.add('silent_error');
    if (s.error) {
      modes.add('tool_error');
      const nextLlm = ls.find((l) => l.start >= s.end);
      const nextTool = ts[i + 1];
      const acknowledged = nextLlm !== undefined && replyText(nextLlm).includes(name);
      if (!acknowledged && (!nextTool || toolName(nextTool) !== name) && unjudged(t)) modes.add('ignored_error');
    }
  }
  if (longestIdenticalRun(calls) >= 3) modes.add('repeated_tool_call');
  if (hasCycle(calls, names)) modes.add('loop');

  const llmErrors = ls.map((s) => s.error);
  for (const [i, s] of ls.entries()) {
    if (s.error && /\b429\b/.test(s.message) && llmErrors.slice(i + 1).includes(false)) modes.add('rate_limit_retry');
  }
  let trailing = 0;
  while (trailing < llmErrors.length && llmErrors[llmErrors.length - 1 - trailing]) trailing++;
  if (trailing >= 4) modes.add('retry_exhausted');

  if (cost(t) >= 5 * medians.cost) modes.add('cost_outlier');
  if (duration(t) >= 5 * medians.duration) modes.add('latency_outlier');
  if (failed(t)) modes.add('failed_task');
  return modes;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function gunzipFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of readdirSync(dir).sort()) out.set(f, gunzipSync(readFileSync(join(dir, f))));
  return out;
}

// ---------------------------------------------------------------------------

const truth: GroundTruth = JSON.parse(readFileSync(TRUTH, 'utf8'));

describe('sample generator', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'halo-samples-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('regenerates the committed week and ground truth exactly from the recorded arguments', () => {
    const a = truth.generator.args;
    const r = spawnSync(process.execPath, [
      'samples/generate.mjs', '--out', join(tmp, 'week'), '--truth', join(tmp, 'ground-truth.json'),
      '--traces', String(a.traces), '--seed', String(a.seed), '--start', a.start, '--format', a.format,
      ...(a.gzip ? ['--gzip'] : []), '--quiet',
    ], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(tmp, 'ground-truth.json'), 'utf8')).toBe(readFileSync(TRUTH, 'utf8'));
    // The gzip container may differ between zlib builds; the JSON inside may not.
    const fresh = gunzipFiles(join(tmp, 'week'));
    const committed = gunzipFiles(WEEK);
    expect([...fresh.keys()]).toEqual([...committed.keys()]);
    for (const [name, buf] of committed) expect(fresh.get(name)!.equals(buf), `${name} differs: run node samples/generate.mjs --gzip`).toBe(true);
  }, 120_000);

  it('changes the data when the seed changes, and rejects bad options with a clear message', () => {
    const r = spawnSync(process.execPath, ['samples/generate.mjs', '--out', join(tmp, 'other'), '--truth', join(tmp, 'other.json'), '--traces', '120', '--seed', '9', '--quiet'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const other: GroundTruth = JSON.parse(readFileSync(join(tmp, 'other.json'), 'utf8'));
    expect(other.traces).toBe(120);
    const ids = new Set(Object.values(truth.modes).flatMap((m) => m.traceIds));
    expect(other.modes.failed_task.traceIds.some((id) => ids.has(id))).toBe(false);

    const bad = spawnSync(process.execPath, ['samples/generate.mjs', '--format', 'xml'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--format: expected otlp, flat or both, got "xml"');
    const help = spawnSync(process.execPath, ['samples/generate.mjs', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--scale-bytes');
  });

  it('streams a week of a requested size with --scale-bytes', () => {
    const r = spawnSync(process.execPath, ['samples/generate.mjs', '--out', join(tmp, 'scaled'), '--truth', 'none', '--format', 'otlp', '--scale-bytes', '3m', '--quiet'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const bytes = readdirSync(join(tmp, 'scaled')).reduce((a, f) => a + readFileSync(join(tmp, 'scaled', f)).length, 0);
    expect(bytes).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    expect(bytes).toBeLessThan(3.5 * 1024 * 1024);
    for (const f of readdirSync(join(tmp, 'scaled'))) {
      for (const line of readFileSync(join(tmp, 'scaled', f), 'utf8').trimEnd().split('\n')) expect(JSON.parse(line).resourceSpans).toHaveLength(1);
    }
  });
});

describe('ground truth of the sample week', () => {
  let traces: Map<string, RawTrace>;
  let derived: Map<string, Set<string>>;

  beforeAll(() => {
    traces = readWeek(WEEK, truth);
    const byAgent = new Map<string, RawTrace[]>();
    for (const t of traces.values()) byAgent.set(t.agent, [...(byAgent.get(t.agent) ?? []), t]);
    derived = new Map(MODES.map((m) => [m, new Set<string>()]));
    for (const list of byAgent.values()) {
      const medians = { cost: median(list.map(cost)), duration: median(list.map(duration)) };
      for (const t of list) for (const m of deriveModes(t, medians)) derived.get(m)!.add(t.traceId);
    }
  }, 120_000);

  it('describes the files it ships', () => {
    expect(traces.size).toBe(truth.traces);
    expect(truth.generator.traces).toBe(truth.traces);
    for (const f of truth.files) {
      const ids = [...traces.values()].filter((t) => t.agent === f.agent);
      expect(ids.length, f.file).toBe(f.traces);
      expect(ids.reduce((a, t) => a + t.spans.length, 0), f.file).toBe(f.spans);
      expect(truth.agents[f.agent]).toBe(f.traces);
    }
    expect(new Set(truth.files.map((f) => f.format))).toEqual(new Set(['otlp', 'flat']));
    // Every trace starts inside the stated week.
    const start = Date.parse(truth.generator.start);
    const end = Date.parse(truth.generator.end);
    for (const t of traces.values()) {
      expect(root(t).start).toBeGreaterThanOrEqual(start);
      expect(root(t).start).toBeLessThan(end);
    }
  });

  it('splits some OTLP traces across lines', () => {
    const text = gunzipSync(readFileSync(join(WEEK, 'support.otlp.jsonl.gz'))).toString('utf8');
    const linesOf = new Map<string, Set<number>>();
    text.trimEnd().split('\n').forEach((line, i) => {
      for (const s of JSON.parse(line).resourceSpans[0].scopeSpans[0].spans) {
        if (!linesOf.has(s.traceId)) linesOf.set(s.traceId, new Set());
        linesOf.get(s.traceId)!.add(i);
      }
    });
    const split = [...linesOf.values()].filter((l) => l.size === 2).length;
    expect(split).toBeGreaterThan(50);
    expect([...linesOf.values()].every((l) => l.size <= 2)).toBe(true);
  });

  it('lists each mode with unique, existing trace ids at its planted rate', () => {
    expect(Object.keys(truth.modes).sort()).toEqual([...MODES].sort());
    for (const m of MODES) {
      const { traceIds, count, planted, rate } = truth.modes[m]!;
      expect(new Set(traceIds).size, m).toBe(traceIds.length);
      expect(count, m).toBe(traceIds.length);
      for (const id of traceIds) expect(traces.has(id), `${m}: ${id}`).toBe(true);
      if (rate > 0) expect(planted, m).toBe(Math.round(rate * truth.traces));
      expect(count, `${m} needs enough traces for recall to mean something`).toBeGreaterThanOrEqual(30);
      expect(count / truth.traces, m).toBeLessThan(0.06);
    }
  });

  for (const m of MODES.filter((x) => x !== 'flaky_task')) {
    it(`${m}: the traces that show it in their spans are exactly the listed ones`, () => {
      const listed = new Set(truth.modes[m]!.traceIds);
      const found = derived.get(m)!;
      const extra = [...found].filter((id) => !listed.has(id));
      const missing = [...listed].filter((id) => !found.has(id));
      expect({ extra: extra.slice(0, 5), missing: missing.slice(0, 5) }).toEqual({ extra: [], missing: [] });
    });
  }

  it('flaky_task: tasks attempted 3-5 times with mixed outcomes are exactly the listed ones', () => {
    const byTask = new Map<string, RawTrace[]>();
    for (const t of traces.values()) {
      const task = str(root(t).attrs['halo.task_id']);
      byTask.set(task, [...(byTask.get(task) ?? []), t]);
    }
    const flaky = [...byTask].filter(([, ts]) => ts.some(success) && ts.some(failed));
    expect(flaky.map(([task]) => task).sort()).toEqual([...truth.flakyTasks].sort());
    for (const [task, ts] of flaky) {
      expect(ts.length, task).toBeGreaterThanOrEqual(3);
      expect(ts.length, task).toBeLessThanOrEqual(5);
      expect(ts.map((t) => root(t).attrs['halo.trial']).sort()).toEqual(ts.map((_, i) => i + 1));
    }
    expect(new Set(truth.modes.flaky_task!.traceIds)).toEqual(new Set(flaky.flatMap(([, ts]) => ts.map((t) => t.traceId))));
    // Repeated tasks that always pass exist too, so pass^k is not trivially 0 or 1.
    expect([...byTask.values()].filter((ts) => ts.length >= 2 && ts.every(success)).length).toBeGreaterThan(10);
  });

  it('keeps background traces clean and normal traces far from the outliers', () => {
    const listed = new Set(MODES.flatMap((m) => truth.modes[m]!.traceIds));
    const background = [...traces.values()].filter((t) => !listed.has(t.traceId));
    expect(background.length).toBeGreaterThan(truth.traces * 0.75);
    for (const t of background) {
      expect(t.spans.some((s) => s.error), t.traceId).toBe(false);
      expect(success(t), t.traceId).toBe(true);
      const counts = new Map<string, number>();
      for (const s of tools(t)) counts.set(toolName(s), (counts.get(toolName(s)) ?? 0) + 1);
      expect(Math.max(...counts.values()), t.traceId).toBeLessThanOrEqual(2);
      for (const s of t.spans) {
        const text = [toolResult(s), s.kind === 'llm' ? replyText(s) : ''].join('\n');
        expect(/error|traceback|exception|failed|timed out/i.test(text), `${t.traceId}/${s.spanId}`).toBe(false);
      }
    }
    // Outside the outlier modes, every trace stays within 2x of its agent's median.
    for (const agent of Object.keys(truth.agents)) {
      const list = [...traces.values()].filter((t) => t.agent === agent);
      const mc = median(list.map(cost));
      const md = median(list.map(duration));
      const costOut = new Set(truth.modes.cost_outlier!.traceIds);
      const latOut = new Set(truth.modes.latency_outlier!.traceIds);
      for (const t of list) {
        if (!costOut.has(t.traceId)) expect(cost(t) / mc, t.traceId).toBeLessThan(2);
        else expect(cost(t) / mc, t.traceId).toBeGreaterThan(8);
        if (!latOut.has(t.traceId)) expect(duration(t) / md, t.traceId).toBeLessThan(2);
        else expect(duration(t) / md, t.traceId).toBeGreaterThan(8);
      }
    }
  });
});

describe('ingest of the samples', () => {
  it('loads the week with no bad records, every trace, agent, task and outcome', async () => {
    const r = await loadTraces([WEEK]);
    expect(r.stats.badRecords).toBe(0);
    expect(r.traces.length).toBe(truth.traces);
    const byAgent: Record<string, number> = {};
    for (const t of r.traces) byAgent[t.agentName ?? '?'] = (byAgent[t.agentName ?? '?'] ?? 0) + 1;
    expect(byAgent).toEqual(truth.agents);
    const ids = new Set(r.traces.map((t) => t.traceId));
    for (const m of MODES) for (const id of truth.modes[m]!.traceIds) expect(ids.has(id), `${m}: ${id}`).toBe(true);
    const failed = r.traces.filter((t) => t.outcome?.success === false).map((t) => t.traceId);
    expect(new Set(failed)).toEqual(new Set(truth.modes.failed_task!.traceIds));
    const tasks = new Set(r.traces.map((t) => t.taskId));
    for (const task of truth.flakyTasks) expect(tasks.has(task)).toBe(true);
    for (const t of r.traces) {
      expect(t.costUsd, t.traceId).toBeGreaterThan(0);
      expect(t.sessionId, t.traceId).toMatch(/^sess_/);
      expect(t.userId, t.traceId).toMatch(/^usr_/);
    }
    // Invalid argument strings arrive raw and flagged, the signal detectors use.
    const invalid = new Set(truth.modes.invalid_tool_arguments!.traceIds);
    const flagged = r.traces.filter((t) => t.spans.some((s) => s.tool?.argumentsInvalid)).map((t) => t.traceId);
    expect(new Set(flagged)).toEqual(invalid);
  }, 120_000);

  it('loads the τ-bench airline runs: 200 runs, 50 tasks, 116 with reward 0', async () => {
    const r = await loadTraces([TAU]);
    expect(r.stats.badRecords).toBe(0);
    expect(r.traces.length).toBe(200);
    expect(new Set(r.traces.map((t) => t.taskId)).size).toBe(50);
    expect(r.traces.filter((t) => t.outcome?.reward === 0).length).toBe(116);
  }, 120_000);
});
