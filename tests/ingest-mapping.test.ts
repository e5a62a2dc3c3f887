// Phoenix span exports, the field mapping escape hatch for unknown flat
// records (--field / `fields`), and what an unrecognized record's message
// tells the user.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { normalizeRecord, RecordError } from '../src/ingest/normalize.ts';
import { parseFieldOptions } from '../src/ingest/field-mapping.ts';
import { HaloError } from '../src/errors.ts';
import { fixtureLines, haloCli, ROOT, tempDir } from './helpers/ingest.ts';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/formats/${p}`, import.meta.url));
const tmp = tempDir('mapping');
afterAll(() => tmp.cleanup());

const halo = haloCli;

const unknownExporter = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({ trace: `run-${i % 3}`, id: `step-${i}`, parent: i % 3 === i ? '' : `step-${i % 3}`, ts: 1746172800 + i, took_ms: 250, op: i % 2 ? 'search' : 'llm', failed: i === 4, model: 'gpt-4o' }),
  ).join('\n') + '\n';

describe('Arize Phoenix span exports', () => {
  it('reads nested and dataframe-flattened spans into one trace', async () => {
    const { traces, stats } = await loadTraces([fixture('phoenix.jsonl')]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.source.format).toBe('phoenix');
    expect(t.spans).toHaveLength(3);
    expect(t.rootSpanId).toBe('2b3c4d5e6f708192');
    expect(t.agentName).toBe('refund-bot');
    const llm = t.spans.find((s) => s.name === 'ChatCompletion')!;
    expect(llm).toMatchObject({ kind: 'llm', model: 'gpt-4o-mini', parentId: '2b3c4d5e6f708192', tokens: { input: 120, output: 30, total: 150 }, input: 'What is the refund policy?', durationMs: 2500 });
    const tool = t.spans.find((s) => s.name === 'lookup_policy')!;
    expect(tool).toMatchObject({ kind: 'tool', status: 'error', tool: { name: 'lookup_policy', arguments: { topic: 'refunds' } } });
    expect(tool.error).toEqual({ type: 'TimeoutError', message: 'policy service timed out' });
    expect(t.spans.find((s) => s.name === 'agent')!.attributes['phoenix.latency_ms']).toBe(5000);
    for (const s of t.spans) expect(s.agentName).toBe('refund-bot');
  });
});

describe('field mapping', () => {
  it('an unknown flat record says what it lacks, the closest keys, and how to map them', () => {
    const rec = JSON.parse(unknownExporter(1));
    let err: unknown;
    try {
      normalizeRecord(rec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RecordError);
    expect((err as Error).message).toBe(
      'unrecognized record: object with keys trace, id, parent, ts, took_ms, op, failed, model; as a flat span it lacks traceId (closest: trace), spanId (closest: id), startTime (closest: ts); map them with --field traceId=trace --field spanId=id --field startTime=ts (or "fields" in halo.config.json)',
    );
  });

  it('a flat span without start_time says which key to map', () => {
    expect(() => normalizeRecord({ trace_id: 't', span_id: 's', ts: '2025-01-01T00:00:00Z' })).toThrow(/flat span s: start_time missing; it lacks startTime \(closest: ts\); map it with --field startTime=ts/);
  });

  it('maps every field it names; the rest stay in attributes; nothing is lost', async () => {
    const file = tmp.write('unknown.jsonl', unknownExporter(6));
    const fields = parseFieldOptions(['traceId=trace', 'spanId=id', 'parentId=parent', 'startTime=ts', 'durationMs=took_ms', 'kind=op', 'status=failed', 'model=model']);
    const { traces, stats } = await loadTraces([file], { fields });
    expect(stats.badRecords).toBe(0);
    expect(stats.records).toBe(6);
    expect(traces.map((t) => t.traceId).sort()).toEqual(['run-0', 'run-1', 'run-2']);
    const t1 = traces.find((t) => t.traceId === 'run-1')!;
    expect(t1.source.format).toBe('mapped');
    expect(t1.rootSpanId).toBe('step-1');
    const s4 = t1.spans.find((s) => s.spanId === 'step-4')!;
    expect(s4).toMatchObject({ parentId: 'step-1', startTime: 1746172804000, durationMs: 250, status: 'error', kind: 'llm', model: 'gpt-4o' });
    expect(s4.attributes.op).toBe('llm');
    expect(s4.attributes.took_ms).toBe(250);
    expect(t1.spans.find((s) => s.spanId === 'step-1')!.attributes.op).toBe('search');
  });

  it('rejects a mapping to a field that does not exist, naming the ones that do', () => {
    let err: unknown;
    try {
      parseFieldOptions(['start=ts']);
    } catch (e) {
      err = e;
    }
    expect(HaloError.isInstance(err) && err.kind === 'usage').toBe(true);
    expect((err as Error).message).toMatch(/--field start=ts: unknown canonical field "start"; one of traceId, spanId, .*startTime/);
    expect(() => parseFieldOptions(['startTime'])).toThrow(/expected <canonical field>=<source key>/);
  });

  it('halo inspect --field reads them; without it the message says how; a bad mapping exits 2', () => {
    const file = tmp.write('cli.jsonl', unknownExporter(6));
    const without = halo(['inspect', file]);
    expect(without.code).toBe(0);
    expect(without.stdout).toMatch(/6 bad records in 1 file; first: .*cli\.jsonl:1: unrecognized record: .*map them with --field traceId=trace --field spanId=id --field startTime=ts/);
    const mapped = halo(['inspect', file, '--field', 'traceId=trace', '--field', 'spanId=id', '--field', 'startTime=ts', '--field', 'parentId=parent', '--json']);
    expect(mapped.code, mapped.stderr).toBe(0);
    const o = JSON.parse(mapped.stdout);
    expect(o.traces).toBe(3);
    expect(o.spans).toBe(6);
    expect(o.badRecords.count).toBe(0);
    const bad = halo(['inspect', file, '--field', 'when=ts']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown canonical field "when"/);
  });

  it('halo analyze takes the mapping from the config file (through the sandbox)', () => {
    const dir = tmp.path('');
    tmp.write('analyze.jsonl', unknownExporter(6));
    tmp.write('halo.config.json', JSON.stringify({ fields: { traceId: 'trace', spanId: 'id', startTime: 'ts', parentId: 'parent' } }));
    const r = halo(['analyze', 'analyze.jsonl', '--offline', '--no-history', '-q', '--out', 'rep', '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const findings = JSON.parse(readFileSync(join(dir, 'rep/findings.json'), 'utf8'));
    expect(findings.dataset?.traces ?? findings.stats?.traces ?? JSON.stringify(findings)).toBeDefined();
    expect(JSON.stringify(findings)).toMatch(/"traces":\s*3/);
  });
});

describe('inspect summarizes repeated warnings', () => {
  it('one line per kind of warning with a count and the first files, not one line per file', () => {
    const lines = fixtureLines('tiny_traces.jsonl');
    const files = Array.from({ length: 12 }, (_, i) => tmp.write(`w${i}.jsonl`, `{"unknown": ${i}}\n`));
    files.push(tmp.write('good.jsonl', lines.join('\n') + '\n'));
    const r = halo(['inspect', ...files]);
    expect(r.code).toBe(0);
    const warnings = r.stdout.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: 12 files: none of its 1 record could be used; is it a supported trace format\? \(.*w0\.jsonl, .*w1\.jsonl, .*w2\.jsonl and 9 more\)$/);
    const reasons = r.stdout.split('\n').filter((l) => /^ {2}\d+× /.test(l));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^ {2}12× unrecognized record: object with keys unknown/);
  });
});
