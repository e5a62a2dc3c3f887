// Problems: the report leads with a short list of kinds of failure, each
// pointing at its findings, without changing a finding, a count or a rank.
import { describe, expect, it } from 'vitest';
import { groupProblems } from '../src/findings/problems.ts';
import { buildFindingsFile } from '../src/report/json.ts';
import { renderMarkdownReport } from '../src/report/markdown.ts';
import type { Finding } from '../src/findings/schema.ts';
import { finding } from './helpers/findings-runs.ts';

const make = (rank: number, component: string, signature: string, ids: string[], extra: Partial<Finding> = {}): Finding => ({
  ...finding('A', ids.length, rank),
  id: `f${rank}`,
  fingerprint: rank.toString(16).padStart(16, '0'),
  title: `${component}: ${signature}`,
  key: { component, signature },
  source: 'detector:test',
  data: { traceIds: ids },
  ...extra,
});

describe('groupProblems', () => {
  const findings = [
    make(1, 'model:gpt-4o', 'retry_exhausted', ['a', 'b'], { severity: 'critical' }),
    make(2, 'tool:refund', 'schema_violation:missing:reason', ['c'], { severity: 'medium' }),
    make(3, 'model:claude', 'retry_exhausted', ['b', 'd'], { severity: 'high' }),
    make(4, 'tool:search', 'schema_violation:enum:category', ['e'], { severity: 'low' }),
    make(5, 'tool:search', 'error:TimeoutError', ['f'], { source: 'detector:error-signatures', severity: 'low', data: { traceIds: ['f'], spans: 2, recovered: 2 } }),
    make(6, 'tool:pay', 'error:PaymentError', ['g'], { source: 'detector:error-signatures', severity: 'low', data: { traceIds: ['g'], spans: 2, recovered: 1 } }),
  ];

  it('groups one kind of failure across agents, tools and models, counting distinct runs, ordered by the best rank', () => {
    const problems = groupProblems(findings);
    expect(problems.map((p) => [p.key, p.ranks, p.traces, p.severity])).toEqual([
      ['retry_exhausted', [1, 3], 3, 'critical'],
      ['schema_violation', [2, 4], 2, 'medium'],
      ['recovered_error', [5], 1, 'low'],
      ['error', [6], 1, 'low'],
    ]);
    expect(problems[0]!.components).toEqual(['gpt-4o', 'claude']);
  });

  it('argument shapes of different tools are one problem, apart from schema violations and model findings on arguments', () => {
    const problems = groupProblems([
      make(1, 'tool:Search', 'argument_shape:entity:quoted', ['a', 'b'], { category: 'tool_arguments' }),
      make(2, 'tool:refund', 'schema_violation:missing:reason', ['c'], { category: 'tool_arguments' }),
      make(3, 'tool:find', 'argument_shape:genre:kind:text', ['b', 'd'], { category: 'tool_arguments' }),
      make(4, 'agent:A', 'model finding', ['e'], { category: 'tool_arguments', source: 'model' }),
    ]);
    expect(problems.map((p) => [p.key, p.ranks, p.traces])).toEqual([
      ['argument_shape', [1, 3], 3],
      ['schema_violation', [2], 1],
      ['category:tool_arguments', [4], 1],
    ]);
    expect(problems[0]!.title).toBe('Argument shapes whose calls fail far more often');
  });

  it('leads report.md with at most ten problems, each linking to its findings, and leaves the findings as they were', () => {
    const many = Array.from({ length: 14 }, (_, i) => make(i + 1, `tool:t${i}`, ['retry_exhausted', 'unknown_tool', 'silent_error', 'tool_call_loop', 'repeated_identical_call', 'ignored_error', 'invalid_json_arguments', 'rate_limit_retry', 'string_as_list', 'output_format', 'repeated_step', 'consistency:pass_k', 'outlier:cost', 'schema_violation:missing:x'][i]!, [`r${i}`]));
    const md = renderMarkdownReport(buildFindingsFile({ run: { id: 'r', startedAt: 'x', finishedAt: 'x', engineVersion: '0', mode: 'offline', partial: false, options: {} }, dataset: {}, summary: '', verification: { submitted: 14, kept: 14, droppedFindings: 0, droppedEvidence: 0, merged: 0 }, findings: many }));
    const section = md.slice(md.indexOf('## Top problems'), md.indexOf('## Findings'));
    expect(section).toContain('## Top problems (10 of 14)');
    expect(section.match(/^\d+\. \*\*/gm)).toHaveLength(10);
    expect(section).toContain('[#1](#1-toolt0-retry_exhausted)');
    expect(section).toMatch(/^Also: .*\[#14\]/m);
    expect(md).toContain('## Findings (14)');
  });
});
