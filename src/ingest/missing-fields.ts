// What a record lacks to be a span, and which of its keys look closest, so
// an error can say how to map it (`--field startTime=ts`). Shared by the
// unrecognized-record message, the flat-span normalizer and field mappings.
type Dict = Record<string, unknown>;

export type RequiredField = 'traceId' | 'spanId' | 'startTime';

/** Required to make a span from a flat record. */
export const REQUIRED: RequiredField[] = ['traceId', 'spanId', 'startTime'];

/** Keys tried when a required field is not mapped (the common spellings). */
export const DEFAULT_KEYS: Record<RequiredField, string[]> = {
  traceId: ['trace_id', 'traceId', 'TraceId'],
  spanId: ['span_id', 'spanId', 'SpanId'],
  startTime: ['start_time', 'startTime', 'timestamp', 'Timestamp'],
};

/** Words that hint at each required field in an unknown exporter's key. */
const HINTS: Record<RequiredField, RegExp[]> = {
  traceId: [/trace/i, /run|session|conversation|request|correlation/i],
  spanId: [/span/i, /^(?:id|_id|uuid|event_?id|step_?id)$/i, /(?:^|[._-])id$/i],
  startTime: [/start|begin/i, /^(?:ts|time|timestamp|@timestamp|datetime|date)$/i, /time|ts$|date|created|at$/i],
};

/** Up to two keys of `keys` that look most like `field`, best first. */
export function closestKeys(field: RequiredField, keys: string[], taken: Set<string> = new Set()): string[] {
  const scored: [string, number][] = [];
  for (const k of keys) {
    if (taken.has(k)) continue;
    const i = HINTS[field].findIndex((re) => re.test(k));
    if (i >= 0) scored.push([k, i]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].length - b[0].length);
  return scored.slice(0, 2).map(([k]) => k);
}

/**
 * "lacks traceId (closest: trace), startTime (closest: ts); map them with
 * --field traceId=trace --field startTime=ts, or `fields` in halo.config.json".
 */
export function describeMissing(r: Dict, missing: string[]): string {
  const keys = Object.keys(r);
  const taken = new Set<string>();
  const parts: string[] = [];
  const flags: string[] = [];
  for (const f of missing) {
    const near = (REQUIRED as string[]).includes(f) ? closestKeys(f as RequiredField, keys, taken) : [];
    if (near[0] !== undefined) taken.add(near[0]);
    parts.push(near.length > 0 ? `${f} (closest: ${near.join(', ')})` : f);
    flags.push(`--field ${f}=${near[0] ?? '<key>'}`);
  }
  return `lacks ${parts.join(', ')}; map ${missing.length === 1 ? 'it' : 'them'} with ${flags.join(' ')} (or "fields" in halo.config.json)`;
}

/** For a flat object no format recognizes: what a span would need from it ('' when nothing is missing). */
export function unrecognizedHint(r: Dict): string {
  const missing = REQUIRED.filter((f) => DEFAULT_KEYS[f].every((k) => r[k] === undefined || r[k] === null || r[k] === ''));
  return missing.length > 0 ? `as a flat span it ${describeMissing(r, missing)}` : '';
}
