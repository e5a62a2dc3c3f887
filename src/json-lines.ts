// JSON and JSONL files Halo reads back (run logs, eval datasets, state files):
// parsed and checked, a bad one reported with its file (and line) and what to do.
import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InputError } from './errors.ts';

/**
 * A state file Halo wrote, through `schema`; null when there is none. A
 * damaged one is the user's to fix, never overwritten: the error names the
 * file, `what` it should be ("a mutes file") and `remedy` ("fix it or delete
 * it to unmute everything").
 */
export function readJsonFile<T>(path: string, schema: z.ZodType<T>, what: string, opts: { remedy: string; code: string }): T | null {
  if (!existsSync(path)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message}); ${opts.remedy}`, { code: opts.code });
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new InputError(`${path}: not ${what} (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unexpected shape'})`, { code: opts.code });
  }
  return parsed.data;
}

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
