// Assembled runs kept beside a DuckDB store, so a re-run need not assemble
// its window again (DESIGN.md §10, issue 21 step 2). A run is kept in two
// parts, each v8-serialized (structured clone keeps what JSON would lose:
// undefined fields, NaN, key order): its summary (every Trace field but the
// spans) as the sandbox assembled it, and where its spans come from. That is
// where its records' lines are in the store's line files (RunLines), read
// and assembled again when the spans are touched, since assembly builds a
// run from its own records alone; or, for a window where records claimed one
// id with different content (assembly moved spans between ids), the spans
// themselves. Keeping the lines' places instead of the spans took a first
// run's copy of every span out of the isolate, its serialization and its
// write (about 2 CPU-s and 200 MB on a 221 MB week). A window is kept as what its
// load published without reading spans: the load summary, `meta`, the run
// outcomes and its run ids in window order; then what the analysis made over
// it: the detectors' predicate runs, their findings and verification, and
// (in a file of its own) the runs' observations. The isolate then holds the
// summaries and reads a run's spans only when code touches them.
//
// Everything here is valid for one key (observation-key.ts: the sandbox
// runtime, ingest options and every input file's stored state); a new key
// starts an empty generation and the old ones go. Files are append-only and
// the index is written after the bytes it points at, so a crash leaves bytes
// nothing points at, never an entry pointing at missing bytes. Reads go
// through descriptors opened at open(), so a generation removed by another
// run stays readable here until close().
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { RunLines } from './api.ts';

/** Where a run's two parts are: offset and length in the summaries and spans files. */
interface RunEntry {
  so: number;
  sl: number;
  po: number;
  pl: number;
}

/** A window as its load published it, without its spans. */
export interface KeptWindow {
  /** The load's summary JSON (stats, traces, spans), as the `loaded` message carries it. */
  loaded: string;
  /** `meta`: the dataset overview. */
  overview: unknown;
  /** runOutcomes() of the whole window. */
  outcomes: unknown;
  /** The window's run ids, in window order. */
  ids: string[];
  /** The detectors' predicate runs over the window, as verification made them (KeptPredicateRun in sandbox/runtime.ts). */
  predicates?: [source: string, status: 'ok' | 'error', error: string | null, matched: string[], threw: [string, string][]][];
  /** The detectors' findings over the window and their verification, as the first run over it made them. */
  detection?: KeptDetection;
  /** runMetrics, runIndex and systemPrompts over the window (each reads every run's spans), JSON by name, once made. */
  views?: Record<string, string>;
}

/**
 * What the detectors' global steps and verification gave over a whole kept
 * window: both depend on nothing but the window's runs and the runtime (the
 * generation's key), so a re-run over the same window gives them back without
 * running the steps or reading the cited runs' spans. JSON as the isolate wrote it.
 */
export interface KeptDetection {
  /** runDetectors()' findings (FindingInput[]), JSON. */
  found: string;
  /** Detectors that failed, as runDetectors() reported them. */
  errors: string[];
  /** verifyDetected()'s result for exactly `found`, JSON. */
  verified: string;
}

/** Where a kept run's spans come from: its records' lines (assembled again when read), or the spans as assembled. */
export type KeptSpans = { lines: RunLines } | unknown[];

/** One assembled run handed in for keeping: its summary (spans left out) and its spans, or where its records' lines are. */
export type AssembledRun = readonly [traceId: string, summary: unknown, spans: KeptSpans];

const INDEX = 'runs.idx';
const SUMMARIES = 'summaries.bin';
const SPANS = 'spans.bin';

/** Where a DuckDB store at `storePath` keeps assembled runs. */
export function assembledRoot(storePath: string): string {
  return `${storePath}.assembled`;
}

/** Bytes the assembled runs beside a store take on disk. */
export function assembledBytes(storePath: string): number {
  let n = 0;
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // none kept, or removed meanwhile
    }
    for (const name of names) {
      const p = join(dir, name);
      try {
        const st = statSync(p);
        if (st.isDirectory()) walk(p);
        else n += st.size;
      } catch {
        // removed meanwhile
      }
    }
  };
  walk(assembledRoot(storePath));
  return n;
}

/**
 * Forgets every kept run and window, for the disk space: the next run
 * assembles its window again. Best effort: a window is kept under its run
 * ids, so one holding pruned runs is never installed again anyway.
 */
export function dropAssembled(storePath: string): void {
  try {
    rmSync(assembledRoot(storePath), { recursive: true, force: true });
  } catch {
    // in use by a running analysis (Windows): it goes with the next new key
  }
}

/** What a window is kept under: every input of its load that is not in the key. */
export function windowHash(parts: unknown): string {
  return createHash('sha1').update(JSON.stringify(parts) ?? '').digest('hex');
}

export class AssembledRuns {
  private readonly runs = new Map<string, RunEntry>();
  private readonly fds: { idx: number; sum: number; spans: number };
  private sizes: { sum: number; spans: number };

  private constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'windows'), { recursive: true });
    const idxPath = join(dir, INDEX);
    if (existsSync(idxPath)) {
      for (const line of readFileSync(idxPath, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const [id, so, sl, po, pl] = JSON.parse(line) as [string, number, number, number, number];
          this.runs.set(id, { so, sl, po, pl });
        } catch {
          // a line cut short by a crash: the run is assembled again
        }
      }
    }
    this.fds = { idx: openSync(idxPath, 'a'), sum: openSync(join(dir, SUMMARIES), 'a+'), spans: openSync(join(dir, SPANS), 'a+') };
    this.sizes = { sum: fstatSync(this.fds.sum).size, spans: fstatSync(this.fds.spans).size };
  }

  /** The generation for `key` under `root` (a store's `<file>.assembled`); other generations go. */
  static open(root: string, key: string): AssembledRuns {
    mkdirSync(root, { recursive: true });
    for (const name of readdirSync(root)) if (name !== key) rmSync(join(root, name), { recursive: true, force: true });
    return new AssembledRuns(join(root, key));
  }

  has(id: string): boolean {
    return this.runs.has(id);
  }

  /** Keeps runs (a run kept already is replaced: the last entry wins). */
  append(runs: readonly AssembledRun[]): void {
    if (runs.length === 0) return;
    const sums: Buffer[] = [];
    const spans: Buffer[] = [];
    const lines: string[] = [];
    for (const [id, summary, sp] of runs) {
      const s = serialize(summary);
      const p = serialize(sp);
      const e = { so: this.sizes.sum, sl: s.length, po: this.sizes.spans, pl: p.length };
      this.sizes.sum += s.length;
      this.sizes.spans += p.length;
      sums.push(s);
      spans.push(p);
      lines.push(JSON.stringify([id, e.so, e.sl, e.po, e.pl]));
      this.runs.set(id, e);
    }
    writeAll(this.fds.sum, Buffer.concat(sums));
    writeAll(this.fds.spans, Buffer.concat(spans));
    writeAll(this.fds.idx, Buffer.from(lines.join('\n') + '\n'));
  }

  /** The kept summaries of the given runs (each must be kept: has()). */
  summaries(ids: readonly string[]): unknown[] {
    const out: unknown[] = [];
    for (const id of ids) {
      const e = this.runs.get(id);
      if (!e) throw new Error(`run ${id} is not kept`);
      out.push(deserialize(readRange(this.fds.sum, e.so, e.sl)));
    }
    return out;
  }

  /** A kept run's spans (or where its records' lines are) and their serialized size (what a cache of them costs, roughly). */
  spans(id: string): { spans: KeptSpans; bytes: number } {
    const e = this.runs.get(id);
    if (!e) throw new Error(`run ${id} is not kept`);
    return { spans: deserialize(readRange(this.fds.spans, e.po, e.pl)) as KeptSpans, bytes: e.pl };
  }

  window(hash: string): KeptWindow | null {
    const path = join(this.dir, 'windows', `${hash}.bin`);
    if (!existsSync(path)) return null;
    try {
      return deserialize(readFileSync(path)) as KeptWindow;
    } catch {
      return null;
    }
  }

  putWindow(hash: string, w: KeptWindow): void {
    this.put(`${hash}.bin`, serialize(w));
  }

  /**
   * The window's runs' per-run detector observations (as the store keeps them
   * per run), in one piece beside the window: a file of its own, read only
   * when the detectors' global steps run again. Each run's are the bytes the
   * store keeps for it (v8-serialized once, for both).
   */
  observations(hash: string): [traceId: string, observations: unknown][] | null {
    const path = join(this.dir, 'windows', `${hash}.obs.bin`);
    if (!existsSync(path)) return null;
    try {
      return (deserialize(readFileSync(path)) as [string, Uint8Array][]).map(([id, bytes]) => [id, deserialize(bytes)]);
    } catch {
      return null;
    }
  }

  putObservations(hash: string, observations: readonly (readonly [traceId: string, serialized: Uint8Array])[]): void {
    this.put(`${hash}.obs.bin`, serialize(observations));
  }

  private put(name: string, data: Buffer): void {
    const path = join(this.dir, 'windows', name);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  }

  close(): void {
    for (const fd of Object.values(this.fds)) closeSync(fd);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function readRange(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) throw new Error('kept run cut short');
    got += n;
  }
  return buf;
}
