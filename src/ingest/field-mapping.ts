// The escape hatch for flat records from an exporter Halo has never seen: a
// mapping from canonical span fields to the record's own keys
// (`--field startTime=ts --field traceId=trace`, or `fields` in
// halo.config.json). Mapped records are read as flat spans; every key the
// mapping does not name stays in attributes.
//
// Also here: what an unrecognized record lacks, and which of its keys look
// closest, so the error message can say how to map it.
import type { NormalizedRecord } from '../types.ts';
import { UsageError } from '../errors.ts';
import { RecordError, kindFromWord, type InputFormat } from './formats/common.ts';
import { normalizeFlatSpan } from './formats/otel.ts';
import { flattenInto, isObject, isoDurationMs, num, setKey, str, toMs } from './values.ts';
import { DEFAULT_KEYS, REQUIRED, describeMissing } from './missing-fields.ts';

type Dict = Record<string, unknown>;

/** Canonical fields a mapping may name, and what each means. */
export const MAPPABLE_FIELDS = {
  traceId: 'trace id (groups spans into traces)',
  spanId: 'span id',
  parentId: 'parent span id (empty = root)',
  name: 'span name',
  startTime: 'start time (ISO, or epoch s/ms/µs/ns)',
  endTime: 'end time',
  durationMs: 'duration in ms (when there is no end time)',
  status: 'status (ok/error/unset, OTel codes, or a boolean "failed")',
  statusMessage: 'status or error message',
  kind: 'span kind (llm, tool, agent, chain, ...)',
  model: 'model name',
  input: 'input',
  output: 'output',
  toolName: 'tool name',
  attributes: 'an object of attributes',
} as const;
export type MappableField = keyof typeof MAPPABLE_FIELDS;
export type FieldMapping = Partial<Record<MappableField, string>>;


/** A mapping that names an unknown canonical field or an empty key (a usage error, exit 2). */
export class FieldMappingError extends UsageError {
  constructor(message: string) {
    super(message, { code: 'fields.bad_mapping' });
    this.name = 'FieldMappingError';
  }
}

/** `['startTime=ts', 'traceId=trace']` → a mapping; throws FieldMappingError naming the bad entry. */
export function parseFieldOptions(entries: readonly string[]): FieldMapping {
  const out: FieldMapping = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    const field = eq > 0 ? e.slice(0, eq).trim() : '';
    const key = eq > 0 ? e.slice(eq + 1).trim() : '';
    if (field === '' || key === '') throw new FieldMappingError(`--field ${e}: expected <canonical field>=<source key>, e.g. startTime=ts`);
    checkField(field, `--field ${e}`);
    out[field as MappableField] = key;
  }
  return out;
}

/** Validates a mapping from a config file or the API; returns it typed. */
export function checkFieldMapping(m: Record<string, string>, where = 'fields'): FieldMapping {
  for (const [field, key] of Object.entries(m)) {
    checkField(field, `${where}.${field}`);
    if (typeof key !== 'string' || key === '') throw new FieldMappingError(`${where}.${field}: the source key must be a non-empty string`);
  }
  return m as FieldMapping;
}

function checkField(field: string, where: string): void {
  if (!Object.prototype.hasOwnProperty.call(MAPPABLE_FIELDS, field)) {
    throw new FieldMappingError(`${where}: unknown canonical field "${field}"; one of ${Object.keys(MAPPABLE_FIELDS).join(', ')}`);
  }
}

/** A key, or a dotted path into nested objects (`context.trace`). */
function lookup(r: Dict, key: string): unknown {
  if (key in r) return r[key];
  let cur: unknown = r;
  for (const part of key.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** The input format a mapping defines; it is asked before every other format. */
export function mappedFormat(mapping: FieldMapping): InputFormat {
  const entries = Object.entries(mapping) as [MappableField, string][];
  const sources = new Set(entries.map(([, k]) => k.split('.')[0]!));
  return {
    name: 'mapped',
    // A record is mapped when it holds any key the mapping names.
    sniff: (r) => {
      for (const k of sources) if (k in r) return true;
      return false;
    },
    normalize: (r): NormalizedRecord => ({ format: 'mapped', spans: normalizeFlatSpan(toFlatSpan(r, mapping)) }),
  };
}

function pick(r: Dict, mapping: FieldMapping, field: MappableField): unknown {
  const k = mapping[field];
  if (k !== undefined) return lookup(r, k);
  if (field === 'traceId' || field === 'spanId' || field === 'startTime') {
    for (const d of DEFAULT_KEYS[field]) if (r[d] !== undefined) return r[d];
  }
  return undefined;
}

function toFlatSpan(r: Dict, mapping: FieldMapping): Dict {
  const missing: MappableField[] = [];
  for (const f of REQUIRED) {
    const v = pick(r, mapping, f);
    if (v === undefined || v === null || v === '') missing.push(f);
  }
  if (missing.length > 0) throw new RecordError(`mapped record: ${describeMissing(r, missing)}`);
  const attrs: Dict = {};
  const own = pick(r, mapping, 'attributes');
  if (isObject(own)) flattenInto(attrs, '', own);
  // Every source key stays too (the mapped ones included): nothing is dropped.
  for (const k in r) if (k !== mapping.attributes) flattenInto(attrs, k, r[k]);
  const start = pick(r, mapping, 'startTime');
  let end = pick(r, mapping, 'endTime');
  if (end === undefined) {
    const d = pick(r, mapping, 'durationMs');
    const ms = typeof d === 'string' && d.startsWith('P') ? isoDurationMs(d) : num(d);
    const s = toMs(start);
    if (ms !== null && s !== null) end = s + ms;
  }
  const model = str(pick(r, mapping, 'model'));
  if (model !== null) setKey(attrs, 'llm.model_name', model);
  const input = pick(r, mapping, 'input');
  if (input !== undefined) setKey(attrs, 'input.value', typeof input === 'string' ? input : JSON.stringify(input));
  const output = pick(r, mapping, 'output');
  if (output !== undefined) setKey(attrs, 'output.value', typeof output === 'string' ? output : JSON.stringify(output));
  const tool = str(pick(r, mapping, 'toolName'));
  if (tool !== null) setKey(attrs, 'tool.name', tool);
  const kind = kindFromWord(pick(r, mapping, 'kind'));
  if (kind !== null) setKey(attrs, 'openinference.span.kind', kind.toUpperCase());
  const status = pick(r, mapping, 'status');
  return {
    trace_id: pick(r, mapping, 'traceId'),
    span_id: pick(r, mapping, 'spanId'),
    parent_span_id: pick(r, mapping, 'parentId') ?? null,
    name: pick(r, mapping, 'name'),
    start_time: typeof start === 'number' || typeof start === 'string' ? start : String(start),
    end_time: end,
    status: { code: status === true ? 'ERROR' : status === false ? 'OK' : status, message: pick(r, mapping, 'statusMessage') },
    attributes: attrs,
  };
}
