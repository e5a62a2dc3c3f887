// Problems: related findings under one heading, so a week reads as a short
// list. A problem is one kind of failure (the same detector rule, or a model
// finding of one category) wherever it shows up — three agents' exhausted
// retries, thirteen tools' schema violations — each finding still standing on
// its own evidence underneath. A view over ranked findings: it changes no
// finding, count or rank.
import type { Finding, Severity } from './schema.ts';

export interface Problem {
  /** The kind of failure the findings share. */
  key: string;
  title: string;
  /** The most severe of its findings. */
  severity: Severity;
  /** Its findings' ranks, best first. */
  ranks: number[];
  /** Runs affected by any of its findings (distinct trace ids). */
  traces: number;
  /** What the findings are about: their components (an agent, a tool, a model). */
  components: string[];
}

/** Kinds of detector finding and how a problem of that kind is named. */
const KINDS: [test: (f: Finding) => boolean, key: string, title: string][] = [
  [(f) => f.key.signature === 'retry_exhausted', 'retry_exhausted', 'Calls that keep failing and never succeed'],
  [(f) => f.key.signature === 'rate_limit_retry', 'rate_limit_retry', 'Rate-limited calls that succeed on a later attempt'],
  [(f) => f.key.signature === 'error:provider_capacity', 'provider_capacity', 'Model provider capacity errors'],
  [(f) => f.key.signature === 'invalid_json_arguments', 'invalid_json_arguments', 'Tool arguments that are not valid JSON'],
  [(f) => f.key.signature.startsWith('schema_violation:'), 'schema_violation', "Tool arguments that break the tool's declared schema"],
  [(f) => f.key.signature.startsWith('argument_shape:'), 'argument_shape', 'Argument shapes whose calls fail far more often'],
  [(f) => f.key.signature === 'unknown_tool', 'unknown_tool', 'Calls to tools that were not offered'],
  [(f) => f.key.signature === 'silent_error', 'silent_error', 'Tool results that are errors but are not marked as errors'],
  [(f) => f.key.signature === 'ignored_error', 'ignored_error', 'Failed tool calls the run answers past without a word'],
  [(f) => f.key.signature === 'repeated_identical_call', 'repeated_identical_call', 'Identical successful calls sent again'],
  [(f) => f.key.signature === 'tool_call_loop', 'tool_call_loop', 'Loops of the same tool calls'],
  [(f) => f.key.signature === 'repeated_step', 'repeated_step', 'Failed steps re-sent nearly unchanged'],
  [(f) => f.key.signature.startsWith('consistency:'), 'consistency', 'Tasks that pass on some trials and fail on others'],
  [(f) => f.key.signature === 'output_format', 'output_format', "Model output the framework could not parse"],
  [(f) => f.key.signature === 'string_as_list', 'string_as_list', 'Strings walked one character at a time'],
  [(f) => f.key.signature.startsWith('outlier:'), 'outlier', 'Runs far outside their agent’s usual steps, cost or time'],
  [(f) => f.key.signature.startsWith('outcome:'), 'outcome', 'Failed runs'],
  [(f) => f.source === 'detector:error-signatures' && recoveredEach(f), 'recovered_error', 'Errors whose next call ran without error each time'],
  [(f) => f.source === 'detector:error-signatures', 'error', 'Errors that recur across runs'],
];

const SEVERITY: Severity[] = ['low', 'medium', 'high', 'critical'];

function kindOf(f: Finding): [string, string] {
  for (const [test, key, title] of KINDS) if (test(f)) return [key, title];
  // Model findings and any other source: one problem per category.
  return [`category:${f.category}`, CATEGORY_TITLES[f.category] ?? f.category];
}

const CATEGORY_TITLES: Record<string, string> = {
  outcome: 'Failed runs',
  tool_selection: 'Wrong tools chosen',
  tool_arguments: 'Bad tool arguments',
  trajectory: 'Wasted or looping steps',
  errors_recovery: 'Errors and how the agent recovers',
  cost: 'Cost',
  latency: 'Latency',
  consistency: 'Inconsistent results across trials',
  other: 'Other findings',
};

/** Findings grouped into problems, ordered by their best-ranked finding. */
export function groupProblems(findings: Finding[]): Problem[] {
  const groups = new Map<string, { title: string; findings: Finding[] }>();
  for (const f of findings) {
    const [key, title] = kindOf(f);
    const g = groups.get(key);
    if (g) g.findings.push(f);
    else groups.set(key, { title, findings: [f] });
  }
  const out: Problem[] = [];
  for (const [key, g] of groups) {
    const ids = new Set<string>();
    for (const f of g.findings) for (const id of affected(f)) ids.add(id);
    out.push({
      key,
      title: g.title,
      severity: g.findings.reduce<Severity>((s, f) => (SEVERITY.indexOf(f.severity) > SEVERITY.indexOf(s) ? f.severity : s), 'low'),
      ranks: g.findings.map((f) => f.rank).sort((a, b) => a - b),
      traces: ids.size,
      components: [...new Set(g.findings.map((f) => f.key.component.replace(/^(agent|tool|model|span):/, '')))],
    });
  }
  return out.sort((a, b) => a.ranks[0]! - b.ranks[0]!);
}

/** An error finding whose every occurrence was followed by a call that worked (the detector's own count). */
function recoveredEach(f: Finding): boolean {
  const d = f.data as { recovered?: unknown; spans?: unknown } | undefined;
  return typeof d?.recovered === 'number' && d.recovered > 0 && d.recovered === d.spans;
}

function affected(f: Finding): string[] {
  const ids = (f.data as { traceIds?: unknown } | undefined)?.traceIds;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : f.evidence.map((e) => e.traceId);
}
