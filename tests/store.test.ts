// The trace store (DESIGN.md §10): any sharding of the data gives the memory
// path's traces and detector findings; re-runs read only new bytes; windows
// are read from the store; prune forgets old runs; sql() is read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTraces } from '../src/ingest/reader.ts';
import { openStore, type StoreSpec } from '../src/store/open.ts';
import { openDuckDbStore } from '../src/store/duckdb.ts';
import { syncInputs } from '../src/store/sync.ts';
import { loadWindow } from '../src/store/load.ts';
import { decodeStoredLines } from '../src/store/records.ts';
import type { Store } from '../src/store/api.ts';
import { observationsKey } from '../src/store/observation-key.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { prng } from '../src/prng.ts';
import type { Trace } from '../src/types.ts';

const root = new URL('..', import.meta.url).pathname;
let tmp: string;
let data: string;
/** Every line of the generated week, by file. */
let lines: Record<string, string[]>;
const DAY = 86_400_000;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'halo-store-test-'));
  data = join(tmp, 'week');
  execFileSync(process.execPath, [join(root, 'samples/generate.mjs'), '--out', data, '--truth', 'none', '--traces', '60', '--seed', '7', '--quiet']);
  lines = {};
  for (const f of readdirSync(data)) lines[f] = readFileSync(join(data, f), 'utf8').split('\n').filter(Boolean);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const dir = () => {
  const d = join(tmp, `case-${++seq}`);
  mkdirSync(d, { recursive: true });
  return d;
};
const duck = (d: string): StoreSpec => ({ backend: 'duckdb', path: join(d, 'store.duckdb') });

/** Traces without their file names (sharding renames files), as comparable JSON. */
function comparable(traces: Trace[]): string {
  return JSON.stringify(traces.map((t) => ({ ...t, source: { format: t.source.format } })));
}

async function viaStore(store: Store, inputs: string[], window = {}, now = Date.now()) {
  const synced = await syncInputs(store, inputs);
  return { synced, ...(await loadWindow(store, synced, window, now)) };
}

describe('any sharding gives the memory path', () => {
  let reference: { traces: Trace[]; findings: string };
  beforeAll(async () => {
    const mem = await loadTraces([data]);
    reference = { traces: mem.traces, findings: JSON.stringify(runDetectors(mem.traces)) };
    expect(mem.traces.length).toBe(60);
  });

  for (const backend of ['memory', 'duckdb'] as const) {
    it(`${backend}: random split points, file order and appends give the same traces and detector findings`, async () => {
      const rnd = prng(backend === 'memory' ? 11 : 12);
      for (let round = 0; round < 2; round++) {
        const d = dir();
        // Cut every file's lines into shards at random points, name them so
        // their order on disk is shuffled, and grow some shards by appends.
        const shards: { path: string; parts: string[][] }[] = [];
        for (const [name, all] of Object.entries(lines)) {
          const cuts = [0, ...Array.from({ length: 2 }, () => Math.floor(rnd() * all.length)).sort((a, b) => a - b), all.length];
          for (let i = 0; i + 1 < cuts.length; i++) {
            const part = all.slice(cuts[i], cuts[i + 1]);
            if (!part.length) continue;
            const mid = 1 + Math.floor(rnd() * (part.length - 1));
            shards.push({ path: join(d, `${Math.floor(rnd() * 1e6)}-${name}-${i}.jsonl`), parts: [part.slice(0, mid), part.slice(mid)] });
          }
        }
        const store = await openStore(backend === 'memory' ? { backend } : duck(d));
        try {
          for (const s of shards) writeFileSync(s.path, s.parts[0]!.map((l) => l + '\n').join(''));
          await syncInputs(store, [d]);
          for (const s of shards) appendFileSync(s.path, s.parts[1]!.map((l) => l + '\n').join(''));
          const r = await viaStore(store, [d]);
          expect(r.synced.files.filter((f) => f.action === 'reread')).toEqual([]);
          expect(comparable(r.traces)).toBe(comparable(reference.traces));
          expect(JSON.stringify(runDetectors(r.traces))).toBe(reference.findings);
          // And the memory path over the same shards agrees on the stats.
          const mem = await loadTraces([d]);
          expect(r.stats).toEqual(mem.stats);
        } finally {
          await store.close();
        }
      }
    }, 300_000);
  }
});

describe('re-runs read only what is new', () => {
  it('a second run reads 0 bytes and gives the same window', async () => {
    const d = dir();
    const store = await openStore(duck(d));
    try {
      const first = await viaStore(store, [data]);
      expect(first.synced.bytesRead).toBeGreaterThan(0);
      const second = await viaStore(store, [data]);
      expect(second.synced.bytesRead).toBe(0);
      expect(second.synced.files.map((f) => f.action)).toEqual(first.synced.files.map(() => 'unchanged'));
      expect(comparable(second.traces)).toBe(comparable(first.traces));
    } finally {
      await store.close();
    }
    // The store survives the process: a new handle on the same file reads nothing either.
    const again = await openStore(duck(d));
    try {
      expect((await viaStore(again, [data])).synced.bytesRead).toBe(0);
    } finally {
      await again.close();
    }
  });

  it('an appended file is read from where the last run stopped, with line numbers going on', async () => {
    const d = dir();
    const file = join(d, 'support.jsonl');
    const all = lines['support.otlp.jsonl']!;
    const head = all.slice(0, 10).map((l) => l + '\n').join('');
    writeFileSync(file, head);
    const store = await openStore(duck(d));
    try {
      await viaStore(store, [file]);
      const tail = ['{not json', ...all.slice(10, 20)].map((l) => l + '\n').join('');
      appendFileSync(file, tail);
      const r = await viaStore(store, [file]);
      expect(r.synced.files[0]).toMatchObject({ action: 'appended', bytesRead: Buffer.byteLength(tail) });
      // The bad line is the 11th of the file, not the 1st of the appended part.
      expect(r.stats.badExamples[0]).toMatchObject({ file, line: 11 });
      const mem = await loadTraces([file]);
      expect(comparable(r.traces)).toBe(comparable(mem.traces));
      expect(r.stats).toEqual(mem.stats);
    } finally {
      await store.close();
    }
  });

  it('a file with no usable record is reported once, and no longer once good records are appended', async () => {
    const d = dir();
    const file = join(d, 'mixed.jsonl');
    writeFileSync(file, '{"hello": 1}\n');
    const store = await openStore(duck(d));
    try {
      const r1 = await viaStore(store, [file]);
      expect(r1.stats).toEqual((await loadTraces([file])).stats);
      expect(r1.stats.files[0]!.warnings).toHaveLength(1);
      appendFileSync(file, lines['support.otlp.jsonl']!.slice(0, 3).join('\n') + '\n');
      const r2 = await viaStore(store, [file]);
      expect(r2.synced.files[0]!.action).toBe('appended');
      expect(r2.stats).toEqual((await loadTraces([file])).stats);
      expect(r2.stats.files[0]!.warnings).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('bad records of one kind in different files are counted as one kind, as the memory path does', async () => {
    const d = dir();
    writeFileSync(join(d, 'a.json'), '{"task-11019": {"resolved": true}}\n');
    writeFileSync(join(d, 'b.json'), '{"task-14365": {"resolved": false}}\n');
    writeFileSync(join(d, 'c.jsonl'), lines['support.otlp.jsonl']!.slice(0, 2).join('\n') + '\n');
    const store = await openStore(duck(d));
    try {
      const r = await viaStore(store, [d]);
      const mem = await loadTraces([d]);
      expect(mem.stats.badReasons).toHaveLength(1);
      expect(r.stats).toEqual(mem.stats);
    } finally {
      await store.close();
    }
  });

  it('a file rewritten in place is read again, its old spans forgotten', async () => {
    const d = dir();
    const file = join(d, 'coding.jsonl');
    const all = lines['coding.flat.jsonl']!;
    writeFileSync(file, all.slice(0, 40).join('\n') + '\n');
    const store = await openStore(duck(d));
    try {
      await viaStore(store, [file]);
      writeFileSync(file, all.slice(40, 80).join('\n') + '\n');
      const r = await viaStore(store, [file]);
      expect(r.synced.files[0]!.action).toBe('reread');
      expect(comparable(r.traces)).toBe(comparable((await loadTraces([file])).traces));
    } finally {
      await store.close();
    }
  });

  it('a file whose read fails leaves the store as it was, its record lines cut back, and the next run reads it', async () => {
    const d = dir();
    const file = join(d, 'in', 'coding.jsonl');
    mkdirSync(join(d, 'in'));
    const all = lines['coding.flat.jsonl']!;
    writeFileSync(file, all.slice(0, 30).join('\n') + '\n');
    const spec = duck(d);
    const store = await openStore(spec);
    const linesDir = `${spec.backend === 'duckdb' ? spec.path : ''}.records`;
    const onDisk = () => readdirSync(linesDir).map((f) => `${f}:${statSync(join(linesDir, f)).size}`).sort();
    // The file's record is written last, after its lines and index rows: failing there must undo both.
    const failing: Store = Object.assign(Object.create(store) as Store, {
      putFile: async (f: Parameters<Store['putFile']>[0]) => {
        if (f.size > 0) throw new Error('disk full');
        return store.putFile(f);
      },
    });
    try {
      await syncInputs(store, [file]);
      const before = { disk: onDisk(), runs: (await store.summaries()).length };
      appendFileSync(file, all.slice(30, 60).join('\n') + '\n');
      await expect(syncInputs(failing, [file])).rejects.toThrow(/disk full/);
      expect(onDisk()).toEqual(before.disk);
      expect((await store.summaries()).length).toBe(before.runs);
      // Rewritten in place: the new generation of its lines goes, the old one stays.
      writeFileSync(file, all.slice(60, 90).join('\n') + '\n');
      await expect(syncInputs(failing, [file])).rejects.toThrow(/disk full/);
      expect(onDisk()).toEqual(before.disk);
      const r = await viaStore(store, [file]);
      expect(r.synced.files[0]!.action).toBe('reread');
      expect(comparable(r.traces)).toBe(comparable((await loadTraces([file])).traces));
      // The replaced generation is gone once its replacement committed.
      expect(readdirSync(linesDir)).toHaveLength(1);
      // A generation a killed process left behind, named by no committed row, goes when the store next opens.
      writeFileSync(join(linesDir, '9-orphan.lines'), '{}\n');
      await store.close();
      const reopened = await openStore(spec);
      await reopened.close();
      expect(readdirSync(linesDir)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('late spans of a run in a new file re-finalize that run', async () => {
    const d = dir();
    const all = lines['coding.flat.jsonl']!;
    const last = JSON.parse(all[all.length - 1]!) as { trace_id: string };
    const mine = all.filter((l) => (JSON.parse(l) as { trace_id: string }).trace_id === last.trace_id);
    expect(mine.length).toBeGreaterThan(1);
    writeFileSync(join(d, 'a.jsonl'), mine.slice(0, 1).join('\n') + '\n');
    const store = await openStore(duck(d));
    try {
      await syncInputs(store, [d]);
      const before = (await store.summaries()).find((r) => r.traceId === last.trace_id)!;
      expect(before.spans).toBe(1);
      writeFileSync(join(d, 'b.jsonl'), mine.slice(1).join('\n') + '\n');
      await syncInputs(store, [d]);
      const after = (await store.summaries()).find((r) => r.traceId === last.trace_id)!;
      expect(after.spans).toBe(mine.length);
      expect(after.endTime).toBeGreaterThanOrEqual(before.endTime);
    } finally {
      await store.close();
    }
  });
});

describe('windows are read from the store', () => {
  it('--window 1d fetches only that day’s runs and matches the memory path', async () => {
    const d = dir();
    const store = await openStore(duck(d));
    // The run ids of each record the backend hands out: the window must not read records of other days' runs.
    const handed: string[][] = [];
    const counting: Store = Object.assign(Object.create(store) as Store, {
      records: (...[fileIds, runs, onText, opts]: Parameters<Store['records']>) =>
        store.records(fileIds, runs, (fileId, text) => {
          for (const rec of decodeStoredLines(text)) handed.push(rec.spans.map((s) => s.traceId));
          return onText(fileId, text);
        }, opts),
    });
    try {
      const spec = { window: '1d', until: 'latest' };
      const r = await viaStore(counting, [data], spec);
      const mem = await loadTraces([data], { window: spec });
      expect(r.traces.length).toBeGreaterThan(0);
      expect(r.traces.length).toBeLessThan(60);
      expect(comparable(r.traces)).toBe(comparable(mem.traces));
      expect(r.stats).toEqual(mem.stats);
      const inWindow = new Set(mem.traces.map((t) => t.traceId));
      expect(handed.every((ids) => ids.some((id) => inWindow.has(id)))).toBe(true);
      expect(new Set(handed.flat().filter((id) => inWindow.has(id)))).toEqual(inWindow);
    } finally {
      await store.close();
    }
  });
});

describe('what a record is stored as', () => {
  it('a line is kept as its own text and read back as the memory path reads it; a JSON array of bare chat messages is kept whole', async () => {
    const d = dir();
    const week = join(d, 'week.jsonl');
    const sample = lines[Object.keys(lines).sort()[0]!]!.slice(0, 20);
    writeFileSync(week, sample.join('\n') + '\n');
    // Its elements are no records: the file's end makes one run of them.
    const chat = join(d, 'chat.json');
    writeFileSync(chat, JSON.stringify([{ role: 'user', content: 'where is my order?' }, { role: 'assistant', content: 'It ships today.' }]));
    const store = await openStore(duck(d));
    try {
      const r = await viaStore(store, [week, chat]);
      const mem = await loadTraces([week, chat]);
      expect(mem.traces.length).toBeGreaterThan(1);
      expect(mem.stats.files.find((f) => f.file.endsWith('chat.json'))?.warnings?.join(' ')).toMatch(/chat messages of one conversation/);
      expect(comparable(r.traces)).toBe(comparable(mem.traces));
      expect(r.stats).toEqual(mem.stats);
      // No record is serialized again at ingest: every source line is in the record file as written.
      const kept = readdirSync(join(d, 'store.duckdb.records')).map((f) => readFileSync(join(d, 'store.duckdb.records', f), 'utf8')).join('');
      for (const line of sample) expect(kept.includes(`\t${line}\n`)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('prune and sql', () => {
  it('prune forgets runs older than the cut and keeps the rest', async () => {
    const d = dir();
    const store = await openStore(duck(d));
    try {
      await syncInputs(store, [data]);
      const runs = await store.summaries();
      const newest = Math.max(...runs.map((r) => r.startTime));
      const cut = newest - 2 * DAY;
      const old = runs.filter((r) => r.startTime < cut).length;
      expect(old).toBeGreaterThan(0);
      const pruned = await store.prune(cut);
      expect(pruned.runs).toBe(old);
      const left = await store.summaries();
      expect(left.length).toBe(runs.length - old);
      expect(left.every((r) => r.startTime >= cut)).toBe(true);
      // The files stay known: the next run does not read the pruned runs back in.
      expect((await syncInputs(store, [data])).bytesRead).toBe(0);
      expect((await store.info()).runs).toBe(left.length);
      // What is left reads back as the memory path's runs of those days.
      const kept = await loadWindow(store, await syncInputs(store, [data]), {}, Date.now());
      expect(kept.traces.map((t) => t.traceId).sort()).toEqual(left.map((r) => r.traceId).sort());
      // Pruning everything frees the record lines on disk too.
      await store.prune(newest + 1);
      expect((await store.info()).runs).toBe(0);
      expect(readdirSync(`${join(d, 'store.duckdb')}.records`)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('sql() answers SELECTs, refuses writes, files and a second statement', async () => {
    const d = dir();
    const store = await openStore(duck(d));
    try {
      await syncInputs(store, [data]);
      const r = await store.sql("SELECT kind, count(*) AS n FROM spans WHERE part = 'span' GROUP BY kind ORDER BY n DESC", { maxRows: 2 });
      expect(r.columns).toEqual(['kind', 'n']);
      expect(r.rows.length).toBe(2);
      expect(r.truncated).toBe(true);
      await expect(store.sql('DELETE FROM spans')).rejects.toThrow(/only SELECT/);
      await expect(store.sql('SELECT 1; SELECT 2')).rejects.toThrow(/one statement/);
      await expect(store.sql(`SELECT * FROM read_csv('${join(d, 'x.csv')}')`)).rejects.toThrow(/disabled|Permission/i);
      expect((await store.info()).spans).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

describe('kept detector observations', () => {
  it('are keyed by the detector code, the ingest options and every input file as stored, in order', async () => {
    const store = await openStore({ backend: 'memory' });
    try {
      await syncInputs(store, [data]);
      const files = await store.files();
      expect(files.length).toBeGreaterThan(1);
      const key = observationsKey('runtime v1', { strict: false }, files);
      expect(observationsKey('runtime v1', { strict: false }, files.map((f) => ({ ...f })))).toBe(key);
      // Another Halo (its runtime bundle holds the detectors), other ingest options, a grown file, another order: another key.
      expect(observationsKey('runtime v2', { strict: false }, files)).not.toBe(key);
      expect(observationsKey('runtime v1', { strict: true }, files)).not.toBe(key);
      expect(observationsKey('runtime v1', { strict: false }, [{ ...files[0]!, bytesRead: files[0]!.bytesRead + 1 }, ...files.slice(1)])).not.toBe(key);
      expect(observationsKey('runtime v1', { strict: false }, [...files].reverse())).not.toBe(key);
      expect(observationsKey('runtime v1', { strict: false }, files.slice(1))).not.toBe(key);
    } finally {
      await store.close();
    }
  });

  for (const backend of ['memory', 'duckdb'] as const) {
    it(`${backend}: one key's observations are kept per run, a new key drops the old, prune drops a pruned run's, and they outlive the process (duckdb)`, async () => {
      const d = dir();
      const spec: StoreSpec = backend === 'memory' ? { backend: 'memory' } : duck(d);
      let store = await openStore(spec);
      try {
        await syncInputs(store, [data]);
        const runs = (await store.summaries()).sort((a, b) => a.startTime - b.startTime);
        const ids = runs.map((r) => r.traceId);
        const bytes = (id: string) => new TextEncoder().encode(`obs of ${id}`);
        await store.putObservations('A', ids.map((id) => [id, bytes(id)] as const));
        const two = await store.observations('A', [ids[0]!, ids[1]!, 'no such run']);
        expect([...two.keys()]).toEqual([ids[0], ids[1]]);
        expect(new TextDecoder().decode(two.get(ids[1]!))).toBe(`obs of ${ids[1]}`);
        expect((await store.observations('B', ids)).size).toBe(0);
        // A run observed again under the same key replaces its bytes.
        await store.putObservations('A', [[ids[0]!, new TextEncoder().encode('again')]]);
        expect(new TextDecoder().decode((await store.observations('A', [ids[0]!])).get(ids[0]!))).toBe('again');
        expect((await store.observations('A', ids)).size).toBe(ids.length);
        if (backend === 'duckdb') {
          await store.close();
          store = await openStore(spec);
          expect((await store.observations('A', ids)).size).toBe(ids.length);
        }
        await store.prune(runs[1]!.startTime);
        expect([...(await store.observations('A', ids)).keys()]).not.toContain(ids[0]);
        expect((await store.observations('A', ids)).size).toBe(ids.length - runs.filter((r) => r.startTime < runs[1]!.startTime).length);
        await store.putObservations('B', [[ids[2]!, bytes(ids[2]!)]]);
        expect((await store.observations('A', ids)).size).toBe(0);
        expect([...(await store.observations('B', ids)).keys()]).toEqual([ids[2]]);
      } finally {
        await store.close();
      }
    });
  }
});

describe('one process at a time', () => {
  it('a second run waits for the store another process holds, or says who holds it when it cannot wait', async () => {
    const d = dir();
    const path = join(d, 'store.duckdb');
    await (await openDuckDbStore(path)).close();
    // Another process opens the store and keeps it until its stdin closes.
    const holder = spawn(
      process.execPath,
      ['--input-type=module', '-e', `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(${JSON.stringify(path)}); process.stdout.write('open\\n'); process.stdin.resume(); process.stdin.on('end', () => { i.closeSync(); process.exit(0); });`],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await once(holder.stdout!, 'data');
    await expect(openDuckDbStore(path, { lockWaitMs: 0 })).rejects.toThrow(/in use by another halo process/);
    const waiting = openDuckDbStore(path, { lockWaitMs: 300_000 });
    holder.stdin!.end();
    const store = await waiting;
    try {
      expect((await store.info()).runs).toBe(0);
    } finally {
      await store.close();
    }
  });
});
