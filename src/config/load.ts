// Finds, reads and validates halo.config.json. Errors name the file and the
// path of the bad field, e.g. `halo.config.json: schedules[1].cron: ...`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Cron } from 'croner';
import type { z } from 'zod';
import { HaloConfig } from './schema.ts';
import { RENAMED_BUDGET_KEYS } from './options.ts';
import { UsageError } from '../errors.ts';

export const DEFAULT_CONFIG_FILE = 'halo.config.json';

export class ConfigError extends UsageError {
  constructor(message: string) {
    super(message, { code: 'config.invalid' });
    this.name = 'ConfigError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function describeIssues(file: string, issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const extra = i.code === 'unrecognized_keys' ? ` (${(i as { keys: string[] }).keys.join(', ')})` : '';
      // zod's words for a missing required key ("expected nonoptional, received undefined") mean nothing to a user.
      const missing = i.code === 'invalid_type' && (i as { expected?: string }).expected === 'nonoptional';
      return `${file}: ${formatPath(i.path)}: ${missing ? 'is required' : i.message}${extra}`;
    })
    .join('\n');
}

/** Line and column of a JSON syntax error, from the parser's byte position. */
function locate(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `:${line}:${col}`;
}

/**
 * Renames keys an older halo.config.json may hold (budgets.maxWallSeconds →
 * budgets.maxWall) in place, with one warning each.
 */
function renameOldKeys(raw: unknown, file: string, warnings: string[]): void {
  if (typeof raw !== 'object' || raw === null) return;
  const root = raw as Record<string, unknown>;
  const sections: Array<[string, unknown]> = [['budgets', root.budgets]];
  if (Array.isArray(root.schedules)) root.schedules.forEach((s, i) => sections.push([`schedules[${i}].budgets`, (s as Record<string, unknown> | null)?.budgets]));
  for (const [where, section] of sections) {
    if (typeof section !== 'object' || section === null) continue;
    const b = section as Record<string, unknown>;
    for (const [old, { to, convert }] of Object.entries(RENAMED_BUDGET_KEYS)) {
      if (!(old in b)) continue;
      const v = b[old];
      if (typeof v !== 'number' || !(v > 0)) throw new ConfigError(`${file}: ${where}.${old}: expected a positive number of seconds (better: "${to}": "90s")`);
      if (to in b) throw new ConfigError(`${file}: ${where}: both "${old}" and "${to}" are set; keep "${to}"`);
      b[to] = convert(v);
      delete b[old];
      warnings.push(`${file}: ${where}.${old} is deprecated; use "${to}": "${convert(v)}"`);
    }
  }
}

/** Reads halo.config.json's text; deprecation notices go to `warnings`. */
export function parseConfig(text: string, file = DEFAULT_CONFIG_FILE, warnings: string[] = []): HaloConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    throw new ConfigError(`${file}${locate(text, msg)}: invalid JSON: ${msg}`);
  }
  renameOldKeys(raw, file, warnings);
  const parsed = HaloConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(file, parsed.error.issues));
  const config = parsed.data;
  const names = new Set<string>();
  config.schedules?.forEach((s, i) => {
    if (names.has(s.name)) throw new ConfigError(`${file}: schedules[${i}].name: duplicate schedule name "${s.name}"`);
    names.add(s.name);
    try {
      new Cron(s.cron, { paused: true, timezone: s.timezone });
    } catch (err) {
      throw new ConfigError(`${file}: schedules[${i}].cron: invalid cron expression "${s.cron}": ${(err as Error).message}`);
    }
    for (const [j, name] of (s.signals ?? []).entries()) {
      if (!config.signals?.some((g) => g.name === name)) throw new ConfigError(`${file}: schedules[${i}].signals[${j}]: no signal named "${name}" under signals`);
    }
    for (const [j, target] of (s.export ?? []).entries()) {
      if (!config.exports?.[target]) {
        throw new ConfigError(`${file}: schedules[${i}].export[${j}]: "${target}" has no settings under exports.${target}`);
      }
    }
  });
  return config;
}

/**
 * Loads the config: an explicit path must exist; otherwise ./halo.config.json
 * is used when present and an empty config when not.
 */
export function loadConfig(path?: string): { config: HaloConfig; file: string | null; warnings: string[] } {
  const file = resolve(path ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (path) throw new ConfigError(`config file not found: ${path}`);
    return { config: {}, file: null, warnings: [] };
  }
  const warnings: string[] = [];
  const config = parseConfig(readFileSync(file, 'utf8'), path ?? DEFAULT_CONFIG_FILE, warnings);
  return { config: withPathsFrom(config, dirname(file)), file, warnings };
}

/**
 * Input and outcome paths written in a config file are relative to the
 * file's folder, not to wherever halo runs: a config works from any directory.
 */
function withPathsFrom(config: HaloConfig, dir: string): HaloConfig {
  const at = (list: string[] | undefined) => list?.map((p) => (p === '-' || isAbsolute(p) ? p : resolve(dir, p)));
  const out: HaloConfig = { ...config };
  if (config.inputs) out.inputs = at(config.inputs)!;
  if (config.outcomes) out.outcomes = at(config.outcomes)!;
  if (config.schedules) out.schedules = config.schedules.map((s) => (s.inputs ? { ...s, inputs: at(s.inputs)! } : s));
  return out;
}
