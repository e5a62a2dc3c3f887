// Which format a parsed record is in, from its shape alone. Per record, so a
// file may mix formats. Each format module owns its sniff (formats/index.ts
// lists them in order); this only asks them.
import type { SourceFormat } from '../types.ts';
import { FORMATS, type InputFormat } from './formats/index.ts';
import { isObject } from './values.ts';

export function sniffInputFormat(record: unknown): InputFormat | null {
  if (!isObject(record)) return null;
  for (let i = 0; i < FORMATS.length; i++) if (FORMATS[i]!.sniff(record)) return FORMATS[i]!;
  return null;
}

export function sniffFormat(record: unknown): SourceFormat | null {
  return sniffInputFormat(record)?.name ?? null;
}
