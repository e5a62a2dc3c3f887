// JSONL files Halo reads back (run logs, eval datasets): each non-blank line
// parsed and checked, a bad one reported with its file and line number.
import type { z } from 'zod';
import { InputError } from './errors.ts';

/** Each line through `schema`; `what` names the expected thing in messages ("a Halo run-log event"); `hint` ends them. */
export function parseJsonLines<T>(text: string, file: string, schema: z.ZodType<T>, what: string, opts: { code?: string; hint?: string } = {}): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  const fail = (i: number, why: string) => new InputError(`${file}:${i + 1}: ${why}${opts.hint ? `; ${opts.hint}` : ''}`, opts.code ? { code: opts.code } : {});
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw fail(i, `not a JSON line (${(err as Error).message})`);
    }
    const r = schema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw fail(i, `not ${what} (${issue.path.join('.') || 'line'}: ${issue.message})`);
    }
    out.push(r.data);
  }
  return out;
}
