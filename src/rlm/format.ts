// What the root model reads: cell results and the dataset overview, with
// untrusted text delimited and everything capped so no output, however large
// the data, can flood a prompt.
import type { CellResult } from '../sandbox/api.ts';
import { delimit } from './delimit.ts';

export function formatCell(index: number, count: number, r: CellResult, redact: (s: string) => string, outputLimit: number): string {
  const label = count > 1 ? `Cell ${index}/${count}` : 'Cell';
  const lines: string[] = [];
  if (r.ok) lines.push(`${label}: ok (${Math.round(r.durationMs)} ms)`);
  else {
    const e = r.error;
    const where = e?.line ? ` at line ${e.line}` : '';
    const kind = e?.kind === 'syntax' ? 'SyntaxError' : e?.kind === 'timeout' ? 'timed out' : e?.kind === 'memory' ? 'out of memory' : e?.kind ?? 'error';
    lines.push(`${label}: ${kind}${where}: ${e?.message ?? 'failed'}`);
  }
  if (r.restarted) {
    lines.push('The sandbox was restarted: every variable you declared is gone; `traces` and `meta` are loaded again. Recompute what you need.');
  }
  if (r.output) {
    const { text, cut } = capHeadTail(redact(r.output), outputLimit);
    lines.push(delimit('cell_output', text));
    if (r.truncated || cut) {
      lines.push(`(output was ${Math.max(r.outputLength, r.output.length).toLocaleString('en-US')} characters, cut to its head and tail: print aggregates and a few examples, not raw data)`);
    }
  } else if (r.ok && r.value === undefined) {
    lines.push('(no output: print() what you want to see)');
  }
  if (r.value !== undefined || r.valueText !== undefined) {
    const { text } = capHeadTail(redact(r.valueText ?? compactJson(r.value, 4000)), 4000);
    lines.push(`value:\n${delimit('cell_output', text)}`);
  }
  return lines.join('\n');
}

export function capHeadTail(text: string, limit: number): { text: string; cut: boolean } {
  if (text.length <= limit) return { text, cut: false };
  const head = Math.floor(limit * 0.6);
  const tail = limit - head;
  return { text: `${text.slice(0, head)}\n…[${(text.length - limit).toLocaleString('en-US')} characters cut]…\n${text.slice(-tail)}`, cut: true };
}

/**
 * The dataset overview as dense lines (one per field, one per list item) with
 * lists and strings shortened and the whole capped, so it reads well and
 * cannot grow with the dataset.
 */
export function overviewText(overview: unknown, sampleIds: string[], maxChars: number): string {
  const lines: string[] = [];
  const entries = overview && typeof overview === 'object' && !Array.isArray(overview) ? Object.entries(overview) : [['overview', overview]];
  for (const [key, value] of entries) {
    if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
      lines.push(`${key} (${value.length}${value.length > 12 ? ', first 12' : ''}):`);
      for (const item of value.slice(0, 12)) lines.push(`  ${compactJson(item, 400, false)}`);
    } else {
      lines.push(`${key}: ${compactJson(value, 600, false)}`);
    }
  }
  lines.push(`sample trace ids: ${sampleIds.join(', ')}`);
  return capHeadTail(lines.join('\n'), maxChars).text;
}

/** JSON with long arrays and strings shortened, so metadata cannot grow the prompt with the dataset. */
export function compactJson(value: unknown, maxChars: number, pretty = true): string {
  const shrink = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v;
    if (Array.isArray(v)) {
      const items = v.slice(0, 12).map((x) => shrink(x, depth + 1));
      if (v.length > 12) items.push(`…${v.length - 12} more`);
      return items;
    }
    if (v && typeof v === 'object') {
      if (depth > 5) return '{…}';
      const entries = Object.entries(v);
      const out: Record<string, unknown> = {};
      for (const [k, x] of entries.slice(0, 30)) out[k] = shrink(x, depth + 1);
      if (entries.length > 30) out['…'] = `${entries.length - 30} more keys`;
      return out;
    }
    return v;
  };
  let text: string;
  try {
    text = (pretty ? JSON.stringify(shrink(value, 0), null, 1) : JSON.stringify(shrink(value, 0))) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return capHeadTail(text, maxChars).text;
}
