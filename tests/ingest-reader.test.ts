import { afterAll, describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { forEachLine, LineSplitter } from '../src/ingest/lines.ts';
import { ElementSplitter } from '../src/ingest/elements.ts';
import { loadTraces, readInputs, resolveInputs, STDIN_NAME } from '../src/ingest/reader.ts';
import type { LineBatch } from '../src/ingest/api.ts';
import { fixtureLines, HALO, ROOT, tempDir } from './helpers/ingest.ts';

const tmp = tempDir('reader');
afterAll(() => tmp.cleanup());

const tiny = fixtureLines('tiny_traces.jsonl');
const tinyObjects = tiny.map((l) => JSON.parse(l) as Record<string, unknown>);
const spanKey = (traceId: string, spanId: string) => `${traceId}/${spanId}`;

async function collect(inputs: string[], opts = {}): Promise<LineBatch[]> {
  const out: LineBatch[] = [];
  for await (const b of readInputs(inputs, opts)) out.push(b);
  return out;
}

const otlpLine = (spanId: string, name: string, startSec: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing-agent' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId,
                name,
                kind: 1,
                startTimeUnixNano: String(BigInt(1_767_225_600 + startSec) * 1_000_000_000n),
                endTimeUnixNano: String(BigInt(1_767_225_601 + startSec) * 1_000_000_000n),
                status: { code: 1 },
                attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }],
                ...extra,
              },
            ],
          },
        ],
      },
    ],
  });

describe('line splitting', () => {
  const text = 'a\r\nbb\n\n{"c":1}\r\nlast';
  const expected = [
    ['a', 1],
    ['bb', 2],
    ['', 3],
    ['{"c":1}', 4],
    ['last', 5],
  ];

  it('forEachLine numbers every line, strips CR, keeps a final line without newline', () => {
    const got: [string, number][] = [];
    expect(forEachLine(text, 1, (l, n) => got.push([l, n]))).toBe(6);
    expect(got).toEqual(expected);
    const trailing: string[] = [];
    forEachLine('x\ny\n', 10, (l, n) => trailing.push(`${n}:${l}`));
    expect(trailing).toEqual(['10:x', '11:y']);
  });

  it('LineSplitter gives the same lines for every way of cutting the input into two or three chunks', () => {
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        const got: [string, number][] = [];
        const s = new LineSplitter((l, n) => got.push([l, n]));
        s.push(text.slice(0, i));
        s.push(text.slice(i, j));
        s.push(text.slice(j));
        s.end();
        expect(got, `cut at ${i},${j}`).toEqual(expected);
      }
    }
  });
});

describe('JSON document splitting', () => {
  function split(mode: 'array' | 'values', chunks: string[]) {
    const out: (string | [number, string])[] = [];
    const warnings: string[] = [];
    const s = new ElementSplitter(mode, {
      element: (text, i) => out.push(`${i}:${text}`),
      bad: (i, reason) => out.push([i, reason]),
      warn: (m) => warnings.push(m),
    });
    for (const c of chunks) s.push(c);
    s.finish();
    return { out, warnings };
  }
  const doc = '\ufeff [ {"a": "x,]}[{\\"", "b": [1, {"c": null}]},\n  42 ,"s\\\\",\r\n {"d":\n{"e":[]}} ]\n';

  it('cuts elements at top-level commas only, whatever the chunking', () => {
    const expected = ['0:{"a": "x,]}[{\\"", "b": [1, {"c": null}]}', '1:42', '2:"s\\\\"', '3:{"d": {"e":[]}}'];
    expect(split('array', [doc]).out).toEqual(expected);
    for (let i = 0; i <= doc.length; i++) expect(split('array', [doc.slice(0, i), doc.slice(i)]).out, `cut at ${i}`).toEqual(expected);
    for (const el of expected) JSON.parse(el.slice(2));
  });

  it('reports an empty element, a line break inside a string, a cut element, and text after the array', () => {
    expect(split('array', ['[1,,2, "a\nb", 3]']).out).toEqual(['0:1', [1, expect.stringMatching(/empty array element/)], '2:2', [3, expect.stringMatching(/line break inside a string/)], '4:3']);
    const cut = split('array', ['[{"a":1},{"b":']);
    expect(cut.out).toEqual(['0:{"a":1}', [1, expect.stringMatching(/ends inside this element/)]]);
    expect(cut.warnings).toEqual([expect.stringMatching(/not closed/)]);
    expect(split('array', ['[1] trailing']).warnings).toEqual([expect.stringMatching(/unexpected text after the JSON array/)]);
    expect(split('array', ['[ ]']).out).toEqual([]);
  });

  it('splits a sequence of top-level values', () => {
    expect(split('values', ['{"a":1}\n{"b":\n', '2}{"c":[3]}']).out).toEqual(['0:{"a":1}', '1:{"b": 2}', '2:{"c":[3]}']);
  });
});

describe('readInputs and loadTraces', () => {
  it('reads JSONL into traces with per-file stats', async () => {
    const r = await loadTraces([join(HALO, 'tiny_traces.jsonl')]);
    expect(r.traces.map((t) => t.traceId)).toEqual(['t-aaaa', 't-bbbb', 't-cccc']);
    expect(r.stats.records).toBe(6);
    expect(r.stats.spans).toBe(6);
    expect(r.stats.badRecords).toBe(0);
    expect(r.stats.files).toEqual([
      { file: join(HALO, 'tiny_traces.jsonl'), bytes: Buffer.byteLength(tiny.join('\n') + '\n'), records: 6, bad: 0, formats: { 'flat-span': 6 } },
    ]);
  });

  it('reads the 2,000-span fixture identically with tiny batches and the default', async () => {
    const file = join(HALO, 'medium_traces.jsonl');
    const big = await loadTraces([file]);
    const small = await loadTraces([file], { batchBytes: 100 });
    expect(big.traces.length).toBe(500);
    expect(big.stats.spans).toBe(2000);
    expect(small.traces.map((t) => [t.traceId, t.spans.length])).toEqual(big.traces.map((t) => [t.traceId, t.spans.length]));
    const batches = await collect([file], { batchBytes: 64 * 1024 });
    expect(batches.length).toBeGreaterThan(10);
    // Batches hold complete lines and their numbers continue where the last left off.
    let next = 1;
    for (const b of batches) {
      expect(b.firstLine).toBe(next);
      expect(b.text.endsWith('\n') || b === batches.at(-1)).toBe(true);
      next = forEachLine(b.text, b.firstLine, () => {});
    }
    expect(next).toBe(2001);
  });

  it('assembles a trace whose spans are spread over lines of two files', async () => {
    const a = tmp.write('split-a.jsonl', tiny.filter((_, i) => i % 2 === 0).join('\n'));
    const b = tmp.write('split-b.jsonl', tiny.filter((_, i) => i % 2 === 1).join('\n') + '\n');
    const r = await loadTraces([a, b]);
    expect(r.traces.map((t) => [t.traceId, t.spans.length])).toEqual([
      ['t-aaaa', 2],
      ['t-bbbb', 2],
      ['t-cccc', 2],
    ]);
    expect(r.stats.files.map((f) => f.records)).toEqual([3, 3]);
    const root = r.traces[0]!;
    expect(root.spans.find((s) => s.spanId === 's-aaaa-2')!.parentId).toBe('s-aaaa-1');
  });

  it('reads mixed formats in one file, and an OTLP trace split across lines', async () => {
    const transcript = JSON.stringify({
      task_id: 7,
      trial: 1,
      reward: 0,
      traj: [
        { role: 'user', content: 'cancel my flight' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'cancel', arguments: '{"id":"X1"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ],
    });
    const file = tmp.write(
      'mixed.jsonl',
      [tiny[0], otlpLine('eee19b7ec3c1b174', 'agent', 0), transcript, otlpLine('aaa19b7ec3c1b175', 'chat gpt-4o', 1, { parentSpanId: 'eee19b7ec3c1b174' }), tiny[1]].join('\n'),
    );
    const r = await loadTraces([file]);
    expect(r.stats.badRecords).toBe(0);
    expect(r.stats.files[0]!.formats).toEqual({ 'flat-span': 2, otlp: 2, 'chat-transcript': 1 });
    const otlp = r.traces.find((t) => t.traceId === '5b8efff798038103d269b633813fc60c')!;
    expect(otlp.spans.map((s) => s.spanId).sort()).toEqual(['aaa19b7ec3c1b175', 'eee19b7ec3c1b174']);
    expect(otlp.rootSpanId).toBe('eee19b7ec3c1b174');
    expect(r.traces.find((t) => t.traceId === 't-aaaa')!.spans).toHaveLength(2);
    expect(r.traces.some((t) => t.source.format === 'chat-transcript')).toBe(true);
  });

  it('streams a pretty-printed JSON array element by element', async () => {
    const file = tmp.write('array.json', JSON.stringify(tinyObjects, null, 2));
    const batches = await collect([file]);
    expect(batches.every((b) => b.unit === 'element')).toBe(true);
    expect(batches[0]!.firstLine).toBe(0);
    const r = await loadTraces([file]);
    expect(r.traces).toHaveLength(3);
    expect(r.stats.records).toBe(6);
    // Small batches cut between elements and keep counting.
    const many = await collect([file], { batchBytes: 10 });
    expect(many.map((b) => b.firstLine)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('any file starting with [ is an array, whatever its extension', async () => {
    const file = tmp.write('array-named.jsonl', `\n  ${JSON.stringify(tinyObjects)}`);
    const r = await loadTraces([file]);
    expect(r.stats.records).toBe(6);
  });

  it('reads a .json file holding one pretty-printed object as one record', async () => {
    const file = tmp.write('single.json', JSON.stringify(tinyObjects[0], null, 2));
    const r = await loadTraces([file]);
    expect(r.stats.records).toBe(1);
    expect(r.traces[0]!.spans[0]!.spanId).toBe('s-aaaa-1');
  });

  it('reads gzip by content, whatever the name, and .jsonl.gz', async () => {
    const data = gzipSync(tiny.join('\n') + '\n');
    const named = tmp.write('tiny.jsonl.gz', data);
    const misnamed = tmp.write('tiny-gz.jsonl', data);
    const arr = tmp.write('arr.json.gz', gzipSync(JSON.stringify(tinyObjects, null, 1)));
    for (const f of [named, misnamed, arr]) {
      const r = await loadTraces([f]);
      expect(r.stats.records, f).toBe(6);
      expect(r.traces, f).toHaveLength(3);
      expect(r.stats.badRecords, f).toBe(0);
    }
    // Bytes are the uncompressed content.
    expect((await loadTraces([named])).stats.files[0]!.bytes).toBe(Buffer.byteLength(tiny.join('\n') + '\n'));
  });

  it('expands globs and directories (recursively, sorted, only trace extensions)', async () => {
    const dir = tmp.path('tree');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    tmp.write('tree/b.jsonl', tiny.slice(0, 2).join('\n'));
    tmp.write('tree/a.ndjson', tiny.slice(2, 4).join('\n'));
    tmp.write('tree/sub/c.jsonl.gz', gzipSync(tiny.slice(4).join('\n')));
    tmp.write('tree/notes.txt', 'not traces');
    const files = await resolveInputs([dir]);
    expect(files.map((f) => f.name)).toEqual([join(dir, 'a.ndjson'), join(dir, 'b.jsonl'), join(dir, 'sub/c.jsonl.gz')]);
    const r = await loadTraces([dir]);
    expect(r.traces).toHaveLength(3);
    expect(r.stats.records).toBe(6);

    const globbed = await resolveInputs([`${dir}/*.jsonl`, join(dir, 'b.jsonl')]);
    expect(globbed.map((f) => f.name)).toEqual([join(dir, 'b.jsonl')]); // de-duplicated
    expect((await resolveInputs([`${dir}/**/*.{jsonl,gz}`])).map((f) => f.name)).toEqual([join(dir, 'b.jsonl'), join(dir, 'sub/c.jsonl.gz')]);
  });

  it('reads a folder of plain-text run logs (VCR cassettes, ChatDev logs), leaving out configs and notes with those names', async () => {
    // One real CrewAI cassette (tests/fixtures/real/crewai-cassettes), as a test suite keeps it: plain `.yaml`.
    const real = join(import.meta.dirname, 'fixtures/real/crewai-cassettes/cassettes');
    const name = readdirSync(real).sort()[0]!;
    mkdirSync(tmp.path('cassettes/sub'), { recursive: true });
    tmp.write('cassettes/sub/run.yaml', gunzipSync(readFileSync(join(real, name))));
    tmp.write('cassettes/config.yaml', 'record_mode: once\n');
    tmp.write('cassettes/README.txt', 'how these were recorded\n');
    const dir = tmp.path('cassettes');
    expect((await resolveInputs([dir])).map((f) => f.name)).toEqual([join(dir, 'sub/run.yaml')]);
    const r = await loadTraces([dir]);
    expect(r.traces).toHaveLength(1);
    expect(r.stats.badRecords).toBe(0);
    expect(r.stats.files[0]!.formats).toMatchObject({ 'vcr-cassette': 1 });

    mkdirSync(tmp.path('configs'));
    tmp.write('configs/a.yaml', 'key: value\n');
    await expect(resolveInputs([tmp.path('configs')])).rejects.toThrow(/configs: directory has no \.jsonl.*no run logs \(its 1 \.yaml, \.yml, \.log or \.txt file is no VCR cassette/);
  });

  it('names missing inputs, empty globs and directories without trace files', async () => {
    await expect(resolveInputs([tmp.path('nope.jsonl')])).rejects.toThrow(/nope\.jsonl: no such file or directory/);
    await expect(resolveInputs([tmp.path('*.nothing')])).rejects.toThrow(/no files match this pattern/);
    mkdirSync(tmp.path('emptydir'));
    await expect(resolveInputs([tmp.path('emptydir')])).rejects.toThrow(/emptydir: directory has no \.jsonl/);
    await expect(resolveInputs([])).rejects.toThrow(/no input files/);
    await expect(loadTraces([tmp.path('nope.jsonl')])).rejects.toMatchObject({ exitCode: 2 });
  });

  it('reads a given stdin stream for -', async () => {
    const stdin = Readable.from([Buffer.from(tiny.slice(0, 3).join('\n')), Buffer.from('\n' + tiny.slice(3).join('\n'))]);
    const r = await loadTraces(['-'], { stdin });
    expect(r.stats.files[0]!.file).toBe(STDIN_NAME);
    expect(r.traces).toHaveLength(3);
    const gz = Readable.from([gzipSync(tiny.join('\n'))]);
    expect((await loadTraces(['-'], { stdin: gz })).stats.records).toBe(6);
  });

  it('reports progress in bytes read against the total size', async () => {
    const seen: number[] = [];
    let total = 0;
    await loadTraces([join(HALO, 'medium_traces.jsonl'), join(HALO, 'tiny_traces.jsonl')], {
      onProgress: (p) => {
        seen.push(p.bytesRead);
        total = p.bytesTotal;
      },
    });
    expect(total).toBeGreaterThan(1_400_000);
    expect(seen.at(-1)).toBe(total);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('applies the window by trace start time', async () => {
    const file = join(HALO, 'tiny_traces.jsonl');
    // Traces start 05:32, 06:00 and 07:00 on 2026-04-23.
    const r = await loadTraces([file], { window: { since: '2026-04-23T06:00:00Z', until: '2026-04-23T07:00:00Z' } });
    expect(r.traces.map((t) => t.traceId)).toEqual(['t-bbbb']);
    expect(r.stats.outsideWindow).toBe(2);
    expect(r.stats.spans).toBe(2);
    const latest = await loadTraces([file], { window: { window: '61m', until: 'latest' } });
    expect(latest.traces.map((t) => t.traceId)).toEqual(['t-bbbb', 't-cccc']);
    const now = await loadTraces([file], { window: { window: '7d' }, now: Date.parse('2026-05-30T00:00:00Z') });
    expect(now.traces).toHaveLength(0);
    expect(now.stats.outsideWindow).toBe(3);
  });

  it('rejects a bad window before reading any input', async () => {
    let read = false;
    const err = await loadTraces([join(HALO, 'tiny_traces.jsonl')], { window: { window: 'weekly' }, onProgress: () => (read = true) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/invalid --window "weekly"/);
    expect(read).toBe(false);
  });

  it('bin/halo inspect - reads stdin', () => {
    const res = spawnSync(process.execPath, [join(ROOT, 'bin/halo'), 'inspect', '-', '--json'], {
      input: tiny.join('\n'),
      encoding: 'utf8',
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const o = JSON.parse(res.stdout);
    expect(o.traces).toBe(3);
    expect(o.files[0].file).toBe(STDIN_NAME);
  });
});
