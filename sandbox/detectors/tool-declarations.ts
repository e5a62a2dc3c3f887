// The tools a model was offered, read from an LLM span. Sources record them
// in several shapes; all end up as {name, schema}:
//   OpenInference  llm.tools.N.tool.json_schema = '{"type":"function","function":{...}}'
//   OTel GenAI     gen_ai.request.tools / gen_ai.tool.definitions (JSON string, array, or flattened)
//   others         a `tools` attribute, llm.invocation_parameters.tools, input.tools
// Definitions themselves: OpenAI {type, function: {name, parameters}}, plain
// {name, parameters}, Anthropic {name, input_schema}, MCP {name, inputSchema}.
import type { Span } from '../../src/types.ts';
import { runMemo } from './memo.ts';

export interface ToolDeclaration {
  name: string;
  /** The JSON schema of the arguments, when declared. */
  schema: Record<string, unknown> | null;
}

const LIST_KEYS = new Set(['gen_ai.request.tools', 'gen_ai.tool.definitions', 'tools', 'llm.tools', 'request.tools', 'ai.prompt.tools']);
const FLAT = /^(gen_ai\.request\.tools|gen_ai\.tool\.definitions|tools|llm\.tools|request\.tools)\.(\d+)\.(.+)$/;

// Asked of the same model call for each tool call it emitted. The list is
// shared, so nothing may mutate it; it is read again when the span is given
// other attributes or input.
const bySpan = runMemo<Span, { attributes: unknown; input: unknown; decls: readonly ToolDeclaration[] }>();

export function declaredTools(span: Span): readonly ToolDeclaration[] {
  const had = bySpan.get(span);
  if (had && had.attributes === span.attributes && had.input === span.input) return had.decls;
  const decls = readDeclarations(span);
  bySpan.set(span, { attributes: span.attributes, input: span.input, decls });
  return decls;
}

function readDeclarations(span: Span): ToolDeclaration[] {
  const out: ToolDeclaration[] = [];
  const attrs = span.attributes ?? {};
  // Direct lookups first: LLM spans can carry hundreds of message keys, and
  // walking them all for every span dominates a large week.
  for (let i = 0; ; i++) {
    const v = attrs[oiToolKey(i)];
    if (v === undefined) break;
    if (typeof v === 'string') collectString(v, out);
    else collect(v, out);
  }
  for (const key of LIST_KEYS) {
    const v = attrs[key];
    if (typeof v === 'string') collectString(v, out);
    else if (v !== undefined) collect(v, out);
  }
  const params = attrs['llm.invocation_parameters'];
  if (params !== undefined) {
    const p = parseMaybe(params);
    if (p && typeof p === 'object') collect((p as { tools?: unknown }).tools, out);
  }
  const input = span.input;
  if (input && typeof input === 'object' && !Array.isArray(input)) collect((input as { tools?: unknown }).tools, out);
  if (out.length === 0) collectFlattened(attrs, out);
  return out;
}

const OI_TOOL_KEYS: string[] = [];
function oiToolKey(i: number): string {
  return (OI_TOOL_KEYS[i] ??= `llm.tools.${i}.tool.json_schema`);
}

// Every LLM span of an agent repeats the same declaration strings; read each
// once. Cached declarations are shared, so nothing may mutate them.
const fromString = new Map<string, ToolDeclaration[]>();
const MAX_CACHED = 10_000;

function collectString(value: string, out: ToolDeclaration[]): void {
  let decls = fromString.get(value);
  if (!decls) {
    decls = [];
    collect(value, decls);
    if (fromString.size >= MAX_CACHED) fromString.clear();
    fromString.set(value, decls);
  }
  for (const d of decls) out.push(d);
}

/** Declarations flattened into dotted keys (`gen_ai.request.tools.0.function.name`), rebuilt into objects. */
function collectFlattened(attrs: Record<string, unknown>, out: ToolDeclaration[]): void {
  let flat: Map<string, Record<string, unknown>> | null = null;
  for (const key in attrs) {
    const c = key.charCodeAt(0);
    if (c !== 108 /* l */ && c !== 103 /* g */ && c !== 116 /* t */ && c !== 114 /* r */) continue;
    const m = FLAT.exec(key);
    if (!m) continue;
    const id = `${m[1]}.${m[2]}`;
    flat ??= new Map();
    let obj = flat.get(id);
    if (!obj) flat.set(id, (obj = {}));
    setPath(obj, m[3]!.split('.'), attrs[key]);
  }
  if (flat) for (const obj of flat.values()) collect(obj, out);
}

function collect(value: unknown, out: ToolDeclaration[]): void {
  const v = parseMaybe(value);
  if (Array.isArray(v)) {
    for (const item of v) collect(item, out);
    return;
  }
  if (!v || typeof v !== 'object') return;
  const d = v as Record<string, any>;
  // OpenInference wraps each definition as {tool: {json_schema: "..."}} once flattened.
  if (d.tool && typeof d.tool === 'object' && 'json_schema' in d.tool) return collect(d.tool.json_schema, out);
  if ('json_schema' in d && !('name' in d)) return collect(d.json_schema, out);
  const fn = d.function && typeof d.function === 'object' ? d.function : d;
  // Hosted tools ({type: "web_search"}, {type: "code_interpreter"}) are declared by type alone.
  const name = typeof fn.name === 'string' ? fn.name : typeof d.type === 'string' && d.type !== 'function' && Object.keys(d).length <= 3 ? d.type : null;
  if (name) {
    const schema = parseMaybe(fn.parameters ?? fn.input_schema ?? fn.inputSchema ?? d.parameters ?? null);
    out.push({ name, schema: schema && typeof schema === 'object' && !Array.isArray(schema) ? (schema as Record<string, unknown>) : null });
    return;
  }
  // A flattened array rebuilt as {"0": ..., "1": ...}.
  const keys = Object.keys(d);
  if (keys.length && keys.every((k) => /^\d+$/.test(k))) for (const k of keys) collect(d[k], out);
}

function parseMaybe(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const s = value.trim();
  if (!(s.startsWith('{') || s.startsWith('['))) return value;
  try {
    return JSON.parse(s);
  } catch {
    return value;
  }
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const next = cur[k];
    if (next && typeof next === 'object') cur = next as Record<string, unknown>;
    else cur = (cur[k] = {}) as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}
