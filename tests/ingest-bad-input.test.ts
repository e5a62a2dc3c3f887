import { afterAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { loadTraces } from '../src/ingest/reader.ts';
import { createIngestor, formatBadRecord, IngestError } from '../src/ingest/ingestor.ts';
import { fixtureLines, prng, tempDir } from './helpers/ingest.ts';

const tmp = tempDir('bad');
afterAll(() => tmp.cleanup());

const medium = fixtureLines('medium_traces.jsonl');
const tiny = fixtureLines('tiny_traces.jsonl');
const all = { keepBad: Infinity };

describe('bad input never stops the run and never loses a good record', () => {
  it('bad JSON in the middle: every good line kept, the bad one reported with its line', async () => {
    const lines = medium.slice(0, 30);
    lines[16] = lines[16]!.slice(0, 120); // line 17, cut mid-record
    const file = tmp.write('middle.jsonl', lines.join('\n') + '\n');
    const r = await loadTraces([file], all);
    expect(r.stats.records).toBe(29);
    expect(r.stats.spans).toBe(29);
    expect(r.stats.badRecords).toBe(1);
    const bad = r.stats.badExamples[0]!;
    expect(bad.file).toBe(file);
    expect(bad.line).toBe(17);
    expect(bad.reason).toMatch(/^invalid JSON: /);
    expect(bad.excerpt).toBe(lines[16]);
    expect(formatBadRecord(bad)).toMatch(new RegExp(`middle\\.jsonl:17: invalid JSON`));
    expect(r.stats.files[0]!.bad).toBe(1);
  });

  it('line numbers stay right across CRLF, blank lines, a BOM and tiny batches', async () => {
    const lines = ['\ufeff' + tiny[0], '', tiny[1], '{"broken": ', '   ', tiny[2]];
    const file = tmp.write('crlf.jsonl', lines.join('\r\n'));
    for (const batchBytes of [1, 7, 1 << 20]) {
      const r = await loadTraces([file], { ...all, batchBytes });
      expect(r.stats.records, `batch ${batchBytes}`).toBe(3);
      expect(r.stats.badExamples.map((b) => b.line)).toEqual([4]);
    }
  });

  it('unknown formats: a valid JSON object of no known shape is reported with its keys', async () => {
    const file = tmp.write('unknown.jsonl', [tiny[0], '{"foo":1,"bar":2}', '[1,2]', '"text"', tiny[1]].join('\n'));
    const r = await loadTraces([file], all);
    expect(r.stats.records).toBe(2);
    expect(r.stats.badExamples.map((b) => [b.line, b.reason])).toEqual([
      [2, expect.stringMatching(/unrecognized record.*foo, bar/)],
      [3, expect.stringMatching(/unrecognized record.*array/)],
      [4, expect.stringMatching(/unrecognized record.*string/)],
    ]);
  });

  it('a file in no supported format gets a file-level warning, as does a CSV', async () => {
    const csv = tmp.write('data.csv.jsonl', 'id,name\n1,alice\n2,bob\n');
    const r = await loadTraces([csv], all);
    expect(r.stats.records).toBe(0);
    expect(r.stats.badRecords).toBe(3);
    expect(r.stats.badExamples[0]).toMatchObject({ line: 1, reason: expect.stringMatching(/invalid JSON/) });
    expect(r.stats.files[0]!.warnings).toEqual([expect.stringMatching(/none of its 3 records could be used; is it a supported trace format/)]);
  });

  it('empty and whitespace-only files are named in a warning, not counted as bad', async () => {
    const empty = tmp.write('empty.jsonl', '');
    const blank = tmp.write('blank.jsonl', '\n  \n\t\n');
    const r = await loadTraces([empty, blank, tmp.write('ok.jsonl', tiny.join('\n'))], all);
    expect(r.stats.badRecords).toBe(0);
    expect(r.stats.records).toBe(6);
    expect(r.stats.files.map((f) => [f.file, f.warnings])).toEqual([
      [empty, ['empty file']],
      [blank, ['file holds only whitespace']],
      [expect.stringMatching(/ok\.jsonl$/), undefined],
    ]);
    const emptyGz = tmp.write('empty.jsonl.gz', gzipSync(''));
    expect((await loadTraces([emptyGz])).stats.files[0]!.warnings).toEqual(['empty file']);
  });

  it('truncated gzip: complete lines before the cut are kept, the cut is reported', async () => {
    const text = medium.join('\n') + '\n';
    const gz = gzipSync(text);
    const file = tmp.write('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const r = await loadTraces([file], { ...all, batchBytes: 64 * 1024 });
    expect(r.stats.badRecords).toBe(1);
    const bad = r.stats.badExamples[0]!;
    expect(bad.file).toBe(file);
    expect(bad.reason).toMatch(/truncated gzip/);
    // Every record before the reported line was read, none after.
    expect(r.stats.records).toBe(bad.line - 1);
    expect(r.stats.records).toBeGreaterThan(500);
    const ids = new Set(r.traces.flatMap((t) => t.spans.map((s) => s.spanId)));
    for (const line of medium.slice(0, bad.line - 1)) expect(ids.has((JSON.parse(line) as { span_id: string }).span_id)).toBe(true);
    await expect(loadTraces([file], { strict: true })).rejects.toThrow(/cut\.jsonl\.gz:\d+: truncated gzip/);
  });

  it('corrupt gzip data mid-file: lines before are kept, the damage is reported, other files still read', async () => {
    const gz = Buffer.from(gzipSync(medium.join('\n') + '\n'));
    for (let i = Math.floor(gz.length * 0.5); i < Math.floor(gz.length * 0.5) + 64; i++) gz[i] = gz[i]! ^ 0x5a;
    const file = tmp.write('corrupt.jsonl.gz', gz);
    const other = tmp.write('after.jsonl', tiny.join('\n'));
    const r = await loadTraces([file, other], { ...all, batchBytes: 16 * 1024 });
    // Deflate may emit some garbage before zlib notices; those lines are bad records too.
    const gzipBad = r.stats.badExamples.filter((b) => b.file === file && /gzip/.test(b.reason));
    expect(gzipBad).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^(corrupt gzip data|truncated gzip: the file ends mid-stream); every complete line before was read/) })]);
    expect(r.stats.files.find((f) => f.file === file)!.records).toBeGreaterThan(100);
    expect(r.stats.files.find((f) => f.file === file)!.warnings).toEqual([expect.stringMatching(/gzip.* at line \d+; the rest of the file could not be read/)]);
    expect(r.stats.files.find((f) => f.file === other)!.records).toBe(6);
  });

  it('truncated gzip of a JSON array keeps the elements read', async () => {
    const objs = medium.slice(0, 400).map((l) => JSON.parse(l));
    const gz = gzipSync(JSON.stringify(objs));
    const file = tmp.write('cut.json.gz', gz.subarray(0, Math.floor(gz.length * 0.5)));
    const r = await loadTraces([file], all);
    expect(r.stats.badRecords).toBe(1);
    expect(r.stats.badExamples[0]).toMatchObject({ unit: 'element', reason: expect.stringMatching(/truncated gzip/) });
    expect(r.stats.records).toBeGreaterThan(50);
    expect(r.stats.records).toBe(r.stats.badExamples[0]!.line);
  });

  it('a bad element in the middle of a JSON array: every other element kept', async () => {
    const objs = tiny.map((l) => JSON.stringify(JSON.parse(l), null, 2));
    const elements = [objs[0], objs[1], '{"broken": tru}', objs[2], 'garbage', objs[3], objs[4], objs[5]];
    const file = tmp.write('holes.json', `[\n${elements.join(',\n')}\n]\n`);
    const r = await loadTraces([file], all);
    expect(r.stats.records).toBe(6);
    expect(r.traces).toHaveLength(3);
    expect(r.stats.badExamples.map((b) => [b.line, b.unit, b.reason.slice(0, 13)])).toEqual([
      [2, 'element', 'invalid JSON:'],
      [4, 'element', 'invalid JSON:'],
    ]);
    expect(formatBadRecord(r.stats.badExamples[0]!)).toMatch(/holes\.json\[2\]: invalid JSON/);
  });

  it('invalid UTF-8 is replaced with U+FFFD and counted; the record is kept', async () => {
    const lines = tiny.map((l) => Buffer.from(l));
    // Inside a string value of line 3, so the line stays valid JSON once replaced.
    const at = tiny[2]!.indexOf('"', tiny[2]!.indexOf('"name"') + 7) + 1;
    lines[2] = Buffer.concat([Buffer.from(tiny[2]!.slice(0, at)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(tiny[2]!.slice(at))]);
    const file = tmp.write('latin.jsonl', Buffer.concat(lines.flatMap((b) => [b, Buffer.from('\n')])));
    const r = await loadTraces([file], all);
    expect(r.stats.records).toBe(6);
    expect(r.stats.badRecords).toBe(0);
    expect(r.stats.repairs!.invalidUtf8).toBe(1);
    expect(r.stats.files[0]!.warnings).toEqual([`invalid UTF-8 replaced with U+FFFD on 1 line (first: line 3, byte ${at}); the records were kept`]);
    expect(r.stats.notices).toContain('invalid UTF-8 replaced with U+FFFD in 1 place; the records were kept');
    expect(JSON.stringify(r.traces)).toContain('\ufffd');
  });

  it('invalid UTF-8 inside a JSON array is replaced too, and every element kept', async () => {
    const head = Buffer.from(`[${tiny.slice(0, 3).join(',')},`);
    const file = tmp.write('latin.json', Buffer.concat([head, Buffer.from([0x22, 0xff, 0x22, 0x2c]), Buffer.from(`${tiny.slice(3).join(',')}]`)]));
    const r = await loadTraces([file], all);
    expect(r.stats.records).toBe(6);
    expect(r.stats.badRecords).toBe(1); // the element "\ufffd" is a string, not a record
    expect(r.stats.badExamples[0]!.reason).toMatch(/unrecognized record: string/);
    expect(r.stats.repairs!.invalidUtf8).toBe(1);
  });

  it('binary garbage: the file is skipped with one clear record', async () => {
    const rand = prng(7);
    const junk = Buffer.from(Array.from({ length: 5000 }, () => Math.floor(rand() * 256)));
    junk[0] = 0x89; // like a PNG header, so it does not start with { or [
    const file = tmp.write('image.jsonl', junk);
    const r = await loadTraces([file, tmp.write('fine.jsonl', tiny.join('\n'))], all);
    expect(r.stats.records).toBe(6);
    expect(r.stats.badRecords).toBe(1);
    expect(r.stats.badExamples[0]).toEqual({ file, line: 0, reason: expect.stringMatching(/^binary data \((NUL byte at offset \d+|not UTF-8 text)\), not JSON or JSONL; file skipped$/) });
    expect(formatBadRecord(r.stats.badExamples[0]!)).toMatch(/image\.jsonl: binary data/);
  });

  it('binary garbage inside a JSONL file: garbage lines reported, good lines kept', async () => {
    const junk = Buffer.from([0x00, 0x01, 0x7b, 0xff, 0x00, 0x22, 0x0a, 0x00, 0x00, 0x10]);
    const file = tmp.write('spliced.jsonl', Buffer.concat([Buffer.from(tiny.slice(0, 3).join('\n') + '\n'), junk, Buffer.from('\n' + tiny.slice(3).join('\n'))]));
    const r = await loadTraces([file], all);
    expect(r.stats.records).toBe(6);
    expect(r.stats.badExamples.map((b) => b.line)).toEqual([4, 5]);
    // Control characters never reach the terminal raw.
    for (const b of r.stats.badExamples) expect(`${b.reason}${b.excerpt ?? ''}`).not.toMatch(/[\u0000-\u0008]/);
  });

  it('a 50 MB single line that is a valid record is kept', async () => {
    const rec = JSON.parse(tiny[0]!);
    rec.attributes['input.value'] = 'x'.repeat(50 * 1024 * 1024);
    const file = tmp.write('huge.jsonl', `${tiny[1]}\n${JSON.stringify(rec)}\n${tiny[2]}\n`);
    const r = await loadTraces([file], all);
    expect(r.stats.badRecords).toBe(0);
    expect(r.stats.records).toBe(3);
    const span = r.traces.flatMap((t) => t.spans).find((s) => s.spanId === 's-aaaa-1')!;
    const carried = JSON.stringify(span.input ?? span.attributes['input.value']);
    expect(carried.length).toBeGreaterThanOrEqual(50 * 1024 * 1024);
  });

  it('a 50 MB single line of garbage is rejected with a short reason; neighbours kept', async () => {
    const file = tmp.write('hugebad.jsonl', `${tiny[0]}\n{"a":"${'y'.repeat(50 * 1024 * 1024)}\n${tiny[1]}\n`);
    const r = await loadTraces([file], all);
    expect(r.stats.records).toBe(2);
    const bad = r.stats.badExamples[0]!;
    expect(bad.line).toBe(2);
    expect(bad.reason).toMatch(/invalid JSON/);
    expect(bad.reason.length).toBeLessThan(400);
    expect(bad.excerpt!.length).toBeLessThan(400);
  });

  it('a line over the line limit is skipped and reported, later lines keep their numbers', async () => {
    const file = tmp.write('long.jsonl', `${tiny[0]}\n{"a":"${'z'.repeat(300_000)}"}\n${tiny[1]}\n${tiny[2]}`);
    const r = await loadTraces([file], { ...all, batchBytes: 4096, maxLineBytes: 100_000 });
    expect(r.stats.records).toBe(3);
    expect(r.stats.badExamples).toEqual([{ file, line: 2, reason: expect.stringMatching(/line too long \(\d+ bytes, limit 100000\); skipped/) }]);
    const withBadAfter = tmp.write('long2.jsonl', `{"a":"${'z'.repeat(300_000)}"}\n${tiny[1]}\n{oops\n`);
    const r2 = await loadTraces([withBadAfter], { ...all, batchBytes: 4096, maxLineBytes: 100_000 });
    expect(r2.stats.badExamples.map((b) => b.line)).toEqual([1, 3]);
  });

  it('counts every bad record but keeps only the first keepBad', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => (i % 2 ? tiny[i % 6]! : `{bad ${i}`));
    const r = await loadTraces([tmp.write('many.jsonl', lines.join('\n'))], { keepBad: 5 });
    expect(r.stats.badRecords).toBe(25);
    expect(r.stats.badExamples.map((b) => b.line)).toEqual([1, 3, 5, 7, 9]);
    expect(r.stats.files[0]!.bad).toBe(25);
  });

  it('--strict fails on the first bad record, naming file, line and reason', async () => {
    const file = tmp.write('strict.jsonl', [tiny[0], tiny[1], '{"nope"', tiny[2]].join('\n'));
    const err = await loadTraces([file], { strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect((err as IngestError).exitCode).toBe(2);
    expect((err as IngestError).message).toMatch(/strict\.jsonl:3: invalid JSON: /);
    expect((err as IngestError).record.line).toBe(3);
    const ing = createIngestor({ strict: true });
    expect(() => ing.pushRecord('mem', 9, { hello: 'world' })).toThrow(/^mem:9: unrecognized record/);
  });

  it('a normalizer failure on one record does not lose the others', async () => {
    const ing = createIngestor(all);
    // A getter that throws stands in for any unexpected exception in a normalizer.
    const hostile = JSON.parse(tiny[0]!);
    Object.defineProperty(hostile, 'attributes', { get: () => { throw new TypeError('boom'); }, enumerable: true });
    ing.pushRecord('mem', 1, hostile);
    ing.pushRecord('mem', 2, JSON.parse(tiny[1]!));
    const r = ing.finish();
    expect(r.stats.records).toBe(1);
    expect(r.stats.badExamples[0]).toMatchObject({ line: 1, reason: expect.stringMatching(/boom/) });
  });
});
