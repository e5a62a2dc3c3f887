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
  if (format !== null) return format.normalize(record as Record<string, unknown>, pool, at);
  if (isDataWrapper(record)) return unwrapData(record.data as unknown[], pool, mapped, at);
  throw new RecordError(describeUnrecognized(record));
}

// Keys of a list envelope around the records: Langfuse's public API
// (`{data, meta}`), the Agents SDK's trace ingest batch (`{data}`), and
// OpenAI-style lists (`{object: 'list', data, has_more, first_id, last_id}`).
const WRAPPER_KEYS = new Set(['data', 'meta', 'object', 'has_more', 'first_id', 'last_id', 'next', 'cursor', 'pagination']);

function isDataWrapper(r: unknown): r is { data: unknown[] } {
  if (!isObject(r) || !Array.isArray(r.data)) return false;
  for (const k in r) if (!WRAPPER_KEYS.has(k)) return false;
  return true;
}

/** Each element of a `{data: [...]}` envelope, normalized as a record of its own. */
function unwrapData(list: unknown[], pool: StringPool | undefined, mapped: InputFormat | undefined, at: RecordSource | undefined): NormalizedRecord {
  const out: NormalizedRecord = { format: 'mapped', spans: [] };
  let format: NormalizedRecord['format'] | null = null;
  for (let i = 0; i < list.length; i++) {
    let rec: NormalizedRecord;
    try {
      rec = normalizeRecord(list[i], pool, mapped, at);
    } catch (err) {
      if (err instanceof RecordError) throw new RecordError(`data[${i}]: ${err.message}`);
      throw err;
    }
    format ??= rec.format;
    for (const s of rec.spans) out.spans.push(s);
    if (rec.traceHints !== undefined) (out.traceHints ??= []).push(...rec.traceHints);
  }
  if (format === null) throw new RecordError('an empty {data: []} list');
  out.format = format;
  return out;
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
