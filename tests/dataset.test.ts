// Eval datasets from findings: which runs become cases (deterministic,
// hardest first, deduplicated by inputs, capped per finding), that a dataset
// does not churn when the next, overlapping week is added to it, and the
// shape of each format. The integration cases run on the bundled sample week.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectCases, type FindingForCases } from '../src/dataset/select.ts';
import { EvalCase, caseId, inputKey } from '../src/dataset/case.ts';
import { buildDataset } from '../src/dataset/build.ts';
import { renderCases, toYaml } from '../src/dataset/formats.ts';
import { analyze } from '../src/analyze.ts';
import type { RunCaseInputs } from '../src/sandbox/rpc-types.ts';
import { halorun } from './helpers/cli.ts';

const WEEK = join(import.meta.dirname, '../samples/week');

const run = (id: string, over: Partial<RunCaseInputs> = {}): RunCaseInputs => ({
  traceId: id,
  agent: 'support',
  system: 'You are support.',
  user: `question of ${id}`,
  tools: [{ name: 'lookup' }],
  failed: null,
  ...over,
});

const finding = (fingerprint: string, affected: string[], over: Partial<FindingForCases> = {}): FindingForCases => ({
  fingerprint,
  id: 'F1',
  title: `failure ${fingerprint}`,
  category: 'tool_arguments',
  severity: 'high',
  fix: `fix for ${fingerprint}`,
  affected,
  excerpts: new Map(),
  ...over,
});

const byId = (runs: RunCaseInputs[]) => new Map(runs.map((r) => [r.traceId, r]));

describe('choosing cases', () => {
  const runs = Array.from({ length: 40 }, (_, i) => run(`r${i}`, { failed: i % 4 === 0 ? true : i % 4 === 1 ? false : null }));

  it('is deterministic whatever the order of runs and affected ids, and takes failed runs first', () => {
    const f = finding('aaaa000000000001', runs.map((r) => r.traceId));
    const a = selectCases([f], byId(runs), { perFinding: 5, addedIn: 'run1' });
    const b = selectCases([{ ...f, affected: [...f.affected].reverse() }], byId([...runs].reverse()), { perFinding: 5, addedIn: 'run1' });
    expect(b.cases).toEqual(a.cases);
    expect(a.cases).toHaveLength(5);
    expect(a.cases.every((c) => c.kind === 'failure')).toBe(true);
    expect(a.cases[0]!.reason).toBe('the run failed and shows F1 "failure aaaa000000000001"');
    // Only once the failed runs are used up come runs without a verdict, then near-misses.
    const all = selectCases([f], byId(runs), { perFinding: 40, addedIn: 'run1' }).cases.map((c) => c.kind);
    expect(all).toEqual([...Array(10).fill('failure'), ...Array(20).fill('affected'), ...Array(10).fill('near-miss')]);
    for (const c of a.cases) expect(EvalCase.safeParse(c).success).toBe(true);
  });

  it('makes one case of runs with the same inputs, shared by the findings they show, and skips runs with no inputs', () => {
    const same = [run('t1', { user: 'book a flight', failed: true }), run('t2', { user: 'book a flight', failed: true }), run('t3', { system: null, user: null, failed: true })];
    const r = selectCases([finding('aaaa000000000001', ['t1', 't2', 't3']), finding('bbbb000000000002', ['t2'], { id: 'F2' })], byId(same), { perFinding: 3, addedIn: 'x' });
    expect(r.cases).toHaveLength(1);
    const c = r.cases[0]!;
    expect(c.id).toBe(caseId(inputKey(same[0]!, 't1')));
    expect(c.runIds.sort()).toEqual(['t1', 't2']);
    expect(c.findings.map((f) => f.id)).toEqual(['F1', 'F2']);
    expect(c.ideal).toBe('fix for aaaa000000000001\nfix for bbbb000000000002');
    expect(c.input).toEqual([{ role: 'system', content: 'You are support.' }, { role: 'user', content: 'book a flight' }]);
  });

  it("keeps an earlier dataset's cases exactly and counts them toward the cap: next week adds, never reshuffles", () => {
    const f1 = finding('aaaa000000000001', runs.slice(0, 20).map((r) => r.traceId));
    const week1 = selectCases([f1], byId(runs), { perFinding: 3, addedIn: 'week1' });
    // Next week: other runs, the same finding, and a new one.
    const next = Array.from({ length: 30 }, (_, i) => run(`n${i}`, { failed: true }));
    const f2 = finding('cccc000000000003', next.slice(0, 10).map((r) => r.traceId), { id: 'F2' });
    const week2 = selectCases([{ ...f1, affected: next.map((r) => r.traceId) }, f2], byId(next), { perFinding: 3, addedIn: 'week2', previous: week1.cases });
    expect(week2.cases.slice(0, 3)).toEqual(week1.cases);
    expect(week2.kept).toBe(3);
    expect(week2.added).toBe(3);
    expect(week2.cases.slice(3).every((c) => c.findings[0]!.fingerprint === 'cccc000000000003' && c.addedIn === 'week2')).toBe(true);
    // A higher cap tops a full finding up; the old cases still lead.
    const more = selectCases([{ ...f1, affected: next.map((r) => r.traceId) }], byId(next), { perFinding: 5, addedIn: 'week2', previous: week1.cases });
    expect(more.cases.slice(0, 3)).toEqual(week1.cases);
    expect(more.added).toBe(2);
  });
});

describe('datasets from the sample week', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'halo-dataset-'));
    dirs.push(d);
    return d;
  };
  let early: string;
  let late: string;
  beforeAll(async () => {
    // Two five-day windows that share three days, as two weekly runs with overlapping data would.
    early = join(tmp(), 'findings.json');
    late = join(tmp(), 'findings.json');
    await analyze({ files: [WEEK], window: { since: '2026-11-02T00:00:00Z', until: '2026-11-07T00:00:00Z' }, offline: true, formats: ['json'], out: join(early, '..') });
    await analyze({ files: [WEEK], window: { since: '2026-11-04T00:00:00Z', until: '2026-11-09T00:00:00Z' }, offline: true, formats: ['json'], out: join(late, '..') });
  }, 180_000);
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('is the same dataset when built twice, and the overlapping week keeps every case and adds only for findings not yet full', async () => {
    const out = join(tmp(), 'cases.jsonl');
    const first = await buildDataset({ findings: early, out });
    const bytes = readFileSync(out, 'utf8');
    expect(first.selection.cases.length).toBeGreaterThan(5);
    await buildDataset({ findings: early, out, fresh: true });
    expect(readFileSync(out, 'utf8')).toBe(bytes);
    // Each finding has at most 3 cases, all from its affected runs.
    const lines = bytes.trim().split('\n').map((l) => EvalCase.parse(JSON.parse(l)));
    const perFp = new Map<string, number>();
    for (const c of lines) for (const f of c.findings) perFp.set(f.fingerprint, (perFp.get(f.fingerprint) ?? 0) + 1);
    expect(Math.max(...perFp.values())).toBeLessThanOrEqual(3);

    // The next week, fresh: the hash choice alone keeps the cases whose runs the weeks share.
    const freshOut = join(tmp(), 'late.jsonl');
    const alone = await buildDataset({ findings: late, out: freshOut });
    const lateIds = new Set(alone.selection.cases.map((c) => c.id));
    const kept = lines.filter((c) => lateIds.has(c.id)).length;
    process.stdout.write(`dataset stability on the sample week (5-day windows sharing 3 days): fresh selection keeps ${kept} of ${lines.length} cases; added to the earlier dataset keeps ${lines.length} of ${lines.length}\n`);
    expect(kept).toBeGreaterThanOrEqual(Math.ceil(lines.length / 3));

    // Added to the earlier dataset: every case stays byte for byte, first, and full findings get nothing new.
    const second = await buildDataset({ findings: late, out });
    const after = readFileSync(out, 'utf8');
    expect(after.startsWith(bytes)).toBe(true);
    expect(second.selection.kept).toBe(lines.length);
    const added = after.slice(bytes.length).trim().split('\n').filter(Boolean).map((l) => EvalCase.parse(JSON.parse(l)));
    expect(added.length).toBe(second.selection.added);
    for (const c of added) {
      expect(c.addedIn).not.toBe(lines[0]!.addedIn);
      for (const f of c.findings) expect(perFp.get(f.fingerprint) ?? 0).toBeLessThan(3);
    }
  }, 120_000);

  it('writes each format with the case ids and run ids, and the CLI names what it cannot use', async () => {
    const dir = tmp();
    const out = join(dir, 'cases.jsonl');
    const r = await buildDataset({ findings: early, out, formats: ['promptfoo', 'langfuse', 'braintrust'], datasetName: 'agent-evals' });
    const cases = r.selection.cases;
    const jsonl = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // OpenAI evals' shape: input messages and an ideal answer.
    for (const c of jsonl) {
      expect(c.input[0]).toMatchObject({ role: expect.stringMatching(/^(system|user)$/), content: expect.any(String) });
      expect(typeof c.ideal).toBe('string');
    }
    const lf = readFileSync(r.written.langfuse!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lf[0]).toEqual({ datasetName: 'agent-evals', id: cases[0]!.id, input: { messages: cases[0]!.input, tools: cases[0]!.tools }, expectedOutput: cases[0]!.ideal, metadata: expect.objectContaining({ runIds: cases[0]!.runIds, haloCase: cases[0]!.id }), sourceTraceId: cases[0]!.runIds[0] });
    const bt = readFileSync(r.written.braintrust!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(bt[0]).sort()).toEqual(['expected', 'id', 'input', 'metadata', 'tags']);
    expect(bt.map((b) => b.id)).toEqual(cases.map((c) => c.id));
    const yaml = readFileSync(r.written.promptfoo!, 'utf8');
    expect(yaml.match(/^- description: "case-[0-9a-f]{12}: /gm)).toHaveLength(cases.length);
    expect(yaml.match(/^ {4}- type: "llm-rubric"$/gm)).toHaveLength(cases.length);
    expect(yaml.match(/^ {4}user: ".*"$/gm)).toHaveLength(cases.length);
    // Every scalar is one double-quoted JSON string: trace text cannot break the document.
    for (const line of yaml.split('\n').filter((l) => /^\s*(- )?[\w]+: "/.test(l))) expect(() => JSON.parse(line.slice(line.indexOf('"')))).not.toThrow();
    expect(toYaml([{ user: 'a: b\n# not a comment\n- not an item "q"' }])).toBe('- user: "a: b\\n# not a comment\\n- not an item \\"q\\""');
    expect(renderCases([], 'jsonl', { datasetName: 'x' })).toBe('');

    // The CLI: files from findings.json, one finding, and clear errors.
    const one = halorun(dir, ['dataset', '--findings', early, '--out', 'one.jsonl', '--finding', 'F1', '--json']);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).findings).toBe(1);
    const unknown = halorun(dir, ['dataset', '--findings', early, '--out', 'x.jsonl', '--finding', 'ffffffffff']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--finding ffffffffff: no such finding in/);
    writeFileSync(join(dir, 'bad.jsonl'), `${readFileSync(out, 'utf8').split('\n')[0]}\n{"id": "case-1"}\n`);
    const bad = halorun(dir, ['dataset', '--findings', early, '--out', 'bad.jsonl']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.jsonl:2: not a Halo eval case \(id: .*\); use --fresh/);
  }, 120_000);
});
