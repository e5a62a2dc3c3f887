// Where each run of a window assembled run by run has its records (the store's
// `recordRanges`), held in window order as columns until the run is assembled
// and kept. As the store hands them over, a Map of each run's arrays, they took
// about 0.56 KB a run (the child's heap went from about 0.2 to 0.44 GB with
// them on a week of 425,000 runs) and were held through the assembly; as
// columns they take a few dozen bytes a run.
import type { RunLines } from '../store/api.ts';

export class WindowPlaces {
  /** Per run in window order, its first segment; one more entry, the end of the last run's. */
  private readonly runSeg: Int32Array;
  /** Per segment (a file of a run): the file, its line file's name (an index into `names`), and its first record. */
  private readonly segFile: Float64Array;
  private readonly segName: Int32Array;
  private readonly segRec: Int32Array;
  /** Per record, where its line starts in the line file and how long it is. */
  private readonly offs: Float64Array;
  private readonly lens: Float64Array;
  private readonly names: string[] = [];

  /** `ids`: the window's runs in window order, each with its places in `places`. */
  constructor(places: ReadonlyMap<string, RunLines>, ids: readonly string[]) {
    let segs = 0;
    let recs = 0;
    for (const id of ids) {
      const lines = places.get(id);
      if (lines === undefined) throw new Error(`run ${id}: no places for its records`);
      segs += lines.length;
      for (const [, , o] of lines) recs += o.length;
    }
    this.runSeg = new Int32Array(ids.length + 1);
    this.segFile = new Float64Array(segs);
    this.segName = new Int32Array(segs);
    this.segRec = new Int32Array(segs + 1);
    this.offs = new Float64Array(recs);
    this.lens = new Float64Array(recs);
    const named = new Map<string, number>();
    let s = 0;
    let r = 0;
    for (let i = 0; i < ids.length; i++) {
      this.runSeg[i] = s;
      for (const [fileId, segment, o, l] of places.get(ids[i]!)!) {
        let k = named.get(segment);
        if (k === undefined) {
          named.set(segment, (k = this.names.length));
          this.names.push(segment);
        }
        this.segFile[s] = fileId;
        this.segName[s] = k;
        this.segRec[s] = r;
        for (let j = 0; j < o.length; j++, r++) {
          this.offs[r] = o[j]!;
          this.lens[r] = l[j]!;
        }
        s++;
      }
    }
    this.runSeg[ids.length] = s;
    this.segRec[s] = r;
  }

  get length(): number {
    return this.runSeg.length - 1;
  }

  /** The places of the run at window position `i`, as the store gave them. */
  at(i: number): RunLines {
    const out: RunLines = [];
    for (let s = this.runSeg[i]!; s < this.runSeg[i + 1]!; s++) {
      const from = this.segRec[s]!;
      const to = this.segRec[s + 1]!;
      out.push([this.segFile[s]!, this.names[this.segName[s]!]!, Array.from(this.offs.subarray(from, to)), Array.from(this.lens.subarray(from, to))]);
    }
    return out;
  }
}
