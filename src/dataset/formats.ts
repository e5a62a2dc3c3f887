// The same cases for the tools teams gate fixes with: JSONL (OpenAI evals'
// `input`/`ideal`, and every Halo field), a promptfoo test file, Langfuse
// dataset-item bodies and Braintrust dataset rows. Each keeps the case id and
// the run ids, so a result traces back to the runs that showed the failure.
import type { EvalCase } from './case.ts';

export const DATASET_FORMATS = ['jsonl', 'promptfoo', 'langfuse', 'braintrust'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** File name of each format beside the dataset `cases.jsonl`: cases.promptfoo.yaml, cases.langfuse.jsonl, … */
export function formatPath(out: string, format: DatasetFormat): string {
  if (format === 'jsonl') return out;
  const base = out.replace(/\.jsonl$/i, '');
  return format === 'promptfoo' ? `${base}.promptfoo.yaml` : `${base}.${format}.jsonl`;
}

const lines = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

const metadata = (c: EvalCase) => ({
  haloCase: c.id,
  kind: c.kind,
  agent: c.agent,
  findings: c.findings.map((f) => f.fingerprint),
  findingTitles: c.findings.map((f) => f.title),
  runIds: c.runIds,
  observed: c.observed,
  reason: c.reason,
  addedIn: c.addedIn,
});

const textOf = (c: EvalCase, role: 'system' | 'user') => c.input.find((m) => m.role === role)?.content ?? '';

/**
 * YAML in block style; every string is double-quoted with JSON's escapes,
 * which YAML reads the same way, so no text from a trace can change the
 * document's structure.
 */
export function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return value.map((v) => `${indent}- ${toYaml(v, `${indent}  `).replace(/^\s+/, '')}`).join('\n');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (!entries.length) return '{}';
    return entries
      .map(([k, v]) => {
        const key = /^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k);
        const nested = (Array.isArray(v) && v.length) || (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length);
        return nested ? `${indent}${key}:\n${toYaml(v, `${indent}  `)}` : `${indent}${key}: ${toYaml(v, `${indent}  `)}`;
      })
      .join('\n');
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  return String(value);
}

export function renderCases(cases: EvalCase[], format: DatasetFormat, opts: { datasetName: string }): string {
  switch (format) {
    case 'jsonl':
      return lines(cases);
    case 'promptfoo':
      return (
        '# Eval cases from Halo findings (halo dataset). In promptfooconfig.yaml: tests: file://<this file>\n' +
        '# vars.system / vars.user are the run\'s inputs; the rubric is the behaviour the fix should produce.\n' +
        toYaml(
          cases.map((c) => ({
            description: `${c.id}: ${c.findings.map((f) => f.title).join('; ')}`.slice(0, 300),
            vars: { system: textOf(c, 'system'), user: textOf(c, 'user') },
            assert: [{ type: 'llm-rubric', value: c.ideal }],
            metadata: metadata(c),
          })),
        ) +
        '\n'
      );
    case 'langfuse':
      // Bodies for POST /api/public/dataset-items (the id makes a re-import update, not duplicate).
      return lines(
        cases.map((c) => ({
          datasetName: opts.datasetName,
          id: c.id,
          input: { messages: c.input, tools: c.tools },
          expectedOutput: c.ideal,
          metadata: metadata(c),
          sourceTraceId: c.runIds[0],
        })),
      );
    case 'braintrust':
      // Rows for a Braintrust dataset (SDK dataset.insert or the API's insert events); the id keeps re-imports idempotent.
      return lines(cases.map((c) => ({ id: c.id, input: { messages: c.input, tools: c.tools }, expected: c.ideal, metadata: metadata(c), tags: [c.kind, ...c.findings.map((f) => f.category)] })));
  }
}
