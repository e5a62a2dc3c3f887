// What `halo eval` scores: a findings.json (each finding's affected runs,
// evidence and recorded occurrences) or a diagnoses.jsonl (one DiagnosisLine
// per run, in the order written).
import { readFileSync } from 'node:fs';
import { FindingsFile } from '../findings/schema.ts';
import { DiagnosisLine } from './labels.ts';
import { LabelError, issue, parseJsonLines } from './read-labels.ts';
import type { Claim, Prediction } from './score.ts';

function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : [];
}

/** `data.occurrences`: every span a detector attributes the failure to (any `role`: where it happened, where the model received it, the step a repeat copies, the turn whose request failed). */
function occurrences(x: unknown): Claim[] {
  if (!Array.isArray(x)) return [];
  const out: Claim[] = [];
  for (const o of x) {
    const r = o as { traceId?: unknown; spanId?: unknown };
    if (r && typeof r.traceId === 'string') out.push({ traceId: r.traceId, ...(typeof r.spanId === 'string' ? { spanId: r.spanId } : {}) });
  }
  return out;
}

export function readPredictions(path: string): Prediction[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LabelError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (/\.(jsonl|ndjson)$/.test(path)) {
    return parseJsonLines(path, text, DiagnosisLine, 'a diagnosis line').map(({ data }, i) => {
      const { reason: _r, category, ...claim } = data;
      return { id: `D${i + 1}`, title: category ?? 'diagnosis', rank: i + 1, affected: new Set([data.traceId]), claims: [claim] };
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LabelError(`${path}: not JSON (${(e as Error).message})`);
  }
  const file = FindingsFile.safeParse(raw);
  if (!file.success) {
    throw new LabelError(`${path}: not a findings.json (${issue(file.error)})`);
  }
  return file.data.findings.map((f) => {
    const agent = f.key.component.startsWith('agent:') ? f.key.component.slice(6) : undefined;
    const claims: Claim[] = [
      ...f.evidence.map((e) => ({ traceId: e.traceId, ...(e.spanId ? { spanId: e.spanId } : {}) })),
      ...occurrences(f.data?.occurrences),
    ].map((c) => (agent && agent !== 'unknown' ? { ...c, agent } : c));
    return {
      id: f.id,
      title: f.title,
      category: f.category,
      rank: f.rank,
      affected: new Set([...strings(f.data?.traceIds), ...f.evidence.map((e) => e.traceId)]),
      claims,
    };
  });
}
