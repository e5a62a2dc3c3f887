// The memory backend: the same contract held in arrays, for one process.
// Nothing survives the process; tests use it as the reference the DuckDB
// backend must agree with.
import type { RunSummary, SpanRow, SqlResult, Store, StoredFile, StoreInfo } from './api.ts';
import { compareRows } from './order.ts';
import { dayOf, summarize } from './summaries.ts';
import { StoreError } from './errors.ts';

export function createMemoryStore(): Store {
  const files = new Map<number, StoredFile>();
  let rows: SpanRow[] = [];
  let runs = new Map<string, RunSummary>();
  const touched = new Set<string>();
  let nextId = 1;

  const recompute = (ids: Iterable<string>) => {
    const want = new Set(ids);
    const groups = new Map<string, SpanRow[]>();
    for (const r of rows) {
      if (!want.has(r.traceId)) continue;
      let g = groups.get(r.traceId);
      if (!g) groups.set(r.traceId, (g = []));
      g.push(r);
    }
    for (const id of want) {
      const g = groups.get(id);
      const s = g ? summarize(id, g) : null;
      if (s) runs.set(id, s);
      else runs.delete(id);
    }
  };

  return {
    backend: 'memory',
    async files() {
      return [...files.values()].map((f) => ({ ...f }));
    },
    async putFile(file) {
      const fileId = file.fileId ?? nextId++;
      files.set(fileId, { ...file, fileId });
      return fileId;
    },
    async dropSpans(fileId) {
      rows = rows.filter((r) => {
        if (r.fileId !== fileId) return true;
        touched.add(r.traceId);
        return false;
      });
    },
    async append(batch) {
      for (const r of batch) {
        rows.push(r);
        touched.add(r.traceId);
      }
    },
    async finalize() {
      recompute(touched);
      touched.clear();
    },
    async summaries(fileIds) {
      if (fileIds === undefined) return [...runs.values()];
      const keep = new Set(fileIds);
      const groups = new Map<string, SpanRow[]>();
      for (const r of rows) {
        if (!keep.has(r.fileId)) continue;
        let g = groups.get(r.traceId);
        if (!g) groups.set(r.traceId, (g = []));
        g.push(r);
      }
      const out: RunSummary[] = [];
      for (const [id, g] of groups) {
        const s = summarize(id, g);
        if (s) out.push(s);
      }
      return out;
    },
    async fetch(wanted, ranks, onRows) {
      const ids = new Set(wanted.map((r) => r.traceId));
      const out = rows.filter((r) => ranks.has(r.fileId) && ids.has(r.traceId)).sort(compareRows(ranks));
      if (out.length > 0) await onRows(out);
    },
    async scan(fn) {
      for (const r of rows) fn(r);
    },
    async sql(): Promise<SqlResult> {
      throw new StoreError('sql() needs the DuckDB store (--store duckdb)');
    },
    async prune(before) {
      const gone = new Set([...runs.values()].filter((r) => r.startTime < before).map((r) => r.traceId));
      const n = rows.length;
      rows = rows.filter((r) => !gone.has(r.traceId));
      for (const id of gone) runs.delete(id);
      return { runs: gone.size, spans: n - rows.length };
    },
    async info(): Promise<StoreInfo> {
      const days = new Map<string, { runs: number; spans: number }>();
      for (const r of runs.values()) {
        const d = days.get(dayOf(r.startTime)) ?? { runs: 0, spans: 0 };
        d.runs++;
        d.spans += r.spans;
        days.set(dayOf(r.startTime), d);
      }
      return {
        backend: 'memory',
        location: '(memory)',
        files: [...files.values()],
        runs: runs.size,
        spans: rows.filter((r) => r.part === 'span').length,
        days: [...days].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, d]) => ({ day, ...d })),
        sizeBytes: 0,
      };
    },
    async transaction(fn) {
      // Snapshot and restore: a failed file leaves nothing behind, like a rolled-back transaction.
      const saved = { files: new Map(files), rows: rows.slice(), runs: new Map(runs), touched: new Set(touched), nextId };
      try {
        return await fn();
      } catch (err) {
        files.clear();
        for (const [k, v] of saved.files) files.set(k, v);
        rows = saved.rows;
        runs = saved.runs;
        touched.clear();
        for (const t of saved.touched) touched.add(t);
        nextId = saved.nextId;
        throw err;
      }
    },
    async close() {
      rows = [];
      runs.clear();
    },
  };
}
