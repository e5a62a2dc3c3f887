// Text and data views of values inside the isolate: `print` formatting, the
// capped plain copy of a cell's value, and `render(trace | span)` for
// sub-model prompts. Everything here tolerates hostile values: getters that
// throw, proxies, cycles, huge arrays and strings.
import type { Span, Trace } from '../src/types.ts';

// Captured when the runtime loads, before any sandbox code can replace them.
const stringify = JSON.stringify;

const safeGet = (obj: any, key: PropertyKey): unknown => {
  try {
    return obj[key];
  } catch (e) {
    return `[getter threw: ${errorText(e)}]`;
  }
};

function errorText(e: unknown): string {
  try {
    if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
    return String(e);
  } catch {
    return 'unprintable error';
  }
}

function safeKeys(obj: object): string[] {
  try {
    return Object.keys(obj);
  } catch {
    return [];
  }
}

function ctorName(obj: object): string {
  try {
    const proto = Object.getPrototypeOf(obj);
    const name = proto && proto.constructor && proto.constructor.name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}

export const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Keeps the head and tail of a long text and states how much was cut. */
export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.length - limit;
  const head = Math.ceil(limit / 2);
  return `${text.slice(0, head)}\n…[truncated ${thousands(cut)} chars]…\n${text.slice(text.length - (limit - head))}`;
}

export interface FormatOptions {
  depth?: number;
  maxItems?: number;
  maxString?: number;
}

/** Readable one-value formatting for print/console and cell values. */
export function formatValue(value: unknown, opts: FormatOptions = {}, top = true): string {
  try {
    return formatUnsafe(value, opts, top);
  } catch (e) {
    return `[unprintable: ${errorText(e)}]`;
  }
}

function formatUnsafe(value: unknown, opts: FormatOptions, top: boolean): string {
  const depth = opts.depth ?? 4;
  const maxItems = opts.maxItems ?? 100;
  const maxString = opts.maxString ?? 10_000;
  const seen = new Set<object>();

  const fmt = (v: unknown, d: number, indent: string): string => {
    switch (typeof v) {
      case 'string':
        return d === 0 && top ? v : stringify(v.length > maxString ? `${v.slice(0, maxString)}…[+${thousands(v.length - maxString)} chars]` : v);
      case 'number':
      case 'boolean':
        return String(v);
      case 'bigint':
        return `${v}n`;
      case 'undefined':
        return 'undefined';
      case 'symbol':
        return v.toString();
      case 'function': {
        const name = safeGet(v, 'name');
        return `[Function${typeof name === 'string' && name ? ` ${name}` : ''}]`;
      }
    }
    if (v === null) return 'null';
    const obj = v as object;
    if (seen.has(obj)) return '[Circular]';
    if (obj instanceof Error) return `${safeGet(obj, 'name')}: ${safeGet(obj, 'message')}`;
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
    if (obj instanceof RegExp) return String(obj);
    if (d >= depth) return Array.isArray(obj) ? `[Array(${safeGet(obj, 'length')})]` : `[${ctorName(obj) || 'Object'}]`;
    seen.add(obj);
    try {
      const inner = `${indent}  `;
      let parts: string[];
      let open: string;
      let close: string;
      if (Array.isArray(obj)) {
        const len = obj.length;
        parts = [];
        for (let i = 0; i < Math.min(len, maxItems); i++) parts.push(fmt(safeGet(obj, i), d + 1, inner));
        if (len > maxItems) parts.push(`…${thousands(len - maxItems)} more items`);
        open = '[';
        close = ']';
      } else if (obj instanceof Map || obj instanceof Set) {
        parts = [];
        let i = 0;
        for (const entry of obj as Iterable<unknown>) {
          if (i++ >= maxItems) { parts.push(`…${thousands(obj.size - maxItems)} more`); break; }
          parts.push(obj instanceof Map
            ? `${fmt((entry as [unknown, unknown])[0], d + 1, inner)} => ${fmt((entry as [unknown, unknown])[1], d + 1, inner)}`
            : fmt(entry, d + 1, inner));
        }
        open = `${obj instanceof Map ? 'Map' : 'Set'}(${obj.size}) {`;
        close = '}';
      } else {
        const keys = safeKeys(obj);
        parts = [];
        for (const k of keys.slice(0, maxItems)) {
          const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : stringify(k);
          parts.push(`${key}: ${fmt(safeGet(obj, k), d + 1, inner)}`);
        }
        if (keys.length > maxItems) parts.push(`…${thousands(keys.length - maxItems)} more keys`);
        const name = ctorName(obj);
        open = name && name !== 'Object' ? `${name} {` : '{';
        close = '}';
      }
      if (!parts.length) return `${open}${close}`;
      const oneLine = `${open}${open.endsWith('{') ? ' ' : ''}${parts.join(', ')}${close === '}' ? ' ' : ''}${close}`;
      if (oneLine.length <= 80 && !oneLine.includes('\n')) return oneLine;
      return `${open}\n${parts.map((p) => inner + p).join(',\n')}\n${indent}${close}`;
    } finally {
      seen.delete(obj);
    }
  };
  return fmt(value, 0, '');
}

/**
 * A JSON-safe copy of a value, bounded by a character budget: long arrays,
 * objects and strings are cut with a marker, functions and symbols become
 * descriptions, cycles become "[Circular]". Never throws.
 */
export function toPlain(value: unknown, budget: number): unknown {
  let left = budget;
  const seen = new Set<object>();
  const walk = (v: unknown, d: number): unknown => {
    if (left <= 0) return '…';
    switch (typeof v) {
      case 'string':
        if (v.length > left) { const s = `${v.slice(0, Math.max(0, left))}…[+${thousands(v.length - left)} chars]`; left = 0; return s; }
        left -= v.length + 2;
        return v;
      case 'number':
        left -= 8;
        return Number.isFinite(v) ? v : String(v);
      case 'boolean':
        left -= 5;
        return v;
      case 'undefined':
        return undefined;
      case 'bigint':
      case 'symbol':
      case 'function':
        left -= 10;
        return formatValue(v, {}, false);
    }
    if (v === null) { left -= 4; return null; }
    const obj = v as object;
    if (seen.has(obj)) return '[Circular]';
    if (d > 20) return '[too deep]';
    if (obj instanceof Date || obj instanceof RegExp || obj instanceof Error) return formatValue(obj, {}, false);
    seen.add(obj);
    try {
      if (Array.isArray(obj) || obj instanceof Set) {
        const items = Array.isArray(obj) ? obj : [...obj];
        const out: unknown[] = [];
        left -= 2;
        for (let i = 0; i < items.length; i++) {
          if (left <= 0) { out.push(`…${thousands(items.length - i)} more items`); break; }
          const x = walk(safeGet(items, i), d + 1);
          out.push(x === undefined ? null : x);
          left -= 1;
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      const entries: [string, unknown][] = obj instanceof Map
        ? [...obj].map(([k, x]) => [String(k), x])
        : safeKeys(obj).map((k) => [k, safeGet(obj, k)]);
      left -= 2;
      for (let i = 0; i < entries.length; i++) {
        const [k, x] = entries[i];
        if (k === '__proto__') continue;
        if (left <= 0) { out['…'] = `${thousands(entries.length - i)} more keys`; break; }
        left -= k.length + 4;
        const y = walk(x, d + 1);
        if (y !== undefined) out[k] = y;
      }
      return out;
    } finally {
      seen.delete(obj);
    }
  };
  try {
    return walk(value, 0);
  } catch (e) {
    return `[unserializable: ${errorText(e)}]`;
  }
}

const isSpan = (x: any): x is Span => x && typeof x === 'object' && typeof x.spanId === 'string' && 'kind' in x;
const isTrace = (x: any): x is Trace => x && typeof x === 'object' && Array.isArray(x.spans) && typeof x.traceId === 'string';

const ms = (n: unknown) => {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '?';
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}s` : `${Math.round(n)}ms`;
};

const oneLine = (v: unknown, limit: number): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : (() => { try { return stringify(v) ?? String(v); } catch { return formatValue(v, { depth: 2 }, false); } })();
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…[+${thousands(flat.length - limit)}]` : flat;
};

/** `inherited`: the agent already shown above this span (its parent's, or the trace's). */
function spanLines(s: Span, indent: string, field: number, inherited: string | null = null): string[] {
  const head = [`${indent}- [${s.kind}] ${s.name}`];
  if (s.agentName && s.agentName !== inherited && s.agentName !== s.name) head.push(`agent ${s.agentName}`);
  if (s.status === 'error') head.push('ERROR');
  head.push(ms(s.durationMs));
  if (s.model) head.push(s.model);
  if (s.tokens) head.push(`tok ${s.tokens.input}→${s.tokens.output}`);
  const lines = [head.join(' · ')];
  const pad = `${indent}    `;
  const add = (label: string, v: unknown) => {
    const t = oneLine(v, field);
    if (t) lines.push(`${pad}${label}: ${t}`);
  };
  if (s.tool) {
    if (s.tool.name && s.tool.name !== s.name) add('tool', s.tool.name);
    add(s.tool.argumentsInvalid ? 'args (invalid JSON)' : 'args', s.tool.arguments);
    if (s.tool.positionalArguments) add('positional args', s.tool.positionalArguments);
    add('result', s.tool.result);
  } else if (s.messages?.length) {
    const last = s.messages[s.messages.length - 1];
    add(`last message (${last.role})`, last.content || (last.toolCalls ? last.toolCalls.map((c) => `${c.name}(${oneLine(c.arguments, 200)})`).join(', ') : ''));
    add('output', s.output);
  } else {
    add('input', s.input);
    add('output', s.output);
  }
  if (s.error) add('error', `${s.error.type ? `${s.error.type}: ` : ''}${s.error.message}`);
  else if (s.statusMessage) add('status', s.statusMessage);
  return lines;
}

/** Compact text of a trace (span tree) or one span, within `budget` characters. */
export function render(x: Trace | Span, opts: { budget?: number } = {}): string {
  const budget = Math.max(200, opts.budget ?? 4000);
  if (isTrace(x)) {
    const t = x;
    const head = [`trace ${t.traceId}`];
    if (t.agentName || t.agentId) head.push(`agent ${t.agentName ?? t.agentId}`);
    head.push(`status ${t.status}`, `${t.spans.length} spans`, ms(t.durationMs));
    if (t.taskId) head.push(`task ${t.taskId}${t.trial != null ? ` #${t.trial}` : ''}`);
    if (t.outcome) head.push(`outcome ${oneLine(t.outcome, 120)}`);
    if (t.costUsd) head.push(`$${t.costUsd.toFixed(4)}`);
    // Span tree by parentId; orphans hang from the root level.
    const ids = new Set(t.spans.map((s) => s.spanId));
    const children = new Map<string | null, Span[]>();
    for (const s of t.spans) {
      const p = s.parentId && ids.has(s.parentId) && s.parentId !== s.spanId ? s.parentId : null;
      const list = children.get(p);
      if (list) list.push(s); else children.set(p, [s]);
    }
    const field = Math.max(80, Math.min(600, Math.floor(budget / Math.max(4, t.spans.length))));
    const lines = [head.join(' · ')];
    const visited = new Set<string>();
    const walk = (parent: string | null, indent: string, agent: string | null) => {
      for (const s of children.get(parent) ?? []) {
        if (visited.has(s.spanId)) continue;
        visited.add(s.spanId);
        lines.push(...spanLines(s, indent, field, agent));
        walk(s.spanId, `${indent}  `, s.agentName ?? agent);
      }
    };
    walk(null, '', t.agentName ?? null);
    // Spans no walk from a root reaches (a parent cycle in data built by hand)
    // are still shown, as roots of their own.
    for (const s of t.spans) {
      if (visited.has(s.spanId)) continue;
      visited.add(s.spanId);
      lines.push(...spanLines(s, '', field, t.agentName ?? null));
      walk(s.spanId, '  ', s.agentName ?? t.agentName ?? null);
    }
    return capText(lines.join('\n'), budget);
  }
  if (isSpan(x)) return capText(spanLines(x, '', Math.max(200, Math.floor(budget / 3))).join('\n'), budget);
  throw new TypeError('render(x): x must be a trace (with traceId and spans) or a span (with spanId and kind)');
}
