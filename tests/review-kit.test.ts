// The blind reviewer's packets (bench/review-kit.mjs over src/eval/review-packet.ts):
// the raw source record of each cited span, the calls around it, the run's
// outcome, runs drawn with a seed, and a bounded size.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadTraces } from '../src/ingest/reader.ts';
import { boundPacket, buildReviewPackets, draw, renderPacket } from '../src/eval/review-packet.ts';
import type { FindingsFile } from '../src/findings/schema.ts';
import { cliEnv, halorun } from './helpers/cli.ts';

const root = process.cwd();
const tmp = () => mkdtempSync(join(tmpdir(), 'halo-review-kit-'));

describe('draw', () => {
  it('draws k items without replacement, the same for the same seed, all when fewer', () => {
    const items = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const a = draw(items, 3, 7);
    expect(a).toHaveLength(3);
    expect(new Set(a).size).toBe(3);
    expect(draw(items, 3, 7)).toEqual(a);
    // Not always the first three: over a few seeds the draw reaches past them.
    expect([1, 2, 3, 4, 5].some((s) => draw(items, 3, s).some((x) => !['t0', 't1', 't2'].includes(x)))).toBe(true);
    expect(draw(['x', 'y'], 3, 1)).toEqual(['x', 'y']);
  });
});

describe('review packets', () => {
  it('holds the original record of a cited span of a transcript: the call and its result, by tool-call id, and the run outcome', async () => {
    // A real τ-bench airline run (task 11, trial 1) whose book_reservation call failed.
    const file = join(root, 'tests/fixtures/real/excerpts/tau-airline-task11-trial1.json');
    const { traces } = await loadTraces([file]);
    const t = traces[0]!;
    const failing = t.spans.find((s) => s.kind === 'tool' && s.status === 'error')!;
    expect(failing).toBeDefined();
    const finding = {
      id: 'F1', rank: 1, title: 'book_reservation fails', category: 'errors_recovery', severity: 'high', summary: 's',
      rootCause: { statement: 'r', confidence: 'hypothesis' }, fix: { summary: 'f', kind: 'code' },
      evidence: [{ traceId: t.traceId, spanId: failing.spanId }], prevalence: { traces: 1, total: 1, share: 1 }, key: { component: 'tool:book_reservation', signature: 'x' },
    };
    const [p] = await buildReviewPackets({ findings: [finding] } as unknown as FindingsFile, traces, [file]);
    const tp = p!.traces[0]!;
    expect(tp.outcome).toEqual({ success: false, reward: 0 });
    expect(tp.recordFacts).toMatchObject({ task_id: 11, reward: 0, trial: 1 });
    const cited = tp.cited[0]!;
    const raw = JSON.parse(readFileSync(file, 'utf8'))[0].traj as { role: string; tool_calls?: { id: string; function: { name: string } }[]; tool_call_id?: string; name?: string }[];
    const callId = failing.attributes['tool_call.id'];
        expect(new Set(cited.raw.map((r) => r.matchedBy))).toEqual(new Set(['tool call id']));
    const result = raw.find((m) => m.tool_call_id === callId && m.name === 'book_reservation')!;
    // τ-bench reuses call ids within a run (this one names a get_user_details call too): the call is the book_reservation one.
    const call = raw.find((m) => m.tool_calls?.some((c) => c.id === callId && JSON.stringify(c).includes('"book_reservation"')))!;
    // One part per message: the assistant message that made the call, and the tool message that answered it.
    expect(cited.raw.map((r) => r.value)).toEqual([call, result]);
    expect(cited.source).toBe(`${file}[0]`);
    // The call before is the model turn that made the call (its message, found by the call's id); the one after is the next model turn.
    expect(cited.before?.kind).toBe('llm');
    expect(cited.before?.raw[0]?.value).toEqual(call);
    expect(cited.after?.kind).toBe('llm');
    // Bounded: a cut string says how long it was.
    const small = boundPacket(p!, { maxString: 40, maxItems: 5, maxKeys: 10, maxDepth: 6 });
    const md = renderPacket(small);
    expect(md).toMatch(/\[truncated: original length \d+ chars\]/);
    expect(md).toContain(`Cited span \`${failing.spanId}\``);
  });

  it('bench/review-kit.mjs writes one packet per finding with the original span line of an OTel export', () => {
    const dir = tmp();
    const traces = join(root, 'tests/fixtures/halo/realistic_traces.jsonl');
    const a = halorun(dir, ['analyze', traces, '--offline', '--no-history', '--out', 'out', '--format', 'json', '--quiet']);
    expect(a.code, a.stderr).toBe(0);
    const r = spawnSync(process.execPath, [join(root, 'bench/review-kit.mjs'), join(dir, 'out/findings.json'), '--traces', traces, '--out', join(dir, 'kit'), '--seed', '3'], { encoding: 'utf8', env: cliEnv });
    expect(r.status, r.stderr).toBe(0);
    const findings = JSON.parse(readFileSync(join(dir, 'out/findings.json'), 'utf8')).findings as { evidence: { traceId: string; spanId: string }[] }[];
    const files = readdirSync(join(dir, 'kit'));
    expect(files.filter((f) => f.endsWith('.md') && f !== 'README.md')).toHaveLength(findings.length);
    const packet = JSON.parse(readFileSync(join(dir, 'kit', 'finding-001.json'), 'utf8'));
    // A tool finding names the agent whose runs it hit (data.agents), as its summary does.
    expect(packet.claim).toMatchObject({ component: 'tool:list_files', agent: 'HaloCodeHelper' });
    const lines = readFileSync(traces, 'utf8').split('\n');
    for (const t of packet.traces) {
      for (const c of t.cited) {
        // One span per line: the raw part is the whole original line, and its source names that line.
        const line = Number(/:(\d+)$/.exec(c.source)![1]);
        expect(c.raw[0].value).toEqual(JSON.parse(lines[line - 1]!));
        expect(c.raw[0].value.span_id).toBe(c.spanId);
      }
    }
    expect(packet.traces.length).toBe(Math.min(3, new Set(findings[0]!.evidence.map((e) => e.traceId)).size));
  }, 60_000);
});
