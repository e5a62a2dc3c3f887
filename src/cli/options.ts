// Commander options generated from the option definitions (src/config/options.ts):
// flag, help text with its default, choices; and reading back what the user
// typed, converted and checked by the same definitions.
import { Option, type Command } from 'commander';
import { z } from 'zod';
import type { OptionDef } from '../config/options.ts';
import { HaloError, UsageError } from '../errors.ts';

type Defs = Record<string, OptionDef>;

function shownDefault(d: OptionDef): string | null {
  if (d.defaultHelp) return d.defaultHelp;
  if (d.default === undefined || typeof d.default === 'boolean') return null;
  return Array.isArray(d.default) ? d.default.join(',') : String(d.default);
}

/** The help line of an option: its text and, when it has one, its default. */
export function helpText(d: OptionDef): string {
  const shown = shownDefault(d);
  if (shown !== null) return `${d.help} (default: ${shown})`;
  // A boolean on by default: the positive flag says so; a `--no-…` flag needs no default.
  return d.default === true && !d.flag?.includes('--no-') ? `${d.help} (default)` : d.help;
}

function choicesOf(d: OptionDef): readonly string[] | undefined {
  return d.value instanceof z.ZodEnum ? (d.value.options as string[]) : undefined;
}

/** Adds the options `keys` of `defs` that have a flag, in that order, to `cmd`. */
export function addOptions(cmd: Command, defs: Defs, keys: readonly string[]): Command {
  for (const key of keys) {
    const d = defs[key];
    if (!d) throw new Error(`no option definition "${key}"`);
    if (!d.flag) continue;
    const o = new Option(d.flag, helpText(d));
    const choices = choicesOf(d);
    if (choices && !d.fromText) o.choices([...choices]);
    if (d.fromTexts) o.argParser((v: string, previous: string[] | undefined) => [...(previous ?? []), v]);
    cmd.addOption(o);
    if (d.negate) cmd.addOption(new Option(`--no-${o.long!.slice(2)}`, d.negate));
  }
  return cmd;
}

/** Option name → commander's attribute for its flag (`formats` → `format`). */
export function attributeOf(d: OptionDef): string | null {
  return d.flag ? new Option(d.flag).attributeName() : null;
}

/** `--max-turns` for `maxTurns`: how messages name an option. */
export function flagName(d: OptionDef): string {
  return new Option(d.flag!).long ?? d.flag!;
}

function toNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`"${text}" is not a number`);
  return n;
}

/** Converts and checks one flag's raw commander value; errors name the flag. */
export function valueFromFlag(d: OptionDef, raw: unknown): unknown {
  const name = flagName(d);
  const named = (message: string) => new UsageError(message.startsWith(name) ? message : `${name}: ${message}`, { code: 'options.invalid' });
  let value: unknown;
  try {
    if (d.fromTexts) value = d.fromTexts(raw as string[]);
    else if (typeof raw !== 'string') value = raw;
    else if (d.fromText) value = d.fromText(raw);
    else value = d.value instanceof z.ZodNumber ? toNumber(raw) : raw;
  } catch (err) {
    if (HaloError.isInstance(err) && err.kind === 'usage') throw named(err.message);
    throw err;
  }
  const parsed = d.value.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const got = typeof raw === 'string' ? ` (got "${raw}")` : '';
    throw named(/"/.test(issue.message) ? issue.message : `${issue.message}${got}`);
  }
  return parsed.data;
}

/**
 * The options the user typed on the command line, converted and checked, by
 * option name. Defaults are not included: the caller puts these over the
 * config file and the definitions' defaults.
 */
export function readFlags<T extends Defs>(cmd: Command, defs: T): Partial<Record<keyof T, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, d] of Object.entries(defs)) {
    const attr = attributeOf(d);
    if (!attr || cmd.getOptionValueSource(attr) !== 'cli') continue;
    out[key] = valueFromFlag(d, cmd.getOptionValue(attr));
  }
  return out as Partial<Record<keyof T, unknown>>;
}
