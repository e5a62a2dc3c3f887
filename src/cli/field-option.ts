// `--field canonical=key` (repeatable) on analyze and inspect, merged over the
// config file's `fields`; validated before any file is read.
import { checkFieldMapping, parseFieldOptions } from '../ingest/field-mapping.ts';

export function collectField(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `{fields}` to spread into load/analyze options, or nothing when no mapping is set. */
export function fieldsOption(flags: string[] | undefined, fromConfig?: Record<string, string>): { fields?: Record<string, string> } {
  const fields: Record<string, string> = { ...(fromConfig ? checkFieldMapping(fromConfig, 'halo.config.json: fields') : {}), ...parseFieldOptions(flags ?? []) };
  return Object.keys(fields).length > 0 ? { fields } : {};
}
