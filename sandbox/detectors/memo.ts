// Memos of what detectors derive from one run: each call's failure, what each
// model call was sent, the run's span tree. The per-run steps ask for these
// many times over, so each is read once; but kept for the whole window they
// would hold several KB a run in the heap for as long as the window is loaded
// (the collector copies and marks them over and over). `observeRun` lets them
// go once it is done with a run (`releaseRunMemos`); asked again later (model
// code calling a detector), they are read again, alike.
const memos: RunMemo<object, unknown>[] = [];

export class RunMemo<K extends object, V> {
  private map = new WeakMap<K, V>();

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): this {
    this.map.set(key, value);
    return this;
  }

  clear(): void {
    this.map = new WeakMap();
  }
}

/** A memo keyed by a run or a span, let go with the others by `releaseRunMemos`. */
export function runMemo<K extends object, V>(): RunMemo<K, V> {
  const m = new RunMemo<K, V>();
  memos.push(m as unknown as RunMemo<object, unknown>);
  return m;
}

/** Lets every run memo go (the values are read again when next asked for). */
export function releaseRunMemos(): void {
  for (const m of memos) m.clear();
}
