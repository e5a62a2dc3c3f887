// The tools a model was offered, read from an LLM span. Sources record them
// in several shapes; all end up as {name, schema}:
//   OpenInference  llm.tools.N.tool.json_schema = '{"type":"function","function":{...}}'
//   OTel GenAI     gen_ai.request.tools / gen_ai.tool.definitions (JSON string, array, or flattened)
//   others         a `tools` attribute, llm.invocation_parameters.tools, input.tools
// Definitions themselves: OpenAI {type, function: {name, parameters}}, plain
// {name, parameters}, Anthropic {name, input_schema}, MCP {name, inputSchema}.
import type { Span } from '../../src/types.ts';

export interface ToolDeclaration {
  name: string;
  /** The JSON schema of the arguments, when declared. */
  schema: Record<string, unknown> | null;
}

const LIST_KEYS = new Set(['gen_ai.request.tools', 'gen_ai.tool.definitions', 'tools', 'llm.tools', 'request.tools', 'ai.prompt.tools']);
const FLAT = /^(gen_ai\.request\.tools|gen_ai\.tool\.definitions|tools|llm\.tools|request\.tools)\.(\d+)\.(.+)$/;

export function declaredTools(span: Span): ToolDeclaration[] {
  const out: ToolDeclaration[] = [];
  const flat = new Map<string, Record<string, unknown>>();
  const attrs = span.attributes ?? {};
  for (const key in attrs) {
    const value = attrs[key];
    if (key === 'llm.invocation_parameters') {
      const params = parseMaybe(value);
      if (params && typeof params === 'object') collect((params as { tools?: unknown }).tools, out);
      continue;
    }
    if (!key.includes('tool')) continue;
    if (LIST_KEYS.has(key)) {
      collect(value, out);
      continue;
    }
    const m = FLAT.exec(key);
    if (m) {
      const id = `${m[1]}.${m[2]}`;
      let obj = flat.get(id);
      if (!obj) flat.set(id, (obj = {}));
      setPath(obj, m[3]!.split('.'), value);
    }
  }
  for (const obj of flat.values()) collect(obj, out);
  const input = span.input;
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    collect((input as { tools?: unknown }).tools, out);
  }
  return out;
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
  const name = typeof fn.name === 'string' ? fn.name : null;
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
