// The detectors' per-run observations of a window assembled run by run
// (streamWindow), held on disk per detector rather than in memory: the global
// steps need every run's observations for one detector at a time, and a week
// of hundreds of thousands of runs holds a few KB of them a run. Each batch of
// runs is written once per detector (v8-serialized, in window order) and read
// back a batch at a time when that detector's global step runs. A key a
// detector's global step reads in only some passes (`apart`, by detector) is
// written apart, so a read that does not ask for it does not decode it.
import { closeSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/** What a read needs of a batch: the runs at these positions in it only (in order), and whether the detector's key kept apart. */
export interface SpillRead {
  at?: readonly number[];
  apart?: boolean;
}

export class ObservationSpill {
  private fd: number | null;
  /** Set while the file still has a name to remove (where an open file cannot be unlinked). */
  private path: string | null;
  private end = 0;
  /** Runs in each batch, in window order. */
  private readonly sizes: number[] = [];
  /** Serialized bytes the last read() decoded. */
  decoded = 0;
  /** Per detector, per batch: [offset, length] of its observations, or undefined where no run of the batch has any. */
  private readonly places = new Map<string, ([number, number] | undefined)[]>();

  constructor(
    dir: string,
    private readonly apart: Readonly<Record<string, string>> = {},
  ) {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `observations-${process.pid}-${Date.now().toString(36)}.spill`);
    this.fd = openSync(path, 'w+');
    // Unnamed at once where the system allows it: nothing is left behind if this process is killed.
    try {
      unlinkSync(path);
      this.path = null;
    } catch {
      this.path = path;
    }
  }

  /** Runs appended so far. */
  get runs(): number {
    let n = 0;
    for (const s of this.sizes) n += s;
    return n;
  }

  /** The next runs' observations (by detector name), in window order. */
  append(batch: readonly { obs: Record<string, unknown> }[]): void {
    if (this.fd === null) throw new Error('observation spill closed');
    const b = this.sizes.length;
    this.sizes.push(batch.length);
    const names = new Set<string>(this.places.keys());
    for (const o of batch) for (const k of Object.keys(o.obs)) names.add(k);
    for (const name of names) {
      let list = this.places.get(name);
      if (list === undefined) this.places.set(name, (list = []));
      if (!batch.some((o) => Object.prototype.hasOwnProperty.call(o.obs, name))) continue;
      const key = this.apart[name];
      const values = batch.map((o) => o.obs[name]);
      if (key === undefined) {
        list[b] = this.write(values);
        continue;
      }
      // The key stays in its place in each observation, undefined until it is read with it.
      const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, key);
      list[b] = this.write(values.map((v) => (isObj(v) ? { ...v, [key]: undefined } : v)));
      let parts = this.places.get(`${name}\0${key}`);
      if (parts === undefined) this.places.set(`${name}\0${key}`, (parts = []));
      parts[b] = this.write(values.map((v) => (isObj(v) ? v[key] : undefined)));
    }
  }

  private write(values: unknown[]): [number, number] {
    const buf = serialize(values);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd!, buf, off, buf.length - off, this.end + off);
    const at: [number, number] = [this.end, buf.length];
    this.end += buf.length;
    return at;
  }

  /** Batches appended so far. */
  get batches(): number {
    return this.sizes.length;
  }

  /**
   * One detector's observations of batch `b`, one entry per run (undefined for runs without any); with `want.at`,
   * of the runs at those positions in the batch only; with `want.apart` false, without the key kept apart.
   */
  read(name: string, b: number, want: SpillRead = {}): unknown[] {
    if (this.fd === null) throw new Error('observation spill closed');
    if (!Number.isInteger(b) || b < 0 || b >= this.sizes.length) throw new Error('no such batch of observations');
    this.decoded = 0;
    const pick = (all: unknown[]) => (want.at ? want.at.map((i) => all[i]) : all);
    const values = pick(this.decode(this.places.get(name)?.[b], this.sizes[b]!));
    const key = this.apart[name];
    if (key === undefined || want.apart === false) return values;
    const parts = pick(this.decode(this.places.get(`${name}\0${key}`)?.[b], this.sizes[b]!));
    values.forEach((v, i) => {
      if (v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, key)) (v as Record<string, unknown>)[key] = parts[i];
    });
    return values;
  }

  private decode(at: [number, number] | undefined, runs: number): unknown[] {
    if (at === undefined) return new Array<unknown>(runs).fill(undefined);
    this.decoded += at[1];
    const buf = Buffer.allocUnsafe(at[1]);
    let off = 0;
    while (off < at[1]) {
      const n = readSync(this.fd!, buf, off, at[1] - off, at[0] + off);
      if (n === 0) throw new Error('observation spill truncated');
      off += n;
    }
    return deserialize(buf) as unknown[];
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.path !== null) {
      try {
        unlinkSync(this.path);
      } catch {
        // Gone already.
      }
      this.path = null;
    }
  }
}
