// Fuzz: corrupt random lines of a real fixture and check that ingest never
// crashes, keeps every untouched record, and accounts for every corrupted one
// (reported as bad at its own line, or kept if it is still a valid record).
import { afterAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { loadTraces } from '../src/ingest/reader.ts';
import { normalizeRecord } from '../src/ingest/normalize.ts';
import { fixtureLines, prng, tempDir } from './helpers/ingest.ts';

const tmp = tempDir('fuzz');
afterAll(() => tmp.cleanup());

const source = [...fixtureLines('medium_traces.jsonl').slice(0, 300), ...fixtureLines('realistic_traces.jsonl')];
const ITERATIONS = 40;

type Rand = () => number;
const pick = (rand: Rand, n: number) => Math.floor(rand() * n);

/** One corruption of a line's bytes; never introduces a newline, so line numbers hold. */
function corrupt(rand: Rand, line: Buffer): Buffer {
  switch (pick(rand, 4)) {
    case 0: // truncation
      return line.subarray(0, pick(rand, line.length));
    case 1: {
      // byte flips
      const out = Buffer.from(line);
      for (let k = 0, n = 1 + pick(rand, 4); k < n; k++) {
        const i = pick(rand, out.length);
        out[i] = out[i]! ^ (1 << pick(rand, 8));
        if (out[i] === 0x0a) out[i] = 0x0b;
      }
      return out;
    }
    case 2: {
      // garbage insertion: random bytes, including NULs and invalid UTF-8
      const junk = Buffer.from(Array.from({ length: 1 + pick(rand, 24) }, () => pick(rand, 256)).map((b) => (b === 0x0a ? 0x20 : b)));
      const at = pick(rand, line.length + 1);
      return Buffer.concat([line.subarray(0, at), junk, line.subarray(at)]);
    }
    default: {
      // a structural character removed
      const s = line.toString('utf8');
      const positions = [...s.matchAll(/[{}[\]":,]/g)].map((m) => m.index!);
      const at = positions[pick(rand, positions.length)] ?? 0;
      return Buffer.from(s.slice(0, at) + s.slice(at + 1));
    }
  }
}

const USABLE = [Date.UTC(1970, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999)] as const;

/**
 * What the ingest should make of a line: its span keys when it is a valid
 * record (invalid UTF-8 is replaced, not fatal), and whether some span has a
 * start time that is no date (the record is then also reported bad).
 */
function oracle(line: Buffer): { keys: string[]; badTime: boolean } | null {
  const text = new TextDecoder('utf-8').decode(line);
  try {
    const spans = normalizeRecord(JSON.parse(text)).spans;
    const ok = spans.filter((s) => s.startTime >= USABLE[0] && s.startTime <= USABLE[1]);
    if (ok.length === 0 && spans.length > 0) return null;
    return { keys: ok.map((s) => `${s.traceId}/${s.spanId}`), badTime: ok.length < spans.length };
  } catch {
    return null;
  }
}

function keysOf(line: Buffer): string[] | null {
  return oracle(line)?.keys ?? null;
}

describe('ingest fuzz', () => {
  it(`${ITERATIONS} seeded corruptions: no crash, good records all kept, bad ones all reported at their line`, async () => {
    let reported = 0;
    let stillValid = 0;
    for (let seed = 1; seed <= ITERATIONS; seed++) {
      const rand = prng(seed);
      const lines: Buffer[] = source.map((l) => Buffer.from(l));
      const corrupted = new Set<number>();
      const count = 1 + pick(rand, 25);
      for (let k = 0; k < count; k++) {
        const i = pick(rand, lines.length);
        lines[i] = corrupt(rand, lines[i]!);
        corrupted.add(i);
      }
      const eol = rand() < 0.3 ? '\r\n' : '\n';
      const plain = Buffer.concat(lines.flatMap((l) => [l, Buffer.from(eol)]));
      const gz = rand() < 0.3;
      const data = gz ? gzipSync(plain) : plain;
      const file = tmp.write(`fuzz-${seed}.jsonl${gz ? '.gz' : ''}`, data);
      const batchBytes = 1024 * (1 + pick(rand, 64));

      const r = await loadTraces([file], { keepBad: Infinity, batchBytes });
      const ctx = `seed ${seed} (${gz ? 'gz' : 'plain'}, batch ${batchBytes})`;

      const kept = new Set(r.traces.flatMap((t) => t.spans.map((s) => `${t.traceId}/${s.spanId}`)));
      const badLines = new Set(r.stats.badExamples.map((b) => b.line));
      expect(r.stats.badRecords, ctx).toBe(r.stats.badExamples.length);

      let expectedRecords = 0;
      let expectedBad = 0;
      lines.forEach((line, i) => {
        const lineNo = i + 1;
        // A corrupted line with a trailing CR stripped is what the ingestor sees.
        if (line.toString('latin1').trim().length === 0) {
          expect(badLines.has(lineNo), `${ctx}: blank line ${lineNo}`).toBe(false);
          return;
        }
        const keys = keysOf(line);
        if (!corrupted.has(i)) expect(keys, `${ctx}: fixture line ${lineNo} is valid`).not.toBeNull();
        if (keys) {
          if (corrupted.has(i)) stillValid++;
          expectedRecords++;
          // A record with some spans dated nowhere keeps the rest and is reported too.
          const badTime = oracle(line)!.badTime;
          if (badTime) expectedBad++;
          expect(badLines.has(lineNo), `${ctx}: valid line ${lineNo} reported bad`).toBe(badTime);
          for (const k of keys) expect(kept.has(k), `${ctx}: span ${k} of line ${lineNo} kept`).toBe(true);
        } else {
          expectedBad++;
          expect(badLines.has(lineNo), `${ctx}: corrupted line ${lineNo} reported`).toBe(true);
        }
      });
      expect(r.stats.records, ctx).toBe(expectedRecords);
      expect(r.stats.badRecords, ctx).toBe(expectedBad);
      reported += expectedBad;
    }
    // The corruptions really exercised both paths.
    expect(reported).toBeGreaterThan(200);
    expect(stillValid).toBeGreaterThan(0);
  });

  it('corrupted JSON arrays: no crash, every element before the first corruption kept, every element accounted for', async () => {
    const objects = source.slice(0, 80).map((l) => JSON.stringify(JSON.parse(l), null, 1));
    let checked = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const rand = prng(1000 + seed);
      const elements: Buffer[] = objects.map((o) => Buffer.from(o));
      const corrupted = new Set<number>();
      for (let k = 0, n = 1 + pick(rand, 6); k < n; k++) {
        const i = pick(rand, elements.length);
        elements[i] = corrupt(rand, elements[i]!);
        corrupted.add(i);
      }
      const doc = Buffer.concat([Buffer.from('[\n'), ...elements.flatMap((e, i) => (i ? [Buffer.from(',\n'), e] : [e])), Buffer.from('\n]\n')]);
      const gz = rand() < 0.3;
      const file = tmp.write(`fuzz-${seed}.json${gz ? '.gz' : ''}`, gz ? gzipSync(doc) : doc);
      const r = await loadTraces([file], { keepBad: Infinity, batchBytes: 1024 * (1 + pick(rand, 16)) });
      const ctx = `array seed ${seed}`;
      const kept = new Set(r.traces.flatMap((t) => t.spans.map((sp) => `${t.traceId}/${sp.spanId}`)));
      const first = Math.min(...corrupted);
      for (let i = 0; i < first; i++) {
        for (const k of keysOf(Buffer.from(objects[i]!))!) expect(kept.has(k), `${ctx}: element ${i}`).toBe(true);
        checked++;
      }
      // Nothing is silently lost: elements seen are either records or reported.
      expect(r.stats.records + r.stats.badRecords, ctx).toBeGreaterThanOrEqual(first);
      expect(r.stats.records, ctx).toBeLessThanOrEqual(objects.length);
      if (r.stats.records < objects.length) expect(r.stats.badRecords + (r.stats.files[0]!.warnings?.length ?? 0), ctx).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(100);
  });
});
