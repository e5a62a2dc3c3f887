// Which trace a whole-run record (a transcript, a benchmark result, a
// trajectory file) belongs to. Two different runs must never share a trace
// id, so the id is taken, in this order, from:
//   1. the record's own id fields;
//   2. the composite key its format defines (suite or domain + task + trial…);
//   3. the path, for formats that hold one run per file;
//   4. a 64-bit hash of the whole record (never of a prefix: benchmark
//      prompts share templates, so openings collide). Not of its position:
//      an id must not change with the path a file is given by; a record
//      repeated verbatim is the same run read twice.
// Ids stay strings exactly as written (wide integers arrive as strings, see
// json-text.ts). Two records that still claim one id with different content
// are told apart by the assembler (assemble.ts), which says so.
import { hashString, str } from './values.ts';

type Dict = Record<string, unknown>;

/** Where a record came from: file and 1-based line (or 0-based element index). */
export interface RecordSource {
  file: string;
  line: number;
  unit?: 'line' | 'element';
}

/** `file:line` or `file[index]`, as bad records print it. */
export function formatSource(at: RecordSource): string {
  return at.unit === 'element' ? `${at.file}[${at.line}]` : `${at.file}:${at.line}`;
}

/** Field names that carry a run's own id, most specific first. */
export const OWN_ID_KEYS = ['trace_id', 'traceId', 'run_id', 'runId', 'id'] as const;

/** The record's own id: the first of `keys` holding a non-empty string or number. */
export function ownId(r: Dict, keys: readonly string[] = OWN_ID_KEYS): string | null {
  for (const k of keys) {
    const v = str(r[k]);
    if (v !== null) return v;
  }
  return null;
}

export interface IdentityParts {
  /** Short format prefix for derived ids (`chat`, `tau2`, `swe`, …). */
  prefix: string;
  /** The record's own id, when it has one. */
  own?: string | null;
  /**
   * The format's composite key, outermost first (suite, task, trial…); null
   * parts are skipped. Used only when at least one part before the trial
   * (the last entry) is present.
   */
  composite?: (string | number | null | undefined)[];
  /** The format holds one run per file: the path identifies the run. */
  perFile?: boolean;
}

/** The trace id of a whole-run record; see the order above. */
export function traceIdentity(r: Dict, parts: IdentityParts, at?: RecordSource): string {
  if (parts.own !== undefined && parts.own !== null) return parts.own;
  const c = parts.composite;
  if (c !== undefined && c.slice(0, -1).some((p) => p !== null && p !== undefined && p !== '')) {
    return `${parts.prefix}-${c.filter((p) => p !== null && p !== undefined && p !== '').join('-')}`;
  }
  if (parts.perFile === true && at !== undefined && at.line <= 1) return `${parts.prefix}:${at.file}`;
  return `${parts.prefix}-${wideHash(JSON.stringify(r))}`;
}

/** 64 bits of hash (two FNV-1a passes with different seeds): 32 bits collide at ~10^5 records. */
export function wideHash(s: string): string {
  return hashString(s) + hashString('\u0001' + s);
}
