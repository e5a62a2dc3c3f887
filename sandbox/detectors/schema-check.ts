// A small JSON Schema checker for tool arguments: type, required, enum,
// properties, additionalProperties: false, items. Enough to catch what models
// get wrong (missing fields, wrong types, invented enum values) without a
// full validator inside the isolate.

export interface Violation {
  kind: 'missing' | 'type' | 'enum' | 'unexpected';
  /** Dotted path of the field, `[]` for array items. */
  path: string;
  /** The field's own name (last path segment), for finding it in the raw text. */
  field: string;
  expected?: string;
  actual?: unknown;
}

export function checkSchema(value: unknown, schema: unknown, path = '', out: Violation[] = [], depth = 0): Violation[] {
  if (!schema || typeof schema !== 'object' || depth > 12) return out;
  const s = schema as Record<string, unknown>;
  const field = path.split('.').pop()!.replace(/\[\]$/, '');
  const types = asList(s.type).filter((x): x is string => typeof x === 'string');
  // OpenAPI-style schemas mark optional-null with `nullable` instead of a "null" type.
  if (value === null && s.nullable === true) return out;
  if (types.length && !types.some((ty) => hasType(value, ty))) {
    out.push({ kind: 'type', path, field, expected: types.join('|'), actual: typeName(value) });
    return out;
  }
  const allowed = asList(s.enum);
  if (s.enum !== undefined && !allowed.some((a) => same(a, value))) {
    out.push({ kind: 'enum', path, field, expected: allowed.map((a) => JSON.stringify(a)).join(', '), actual: value });
    return out;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = s.properties && typeof s.properties === 'object' ? (s.properties as Record<string, unknown>) : {};
    for (const r of asList(s.required)) {
      if (typeof r === 'string' && (obj[r] === undefined)) out.push({ kind: 'missing', path: join(path, r), field: r });
    }
    for (const k of Object.keys(obj)) {
      if (k in props) checkSchema(obj[k], props[k], join(path, k), out, depth + 1);
      else if (s.additionalProperties === false) out.push({ kind: 'unexpected', path: join(path, k), field: k });
    }
  } else if (Array.isArray(value) && s.items && typeof s.items === 'object') {
    for (const item of value) checkSchema(item, s.items, `${path}[]`, out, depth + 1);
  }
  return out;
}

/** Schemas that went through attribute flattening carry arrays as {"0":…,"1":…}. */
function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  if (typeof v === 'object') {
    const keys = Object.keys(v as object);
    if (keys.length && keys.every((k) => /^\d+$/.test(k))) return keys.map((k) => (v as Record<string, unknown>)[k]);
    return [];
  }
  return [v];
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
    case 'null': return v === null;
    case 'array': return Array.isArray(v);
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    default: return true;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
