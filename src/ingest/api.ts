// Contract of the ingest layer. Everything here is pure (no Node imports) so
// the same code runs in the host and, bundled, inside the isolate.
import type { BadRecord, SourceFormat, Trace } from '../types.ts';
import type { OutcomeJoin, OutcomeTable } from './outcomes.ts';

/** Resolved time window, epoch ms; a trace belongs to it by its start time. */
export interface TimeWindow {
  start: number | null;
  end: number | null;
}

/**
 * A window as the user wrote it. `until: 'latest'` anchors the window at the
 * newest trace in the data (how the bundled, fixed-date sample gives results
 * on any date); otherwise relative windows end at `now`.
 */
export interface WindowSpec {
  window?: string; // 7d | 24h | 90m
  since?: string; // ISO or relative (e.g. 3d)
  until?: string; // ISO, relative, or 'latest'
}

export interface IngestOptions {
  /** Fail on the first bad record instead of counting it. */
  strict?: boolean;
  /** How many bad records to keep verbatim (all are counted). */
  keepBad?: number;
  /**
   * Canonical field → source key, for flat records of an exporter no built-in
   * format reads (`{startTime: 'ts', traceId: 'trace'}`); see field-mapping.ts.
   */
  fields?: Record<string, string>;
  /** Outcomes kept outside the traces (`--outcomes`), joined to the runs in the window. */
  outcomes?: OutcomeTable;
}

/** A batch of complete lines from one file, handed to the ingestor. */
export interface LineBatch {
  file: string;
  /** 1-based line number of the first line in `text` (element index for `unit: 'element'`). */
  firstLine: number;
  /** Complete lines, `\n`-separated; one JSON record per line. */
  text: string;
  /**
   * `element`: each line is one element of a JSON array (or one top-level
   * value of a .json document), re-serialized; numbers are 0-based element
   * indexes instead of line numbers. Default `line`.
   */
  unit?: 'line' | 'element';
  /** Source bytes this batch covers (uncompressed), for per-file stats. */
  bytes?: number;
  /** Records the reader already rejected (invalid UTF-8, truncated gzip, ...). */
  bad?: BadRecord[];
  /** File-level notes that are not records (e.g. an empty file). */
  warnings?: string[];
  /** Lines whose invalid UTF-8 was replaced with U+FFFD (kept, counted). */
  replacedUtf8?: number;
}

export interface IngestStats {
  files: {
    file: string;
    bytes: number;
    records: number;
    bad: number;
    formats: Partial<Record<SourceFormat, number>>;
    /** File-level notes, e.g. "empty file". */
    warnings?: string[];
  }[];
  records: number;
  spans: number;
  badRecords: number;
  /** The first `keepBad` bad records, with file, line and reason. */
  badExamples: BadRecord[];
  /**
   * Every bad record counted by kind of reason (numbers, ids and quoted values
   * aside), most frequent first: the first reason of each kind as written and
   * where the first few happened (`file:line`).
   */
  badReasons?: { reason: string; count: number; where: string[] }[];
  /** Data the ingest repaired rather than dropped, counted (see FORMATS.md, "Repairs"). */
  repairs?: IngestRepairs;
  /** Traces that start far outside the rest of the data (e.g. a year-3000 clock). */
  timeOutliers?: { count: number; examples: { traceId: string; startTime: string; file: string }[]; ignoredByLatest: boolean };
  /**
   * Records that claimed a trace id another record already held, with other
   * content: each was kept as its own trace `<id>~<n>`; the first few with
   * both sources (`file:line`).
   */
  identityConflicts?: { count: number; examples: { traceId: string; keptAs: string; sources: [string, string] }[] };
  /** Runs with no timestamps in their source (placeholder times; every window keeps them). */
  undated?: { count: number; examples: { traceId: string; file: string }[] };
  /** How `--outcomes` joined: runs with their own outcome, joined ones, unknown, and entries that matched no run. */
  outcomes?: OutcomeJoin;
  /** One-line notes for the user about repairs and outliers (printed by inspect and analyze). */
  notices?: string[];
  /** Traces dropped by the window, and the window actually applied. */
  outsideWindow: number;
  window: TimeWindow;
}

export interface IngestRepairs {
  /** Lines (or document chunks) whose invalid UTF-8 became U+FFFD. */
  invalidUtf8: number;
  /** Spans repeated verbatim under one id: kept once. */
  identicalDuplicates: number;
  /** Different spans sharing an id within a trace: the later ones renamed `<id>~dup<n>`. */
  duplicateSpanIds: number;
  /** Parent cycles broken (one span of each cycle made a root). */
  parentCycles: number;
  /** End times that were unusable or before the start, set to the start. */
  clampedTimes: number;
  /** Spans dropped because their start time is not a usable date (also counted as bad records). */
  droppedSpans: number;
}

export interface IngestResult {
  traces: Trace[];
  stats: IngestStats;
}
