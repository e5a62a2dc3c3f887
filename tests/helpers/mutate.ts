// Structure-aware mutation for fuzz tests: a copy of a record with one to
// three of its values (at any depth, or the whole record) replaced or deleted.

/** Every path into `o`, the root (`[]`) included. */
function paths(o: unknown, p: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(p);
  if (o !== null && typeof o === 'object') for (const k of Object.keys(o)) paths((o as Record<string, unknown>)[k], [...p, k], out);
  return out;
}

export function mutateRecord(record: unknown, replacements: readonly unknown[], rnd: () => number): unknown {
  let rec: unknown = structuredClone(record);
  const ps = paths(rec);
  for (let k = 0, n = 1 + Math.floor(rnd() * 3); k < n; k++) {
    const p = ps[Math.floor(rnd() * ps.length)]!;
    const v = structuredClone(replacements[Math.floor(rnd() * replacements.length)]);
    if (p.length === 0) return v;
    let o = rec as Record<string, unknown> | undefined;
    for (const s of p.slice(0, -1)) o = o?.[s] as Record<string, unknown> | undefined;
    if (o !== null && typeof o === 'object') {
      if (rnd() < 0.3) delete o[p.at(-1)!];
      else o[p.at(-1)!] = v;
    }
  }
  return rec;
}
