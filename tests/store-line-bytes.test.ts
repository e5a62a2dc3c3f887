// A first run writes each JSONL record's line to the store as the bytes it
// was read from (not its decoded text encoded again): the stored line must
// still be what the memory path reads, with a byte-order mark, CRLF line
// ends, multi-byte characters and a line of invalid UTF-8 in the files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTraces } from '../src/ingest/reader.ts';
import { openStore } from '../src/store/open.ts';
import { syncInputs } from '../src/store/sync.ts';
import { loadWindow } from '../src/store/load.ts';
import type { Trace } from '../src/types.ts';

const root = new URL('..', import.meta.url).pathname;
let tmp: string;
let sample: string[];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-store-bytes-'));
  const week = join(tmp, 'week');
  execFileSync(process.execPath, [join(root, 'samples/generate.mjs'), '--out', week, '--truth', 'none', '--traces', '12', '--seed', '11', '--quiet']);
  const first = readdirSync(week).sort()[0]!;
  // Multi-byte characters in every line (2, 3 and 4 bytes, and a line separator JSON allows raw).
  sample = readFileSync(join(week, first), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 30)
    .map((l) => l.replace(/^\{/, '{"note":"caf\u00e9 \u2603 \ud83d\ude00 \u2028",'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const comparable = (traces: Trace[]) => JSON.stringify(traces.map((t) => ({ ...t, source: { format: t.source.format } })));

async function firstRun(d: string, files: string[]) {
  const store = await openStore({ backend: 'duckdb', path: join(d, 'store.duckdb') });
  try {
    const synced = await syncInputs(store, files);
    const r = await loadWindow(store, synced, {}, Date.now());
    const kept = Buffer.concat(readdirSync(join(d, 'store.duckdb.records')).map((f) => readFileSync(join(d, 'store.duckdb.records', f))));
    return { ...r, kept };
  } finally {
    await store.close();
  }
}

describe('a record line is stored as the bytes it was read from', () => {
  it('with a byte-order mark, CRLF line ends and multi-byte characters: each line as written, without its CR; read back as the memory path reads it', async () => {
    const d = mkdtempSync(join(tmp, 'crlf-'));
    const file = join(d, 'week.jsonl');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample.join('\r\n') + '\r\n', 'utf8')]));
    const r = await firstRun(d, [file]);
    const mem = await loadTraces([file]);
    expect(mem.traces.length).toBeGreaterThan(1);
    expect(comparable(r.traces)).toBe(comparable(mem.traces));
    expect(r.stats).toEqual(mem.stats);
    for (const line of sample) expect(r.kept.includes(Buffer.from(`\t${line}\n`, 'utf8'))).toBe(true);
    expect(r.kept.includes(Buffer.from('\r'))).toBe(false);
    expect(r.kept.includes(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
  });

  it('a line of invalid UTF-8 is stored as the memory path reads it (U+FFFD), the other lines as written', async () => {
    const d = mkdtempSync(join(tmp, 'bad-'));
    const file = join(d, 'week.jsonl');
    const bad = Buffer.from(sample[3]!.replace('"note":"caf\u00e9', '"note":"caf\u0001'), 'utf8');
    // 0x01 placed by the replace above, swapped for a byte no UTF-8 text holds.
    bad[bad.indexOf(0x01)] = 0xff;
    const parts = sample.map((l, i) => (i === 3 ? bad : Buffer.from(l, 'utf8')));
    writeFileSync(file, Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')])));
    const r = await firstRun(d, [file]);
    const mem = await loadTraces([file]);
    expect(mem.stats.files[0]?.warnings?.join(' ')).toMatch(/invalid UTF-8 replaced/);
    expect(comparable(r.traces)).toBe(comparable(mem.traces));
    expect(r.stats).toEqual(mem.stats);
    expect(r.kept.includes(Buffer.from('caf\ufffd', 'utf8'))).toBe(true);
    expect(r.kept.includes(Buffer.from([0xff]))).toBe(false);
    for (const [i, line] of sample.entries()) if (i !== 3) expect(r.kept.includes(Buffer.from(`\t${line}\n`, 'utf8'))).toBe(true);
  });
});
