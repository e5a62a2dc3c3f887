// Framework wrappers around tool inputs, unwrapped into named arguments before
// anything checks them. smolagents records a tool call's input as
// `{"args": [...], "sanitize_inputs_outputs": true, "kwargs": {...}}`; checked
// as-is against the tool's schema, every call "misses" its required
// parameters, which it actually passed positionally.
import type { Span } from '../../types.ts';
import { isObject, tryParseJson } from '../values.ts';

type Dict = Record<string, unknown>;
type Tool = NonNullable<Span['tool']>;

const WRAPPER_KEYS = new Set(['args', 'kwargs', 'sanitize_inputs_outputs']);

/** `{args, kwargs}` (and nothing but wrapper keys) → the named arguments. */
export function unwrapFrameworkArguments(span: Span, tool: Tool): void {
  const a = tool.arguments;
  if (!isObject(a)) return;
  let wrapper = false;
  for (const k in a) {
    if (!WRAPPER_KEYS.has(k)) return;
    if (k === 'args' || k === 'kwargs') wrapper = true;
  }
  if (!wrapper) return;
  const args = Array.isArray(a.args) ? a.args : [];
  const kwargs = isObject(a.kwargs) ? a.kwargs : {};
  const named: Dict = { ...kwargs };
  if (args.length > 0) {
    const params = declaredParameterOrder(span);
    if (params !== null && args.length <= params.length) {
      for (let i = 0; i < args.length; i++) named[params[i]!] = args[i];
    } else {
      tool.positionalArguments = args;
    }
  }
  tool.arguments = named;
  span.attributes['halo.tool_input_unwrapped'] = 'args/kwargs';
}

/**
 * The tool's parameter names in declaration order, from the tool spec on the
 * span (OpenInference `tool.parameters`: a JSON object of name → spec, or a
 * JSON Schema with `properties`). Null when the trace does not declare it.
 */
function declaredParameterOrder(span: Span): string[] | null {
  let spec = span.attributes['tool.parameters'] ?? span.attributes['tool.json_schema'];
  if (typeof spec === 'string') spec = tryParseJson(spec);
  if (!isObject(spec)) return null;
  const props = isObject(spec.properties) && (spec.type === 'object' || spec.type === undefined) ? spec.properties : spec;
  const names = Object.keys(props);
  return names.length > 0 ? names : null;
}
