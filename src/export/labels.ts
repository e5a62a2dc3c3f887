// Severity → labels and priority, with per-run overrides from --label-map /
// --priority-map ("critical=P0,high=P1" or JSON).
import type { Finding, Severity } from '../findings/schema.ts';
import { Severity as SeveritySchema } from '../findings/schema.ts';
import type { Mapping } from './types.ts';

export const MARKER_LABEL = 'halo';

export function labelsFor(f: Finding, m: Mapping, defaults: Partial<Record<Severity, string[]>> = {}): string[] {
  const mapped = m.labelMap?.[f.severity] ?? defaults[f.severity] ?? [];
  return [...new Set([MARKER_LABEL, ...(m.labels ?? []), ...mapped])];
}

export function priorityFor<T extends string | number>(f: Finding, m: Mapping, defaults: Record<Severity, T>): T | string | number | undefined {
  return m.priorityMap?.[f.severity] ?? defaults[f.severity];
}

/** Parse "critical=P0,high=P1" (labels may be joined with "+": "high=bug+urgent") or a JSON object. */
export function parseSeverityMap(spec: string, what: string): Partial<Record<Severity, string[]>> {
  const out: Partial<Record<Severity, string[]>> = {};
  const trimmed = spec.trim();
  const entries: Array<[string, unknown]> = trimmed.startsWith('{')
    ? Object.entries(JSON.parse(trimmed) as Record<string, unknown>)
    : trimmed.split(',').filter(Boolean).map((p) => {
        const eq = p.indexOf('=');
        if (eq < 1) throw new Error(`${what}: expected severity=value, got "${p}"`);
        return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
      });
  for (const [k, v] of entries) {
    const sev = SeveritySchema.safeParse(k);
    if (!sev.success) throw new Error(`${what}: unknown severity "${k}" (expected one of ${SeveritySchema.options.join(', ')})`);
    const values = Array.isArray(v) ? v.map(String) : String(v).split('+').map((s) => s.trim()).filter(Boolean);
    out[sev.data] = values;
  }
  return out;
}
