// Shared shapes of the exporters: what the plan decides per finding, what a
// tracker adapter must do, and what export-result.json records.
import type { Finding, Severity } from '../findings/schema.ts';

export const EXPORT_TARGETS = ['github', 'linear', 'jira', 'csv'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];
export type TrackerTarget = Exclude<ExportTarget, 'csv'>;

export type PlanAction = 'create' | 'update' | 'reopen' | 'skip';

/** An issue as a tracker reports it, reduced to what the plan needs. */
export interface RemoteIssue {
  /** The tracker's id for API calls (GitHub issue number, Linear issue id, Jira key). */
  id: string;
  /** What a person calls it: "#12", "ENG-42", "OPS-7". */
  key: string;
  url: string;
  fingerprint: string;
  open: boolean;
  /** Closed as not planned / canceled by a person: never reopened. */
  declined?: boolean;
  /** Digest of the exported content last written by halo (parsed from the issue), if any. */
  digest?: string;
  /** "traces/total" last written by halo, for the "was …" part of comments. */
  prevalence?: string;
}

/** The rendered issue content for one finding. */
export interface IssueContent {
  title: string;
  /** Markdown body (GitHub, Linear, CSV). Jira renders `doc` to ADF instead. */
  markdown: string;
  doc: import('./body.ts').Block[];
  labels: string[];
  /** The tracker's priority name or number for this severity, if mapped. */
  priority?: string | number;
  digest: string;
  prevalence: string;
}

export interface PlanItem {
  fingerprint: string;
  title: string;
  severity: Severity;
  action: PlanAction;
  reason: string;
  finding: Finding;
  content: IssueContent;
  /** The existing issue this item acts on (update, reopen, skip). */
  issue?: RemoteIssue;
  /** The comment posted on update/reopen, as Markdown and as blocks (Jira renders ADF). */
  comment?: string;
  commentDoc?: import('./body.ts').Block[];
  /** No issue found, but an earlier create may have made one (ISO time of that create): wait instead of creating. */
  awaiting?: string;
}

export interface ExportResultItem {
  action: PlanAction;
  title: string;
  url?: string;
  id?: string;
  key?: string;
  digest?: string;
  at: string;
  error?: string;
  /**
   * A create got no readable answer at this time (ISO): the issue may exist.
   * Later runs look for it and create again only once the wait is over.
   */
  pending?: string;
}

/** One destination's part of export-result.json: fingerprint → issue, merged across runs so it doubles as local state. */
export interface ExportResultFile {
  target: ExportTarget;
  destination: string;
  at: string;
  applied: boolean;
  items: Record<string, ExportResultItem>;
}

/** export-result.json: the state of every destination exported to, so a second repository never wipes the first. */
export interface ExportStateFile {
  schemaVersion: 2;
  destinations: Record<string, ExportResultFile>;
}

export interface ExportOutcome {
  destination: string;
  plan: PlanItem[];
  /** This destination's merged export result (previous runs + this one). */
  results: ExportResultFile;
  /** Human-readable plan. */
  text: string;
  /** The requests each planned action sends (dry-run printout). */
  requests: Array<{ fingerprint: string; action: string; method: string; path: string; body: unknown }>;
  errors: number;
  /** Creates whose outcome is unknown, to be confirmed by the next run. */
  pending: number;
}

/** One tracker behind the plan: list by fingerprint, look up remembered issues, write. */
export interface Tracker {
  readonly target: TrackerTarget;
  /** "github:owner/name", "linear:ENG", "jira:https://x.atlassian.net/OPS". */
  readonly destination: string;
  /** Every halo issue the tracker's search returns, by fingerprint. */
  list(): Promise<Map<string, RemoteIssue>>;
  /** Direct lookup of an issue remembered in local state (search may lag behind). */
  get(id: string, fingerprint: string): Promise<RemoteIssue | null>;
  /**
   * Look for an issue a create made whose answer was lost, where list() cannot
   * see it (Linear: its fingerprint attachment is added after the create, so
   * it never got one). With `repair`, restore what list() needs. Trackers
   * whose create carries the fingerprint itself (GitHub body, Jira label) omit it.
   */
  findLost?(fingerprint: string, repair: boolean): Promise<RemoteIssue | null>;
  content(finding: Finding, runId: string): IssueContent;
  /** The requests an action would send, for the dry-run printout. */
  preview(item: PlanItem): Array<{ method: string; path: string; body: unknown }>;
  /** Once before the first write (labels, team states). */
  prepare(): Promise<void>;
  create(item: PlanItem): Promise<RemoteIssue>;
  update(item: PlanItem & { issue: RemoteIssue }): Promise<void>;
  reopen(item: PlanItem & { issue: RemoteIssue }): Promise<void>;
}

export interface Mapping {
  /** Extra labels per severity, added to the target's base labels. */
  labelMap?: Partial<Record<Severity, string[]>>;
  /** Tracker priority per severity (name for Jira/CSV, 0–4 for Linear). */
  priorityMap?: Partial<Record<Severity, string | number>>;
  /** Labels on every issue (besides the halo marker label). */
  labels?: string[];
}
