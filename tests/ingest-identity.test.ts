// Every run its own trace: records without ids, records whose task ids repeat
// across suites, records that share a prompt template, and two records that
// claim one id with different content must never merge into one trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { prng } from '../src/prng.ts';

const dir = mkdtempSync(join(tmpdir(), 'halo-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const TEMPLATE = 'You are a software engineer. Resolve the issue below in the repository at /testbed. '.repeat(4);

/** One run in a whole-run format; `i` makes it distinct only deep inside (the template and task id may repeat). */
type Writer = (i: number, rand: () => number) => Record<string, unknown>;

const WRITERS: Record<string, Writer> = {
  // No id, no task: only the content far past any prefix differs.
  'chat, no ids, shared template': (i) => ({
    messages: [
      { role: 'system', content: TEMPLATE },
      { role: 'user', content: TEMPLATE + 'Issue: see below.' },
      { role: 'assistant', content: 'Looking.' },
      { role: 'user', content: TEMPLATE },
      { role: 'assistant', content: `Patched line ${i}.` },
    ],
  }),
  // Task ids repeat in every suite; a run id sits beside them.
  'task ids repeat across suites, run id beside': (i) => ({
    suite: `suite-${i % 12}`,
    task_id: `t${String(i % 18).padStart(2, '0')}`,
    run_id: `run-${i}`,
    messages: [
      { role: 'user', content: TEMPLATE },
      { role: 'assistant', content: `answer ${i}` },
    ],
  }),
  // Task ids repeat across suites, and no run id: the suite keeps them apart.
  'task ids repeat across suites, no run id': (i) => ({
    domain: `domain-${Math.floor(i / 18)}`,
    task_id: `t${String(i % 18).padStart(2, '0')}`,
    trial: 0,
    messages: [
      { role: 'user', content: TEMPLATE },
      { role: 'assistant', content: 'done' },
    ],
  }),
  'group chat, one task, shared opening': (i, rand) => ({
    task_id: 'q-1',
    history: [
      { name: 'planner', content: TEMPLATE },
      { name: 'coder', content: TEMPLATE },
      { name: 'executor', content: `exitcode: 0 (${i}, ${rand().toFixed(6)})` },
    ],
  }),
};

describe('N distinct runs give N traces', () => {
  for (const [name, writer] of Object.entries(WRITERS)) {
    it(name, async () => {
      const rand = prng(name.length * 7919);
      for (let round = 0; round < 4; round++) {
        const n = 2 + Math.floor(rand() * 60);
        const runs = Array.from({ length: n }, (_, i) => writer(i, rand));
        // Shuffled, and split over two files, so neither order nor files carry identity.
        for (let i = runs.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [runs[i], runs[j]] = [runs[j]!, runs[i]!];
        }
        const cut = Math.floor(rand() * n);
        const a = write(`${round}-a.jsonl`, runs.slice(0, cut).map((r) => JSON.stringify(r)).join('\n') + '\n');
        const b = write(`${round}-b.jsonl`, runs.slice(cut).map((r) => JSON.stringify(r)).join('\n') + '\n');
        const { traces, stats } = await loadTraces(cut === 0 ? [b] : [a, b], { now: 0 });
        expect(traces).toHaveLength(n);
        expect(stats.repairs?.identicalDuplicates).toBe(0);
        expect(stats.repairs?.duplicateSpanIds).toBe(0);
      }
    });
  }

  it('span formats: N trace ids give N traces whatever the file split', async () => {
    const rand = prng(17);
    const n = 40;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < 3; s++) {
        lines.push(JSON.stringify({ trace_id: `tr-${i}`, span_id: `s${s}`, parent_id: s === 0 ? null : 's0', name: 'step', start_time: `2026-05-01T00:00:0${s}Z`, end_time: `2026-05-01T00:00:0${s + 1}Z` }));
      }
    }
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    const p = write('spans.jsonl', lines.join('\n'));
    const { traces } = await loadTraces([p], { now: 0 });
    expect(traces).toHaveLength(n);
    for (const t of traces) expect(t.spans).toHaveLength(3);
  });
});

describe('ids kept exactly', () => {
  it('integer ids wider than 2^53 are read as their exact digits', async () => {
    // Two spans whose ids differ only past double precision.
    const rec = (span: string, parent: string | null) =>
      `{"trace_id": 123456789012345678901234567890, "span_id": ${span}, "parent_id": ${parent ?? 'null'}, "name": "s", "start_time": "2026-05-01T00:00:00Z", "end_time": "2026-05-01T00:00:01Z"}`;
    const p = write('wide.jsonl', [rec('9007199254740993', null), rec('9007199254740995', '9007199254740993')].join('\n'));
    const { traces, stats } = await loadTraces([p], { now: 0 });
    expect(stats.badRecords).toBe(0);
    expect(traces.map((t) => t.traceId)).toEqual(['123456789012345678901234567890']);
    expect(traces[0]!.spans.map((s) => [s.spanId, s.parentId])).toEqual([
      ['9007199254740993', null],
      ['9007199254740995', '9007199254740993'],
    ]);
  });

  it('NaN and Infinity (Python json.dumps) keep the record and are kept as values', async () => {
    const p = write('nan.jsonl', '{"task_id": "t1", "reward": NaN, "score": Infinity, "note": "NaN in a string stays", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "NaN"}]}\n');
    const { traces, stats } = await loadTraces([p], { now: 0 });
    expect(stats.badRecords).toBe(0);
    const root = traces[0]!.spans.find((s) => s.spanId === traces[0]!.rootSpanId)!;
    expect(root.attributes.score).toBe(Infinity);
    expect(Number.isNaN(root.attributes.reward)).toBe(true);
    expect(root.attributes.note).toBe('NaN in a string stays');
    expect(root.output).toBe('NaN');
  });

  it('broken JSON with NaN in it still names the real error', async () => {
    const p = write('nan-bad.jsonl', '{"reward": NaN, "messages": [\n');
    const { stats } = await loadTraces([p], { now: 0 });
    expect(stats.badExamples[0]!.reason).toMatch(/^invalid JSON/);
  });
});

describe('two records claiming one trace id', () => {
  it('with different content: two traces, and the notice names both sources', async () => {
    const run = (answer: string) => JSON.stringify({ id: 'run-7', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: answer }] });
    const a = write('claim-a.jsonl', run('yes') + '\n');
    const b = write('claim-b.jsonl', '\n' + run('no') + '\n');
    const { traces, stats } = await loadTraces([a, b], { now: 0 });
    expect(traces.map((t) => t.traceId).sort()).toEqual(['run-7', 'run-7~2']);
    expect(stats.identityConflicts).toEqual({ count: 1, examples: [{ traceId: 'run-7', keptAs: 'run-7~2', sources: [`${a}:1`, `${b}:2`] }] });
    expect(stats.notices!.join('\n')).toContain(`run-7 in ${a}:1 and ${b}:2`);
  });

  it('repeated verbatim (one file under two names): one trace, no conflict', async () => {
    const text = JSON.stringify({ id: 'run-8', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }) + '\n';
    const { traces, stats } = await loadTraces([write('same-1.jsonl', text), write('same-2.jsonl', text)], { now: 0 });
    expect(traces).toHaveLength(1);
    expect(stats.identityConflicts).toBeUndefined();
  });
});
