// One parsed record (a JSONL line or a JSON array element) → canonical spans.
// Sniffs the format per record and hands it to that format's module; pure, so the same code runs in
// the host and inside the isolate.
import type { NormalizedRecord } from '../types.ts';
import { sniffInputFormat } from './sniff.ts';
import { RecordError } from './formats/common.ts';
import { isObject, type StringPool } from './values.ts';
import type { InputFormat, RecordSource } from './formats/common.ts';
import { unrecognizedHint } from './missing-fields.ts';

export { RecordError };

/**
 * Normalizes one record; throws RecordError with a precise reason when it is
 * unusable. With a `pool`, formats that can share long strings while decoding
 * do so (OTLP); the caller shares the rest.
 */
export function normalizeRecord(record: unknown, pool?: StringPool, mapped?: InputFormat, at?: RecordSource): NormalizedRecord {
  // A user's field mapping is asked first: it exists for records the built-in
  // formats misread or reject.
  if (mapped !== undefined && isObject(record) && mapped.sniff(record)) return mapped.normalize(record, pool, at);
  const format = sniffInputFormat(record);
  if (format === null) throw new RecordError(describeUnrecognized(record));
  return format.normalize(record as Record<string, unknown>, pool, at);
}

function describeUnrecognized(record: unknown): string {
  if (record === null) return 'unrecognized record: null';
  if (Array.isArray(record)) return `unrecognized record: an array of ${record.length} items (expected one object per record)`;
  if (!isObject(record)) return `unrecognized record: ${typeof record} (expected a JSON object)`;
  const keys = Object.keys(record);
  if (keys.length === 0) return 'unrecognized record: empty object';
  const shown = keys.slice(0, 8).map((k) => (k.length > 40 ? k.slice(0, 40) + '…' : k));
  const hint = unrecognizedHint(record);
  return `unrecognized record: object with keys ${shown.join(', ')}${keys.length > 8 ? `, … (${keys.length} keys)` : ''}${hint ? `; ${hint}` : ''}`;
}
