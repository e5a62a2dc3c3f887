// Argument shapes that go with a tool's failures. Per tool and argument,
// across every run of the window, the calls whose value has a shape (starts
// with a quotation mark; is text where a number is expected, or another kind
// than the declaration or most calls give it; is empty; lists more items than
// other calls) are set against the calls whose value does not, and the two
// failure rates compared. A call fails when its status, its error text, an
// API reply that is only a message, or a result that says it found nothing
// says so (call-failure.ts).
//
// Only strong evidence is reported: enough calls with the shape, in more than
// one run, and enough without it; a failure rate with the shape far above the
// rate without; and a one-sided Fisher exact test that stays significant
// after Bonferroni's correction for every shape tested in the window, over
// all calls and within runs (a shape seen only in runs where everything
// failed says nothing about the shape). Each finding states the counts and
// nothing the counts do not show: not why the tool rejects the shape, only
// that calls with it failed.
import type { FindingInput } from '../../src/findings/schema.ts';
import type { Span, Trace } from '../../src/types.ts';
import { buildFinding, count, minPatternTraces, shareText, type Citation } from './finding.ts';
import { arrayPasses, oneShot, type RunObs, type RunPasses, type TwoStep } from './two-step.ts';
import { callFailure } from './call-failure.ts';
import { fisherGreater, stratifiedGreater } from './fisher.ts';
import { parseArguments } from './tool-arguments.ts';
import { declarationFor } from './owner.ts';
import { argumentText, excerpt, textOf } from './text.ts';
import { indexTrace, toolName } from './trace-index.ts';

/** What a value is, for comparing it with what the tool's other calls send. */
export type Kind = 'number' | 'text' | 'boolean' | 'list' | 'object' | 'empty';

/** One argument's value as the global step compares it. */
interface ArgShape {
  kind: Kind;
  /** A string that starts with a double quotation mark. */
  quote: boolean;
  /** How many items the value lists (an array, or comma-separated tokens). */
  items?: number;
}

/** How a failed call failed, and what a finding cites of it. */
interface CallFailed {
  spanId: string;
  text: string;
  /** The failure with the call's own argument values masked ("genre must be an integer: <genre>"), to count alike answers; absent when that is `text`. */
  answer?: string;
  /** Each argument as it stands in the span's arguments, by name. */
  excerpts: Record<string, string>;
}

/** One tool call, kept small: a run of a coding agent makes hundreds. */
interface ShapeCall {
  tool: string;
  /** Per argument name ('' for a plain-text input), its shape coded as kind, `"` when quoted, `#n` for n items: `text"`, `text#3`. */
  args: Record<string, string>;
  /** An identical call (tool and arguments) came earlier in the run. */
  dup?: 1;
  /** Absent when the call worked. */
  failed?: CallFailed;
}

interface ShapesRun {
  calls: ShapeCall[];
  /** Per tool and argument (`tool\0key`), the kind the calling agent's declaration in this run gives it, and from what. */
  declared: Record<string, Declared>;
}

export interface ShapeOptions {
  /** Fewest calls with the shape (default 8). */
  minCalls?: number;
  /** Fewest calls without it (default 8). */
  minBaseline?: number;
  /** Fewest runs with a call with the shape (default: 2, and 1 in 100 runs up to 3). */
  minTraces?: number;
  /** Significance after Bonferroni's correction (default 0.01). */
  alpha?: number;
  /** Fewest failures with the shape, as a share (default 0.75). */
  minRate?: number;
  /** Least gap between the two failure rates (default 0.4). */
  minGap?: number;
}

const MAX_ARGS = 12;
const QUOTE_START = /^\s*["\u201c\u201d\u201e\u00ab]/;
const NUMBER = /^\s*-?\d+(?:\.\d+)?\s*$/;
/** Comma-separated tokens with no spaces inside them: "netflix,prime,hulu" (one token is a list of one). */
const TOKEN_LIST = /^\s*[^\s,;|]+(?:\s*,\s*[^\s,;|]+)*\s*$/;

export function kindOf(v: unknown): Kind {
  if (v == null) return 'empty';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return v.length ? 'list' : 'empty';
  if (typeof v === 'object') return Object.keys(v).length ? 'object' : 'empty';
  const s = String(v);
  if (!s.trim()) return 'empty';
  return NUMBER.test(s) ? 'number' : 'text';
}

function itemsOf(v: unknown): number | undefined {
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'string' && TOKEN_LIST.test(v)) return v.split(',').length;
  return undefined;
}

function shapeCode(v: unknown): string {
  const kind = kindOf(v);
  const items = kind === 'empty' ? undefined : itemsOf(v);
  return `${kind}${typeof v === 'string' && QUOTE_START.test(v) ? '"' : ''}${items !== undefined ? `#${items}` : ''}`;
}

// A window has a few distinct codes over many calls: each is read once, and its shape shared (never mutated).
const decoded = new Map<string, ArgShape>();

function decodeShape(code: string): ArgShape {
  let shape = decoded.get(code);
  if (shape) return shape;
  const m = /^(\w+)(")?(?:#(\d+))?$/.exec(code)!;
  shape = { kind: m[1] as Kind, quote: m[2] !== undefined, ...(m[3] !== undefined ? { items: Number(m[3]) } : {}) };
  if (decoded.size >= 10_000) decoded.clear();
  decoded.set(code, shape);
  return shape;
}

/** A kind a declaration gives an argument: by its type, or by its example (a string whose example is a number, "genre": "18"). */
export type Declared = `${Kind}:${'type' | 'example'}`;

/** The kind a declared property gives its values: its type, or for a string, a numeric example ("genre": "18"). */
function declaredKind(prop: unknown): Declared | undefined {
  if (!prop || typeof prop !== 'object') return undefined;
  const p = prop as Record<string, unknown>;
  const type = Array.isArray(p.type) ? undefined : p.type;
  if (type === 'integer' || type === 'number') return 'number:type';
  if (type === 'boolean') return 'boolean:type';
  if (type === 'array') return 'list:type';
  if (type === 'object') return 'object:type';
  if (type === 'string') {
    const ex = p.example_value ?? p.example ?? (Array.isArray(p.examples) ? p.examples[0] : undefined);
    return (typeof ex === 'string' && NUMBER.test(ex)) || typeof ex === 'number' ? 'number:example' : undefined;
  }
  return undefined;
}

/** The argument as the span's arguments hold it: `"key":value` in their JSON, or the plain input. */
function argumentExcerpt(s: Span, key: string, v: unknown): string {
  const raw = s.tool?.arguments;
  const text = typeof raw === 'string' ? raw : textOf(raw);
  if (key === '') return excerpt(text, 0, 120);
  const pair = `${JSON.stringify(key)}:${JSON.stringify(v) ?? ""}`;
  const at = text.indexOf(pair);
  if (at >= 0) return excerpt(text, at, Math.min(120, pair.length));
  const named = text.indexOf(JSON.stringify(key));
  return excerpt(text, Math.max(0, named), 120);
}

/** The failure text with each string argument's value (as sent, and without its quotation marks) replaced by its name. */
function masked(text: string, entries: [string, unknown][]): string {
  let out = text;
  const values = entries.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].trim().length >= 3).sort((a, b) => b[1].length - a[1].length);
  for (const [k, v] of values) {
    const mark = `<${k || 'input'}>`;
    for (const form of [v.trim(), v.trim().replace(/^["\u201c\u201d\u201e\u00ab]+|["\u201c\u201d\u201e\u00bb]+$/g, '')]) if (form.length >= 3) out = out.split(form).join(mark);
  }
  return out.split(/(?<=\.)\s/, 1)[0]!.slice(0, 160);
}

export function shapeCalls(t: Trace): ShapesRun {
  const calls: ShapeCall[] = [];
  const declared: Record<string, Declared> = {};
  const seen = new Set<string>();
  const declaredTools = new Set<string>();
  for (const s of indexTrace(t).tools) {
    const tool = toolName(s);
    if (!tool) continue;
    const parsed = parseArguments(s);
    let entries: [string, unknown][];
    if (parsed.invalid) continue;
    if (parsed.value !== undefined && parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) entries = Object.entries(parsed.value as Record<string, unknown>).slice(0, MAX_ARGS);
    else if (typeof s.tool?.arguments === 'string' && parsed.value === undefined) entries = [['', s.tool.arguments]];
    else continue;
    if (!entries.length) continue;
    const f = callFailure(t, s);
    const call: ShapeCall = { tool, args: Object.fromEntries(entries.map(([k, v]) => [k, shapeCode(v)])) };
    if (f) {
      const text = f.text.replace(/\s+/g, ' ').trim().slice(0, 160) || 'failed';
      const answer = masked(text, entries);
      call.failed = { spanId: s.spanId, text, ...(answer !== text ? { answer } : {}), excerpts: Object.fromEntries(entries.map(([k, v]) => [k, argumentExcerpt(s, k, v)])) };
    }
    const id = `${tool}\u0000${argumentText(s)}`;
    if (seen.has(id)) call.dup = 1;
    seen.add(id);
    calls.push(call);
    if (!declaredTools.has(tool)) {
      declaredTools.add(tool);
      const d = declarationFor(t, s);
      const props = d && d !== 'conflict' ? (d.schema?.properties as Record<string, unknown> | undefined) : undefined;
      if (props && typeof props === 'object') {
        for (const [k, p] of Object.entries(props)) {
          const kind = declaredKind(p);
          if (kind) declared[`${tool}\u0000${k}`] = kind;
        }
      }
    }
  }
  return { calls, declared };
}

/**
 * Every use of one tool's argument in the window (a call sending it), in window order: four numbers a use, so a week
 * of hundreds of thousands of runs holds its calls as columns rather than as each run's observation (about 0.65 KB a
 * run as objects). `code` is the shape's index in the window's table of shapes; what a failed call answered is read
 * again, for the findings' runs alone, in a second pass.
 */
interface ArgUses {
  tool: string;
  key: string;
  declared: Set<Declared>;
  /** Per use, at 4·i: the run's position, the call's index in the run's calls, the shape's code, and FAILED | DUP. */
  data: Int32Array;
  n: number;
}

const FAILED = 1;
/** An identical call (tool and arguments) came earlier in the run. */
const DUP = 2;

function addUse(g: ArgUses, run: number, call: number, code: number, flags: number): void {
  if (g.n * 4 === g.data.length) {
    const grown = new Int32Array(g.data.length * 2);
    grown.set(g.data);
    g.data = grown;
  }
  const at = g.n++ * 4;
  g.data[at] = run;
  g.data[at + 1] = call;
  g.data[at + 2] = code;
  g.data[at + 3] = flags;
}

/** A shape tested on one tool's argument: which calls have it, which they are set against, and how both read. */
interface Shape {
  /** Stable name: `quoted`, `empty`, `kind:text`, `items` (the cut is in `cut`). */
  id: string;
  cut?: number;
  /** What the value of a call with the shape does: "starts with a quotation mark". */
  has: string;
  /** The calls it is set against: "without", "that sent a number". */
  without: string;
  /** Where the expected kind comes from, for `kind:` shapes. */
  expected?: string;
  fix: string;
  featured: (a: ArgShape) => boolean;
  baseline: (a: ArgShape) => boolean;
}

export interface ShapeTest {
  tool: string;
  key: string;
  shape: Shape;
  /** The argument's uses, and the window's shapes by code. */
  uses: ArgUses;
  shapes: readonly ArgShape[];
  /** Calls with the shape, and those it is set against. */
  calls: number;
  baseCalls: number;
  failed: number;
  baseFailed: number;
  /** Runs with a call with the shape. */
  runs: number;
  /** Runs with calls both with the shape and without it: the only runs that can tell the shape from the run. */
  contrast: number;
  /** One-sided Fisher exact test over all calls. */
  p: number;
  /** The same test stratified by run (fisher.ts), over the contrast runs. */
  pRun: number;
}

const KIND_NAME: Record<Kind, string> = { number: 'a number', text: 'text', boolean: 'true or false', list: 'a list', object: 'an object', empty: 'empty' };

function argName(key: string): string {
  return key === '' ? 'the input' : `\`${key}\``;
}

/** The shapes worth testing on one tool's argument, from all its uses in the window. */
function shapesFor(tool: string, key: string, uses: ArgUses, shapes: readonly ArgShape[], declared: Declared | undefined): Shape[] {
  const name = argName(key);
  const t = `\`${tool}\``;
  const out: Shape[] = [];
  out.push({
    id: 'quoted',
    has: 'starts with a quotation mark',
    without: 'without',
    fix: `Make ${t} strip quotation marks around ${name} before it uses the value, or say in its description that ${name} is sent without quotation marks.`,
    featured: (a) => a.quote,
    baseline: (a) => !a.quote && a.kind !== 'empty',
  });
  out.push({
    id: 'empty',
    has: 'is empty',
    without: 'that sent a value',
    fix: `Make ${t} handle an empty ${name}, or say in its description that ${name} must not be empty.`,
    featured: (a) => a.kind === 'empty',
    baseline: (a) => a.kind !== 'empty',
  });
  // The kind the values should have: the declaration's, else what most calls send.
  const kinds = new Map<Kind, number>();
  let valued = 0;
  // The uses' items in order of their first use, as the cuts are listed below.
  let listed = 0;
  const lengths = new Set<number>();
  for (let i = 0; i < uses.n; i++) {
    const a = shapes[uses.data[i * 4 + 2]!]!;
    if (a.items !== undefined) {
      listed++;
      lengths.add(a.items);
    }
    if (a.kind === 'empty') continue;
    valued++;
    kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
  }
  let want: Kind | undefined;
  let source = '';
  if (declared) {
    const [kind, by] = declared.split(':') as [Kind, 'type' | 'example'];
    want = kind;
    source = by === 'type' ? `its declared type is ${KIND_NAME[kind]}` : `the declaration's example is ${KIND_NAME[kind]}`;
  } else {
    const top = [...kinds].sort((a, b) => b[1] - a[1])[0];
    if (top && top[1] * 2 > valued) {
      want = top[0];
      source = `${top[1]} of the ${valued} calls that sent a value sent ${KIND_NAME[top[0]]}`;
    }
  }
  if (want) {
    const expected = want;
    for (const k of kinds.keys()) {
      if (k === expected) continue;
      out.push({
        id: `kind:${k}`,
        has: `is ${KIND_NAME[k]}, not ${KIND_NAME[expected]},`,
        without: `that sent ${KIND_NAME[expected]}`,
        expected: source,
        fix: `Make ${t} accept ${KIND_NAME[k]} in ${name}, or say in its description, with an example, that ${name} takes ${KIND_NAME[expected]}.`,
        featured: (a) => a.kind === k,
        baseline: (a) => a.kind === expected,
      });
    }
  }
  // More items than other calls list: each length seen is a cut to test (and to correct for).
  if (listed * 3 >= valued * 2) {
    for (const n of [...lengths].sort((a, b) => a - b).slice(0, -1)) {
      const items = `${n} item${n === 1 ? '' : 's'}`;
      out.push({
        id: 'items',
        cut: n,
        has: `lists more than ${items}`,
        without: `with at most ${n}`,
        fix: `Make ${t} accept more than ${items} in ${name}, or say in its description that ${name} takes at most ${items}.`,
        featured: (a) => a.items !== undefined && a.items > n,
        baseline: (a) => a.items !== undefined && a.items <= n,
      });
    }
  }
  return out;
}

/** Every shape test that had enough calls, with its p-values (not yet corrected): one pass over the runs. */
export function shapeTests(runs: RunPasses<ShapesRun>, opts: ShapeOptions = {}): ShapeTest[] {
  const minCalls = opts.minCalls ?? 8;
  const minBaseline = opts.minBaseline ?? 8;
  const minTraces = opts.minTraces ?? Math.max(2, minPatternTraces(runs.length));
  const byArg = new Map<string, ArgUses>();
  const codes = new Map<string, number>();
  const shapes: ArgShape[] = [];
  runs.forEach(({ obs }, i) => {
    obs.calls.forEach((call, c) => {
      const flags = (call.failed !== undefined ? FAILED : 0) | (call.dup !== undefined ? DUP : 0);
      for (const [key, code] of Object.entries(call.args)) {
        const id = `${call.tool}\u0000${key}`;
        let g = byArg.get(id);
        if (!g) byArg.set(id, (g = { tool: call.tool, key, declared: new Set(), data: new Int32Array(16), n: 0 }));
        let k = codes.get(code);
        if (k === undefined) {
          codes.set(code, (k = shapes.length));
          shapes.push(decodeShape(code));
        }
        addUse(g, i, c, k, flags);
      }
    });
    for (const [id, d] of Object.entries(obs.declared)) byArg.get(id)?.declared.add(d);
  });
  const out: ShapeTest[] = [];
  for (const uses of byArg.values()) {
    const { tool, key, declared, data } = uses;
    // Declarations that disagree across runs give no kind to expect.
    const decl = declared.size === 1 ? [...declared][0] : undefined;
    for (const shape of shapesFor(tool, key, uses, shapes, decl)) {
      let calls = 0;
      let failed = 0;
      let baseCalls = 0;
      let baseFailed = 0;
      const runsWith = new Set<number>();
      for (let i = 0; i < uses.n; i++) {
        const a = shapes[data[i * 4 + 2]!]!;
        const fail = data[i * 4 + 3]! & FAILED;
        if (shape.featured(a)) {
          calls++;
          if (fail) failed++;
          runsWith.add(data[i * 4]!);
        }
        if (shape.baseline(a)) {
          baseCalls++;
          if (fail) baseFailed++;
        }
      }
      if (calls < minCalls || baseCalls < minBaseline) continue;
      if (runsWith.size < minTraces) continue;
      const p = fisherGreater(failed, calls - failed, baseFailed, baseCalls - baseFailed);
      // Per run: [with the shape and failed, with it and worked, without and failed, without and worked].
      const tables = new Map<number, [number, number, number, number]>();
      for (let i = 0; i < uses.n; i++) {
        if (!shape.featured(shapes[data[i * 4 + 2]!]!)) continue;
        const run = data[i * 4]!;
        const tb = tables.get(run) ?? tables.set(run, [0, 0, 0, 0]).get(run)!;
        tb[data[i * 4 + 3]! & FAILED ? 0 : 1]++;
      }
      for (let i = 0; i < uses.n; i++) {
        if (!shape.baseline(shapes[data[i * 4 + 2]!]!)) continue;
        const tb = tables.get(data[i * 4]!);
        if (tb) tb[data[i * 4 + 3]! & FAILED ? 2 : 3]++;
      }
      const mixed = [...tables.values()].filter((tb) => tb[2] + tb[3] > 0);
      out.push({ tool, key, shape, uses, shapes, calls, baseCalls, failed, baseFailed, runs: runsWith.size, contrast: mixed.length, p, pRun: stratifiedGreater(mixed) });
    }
  }
  return out;
}

export const argumentShapeSteps: TwoStep<ShapesRun, ShapeOptions> = {
  perRun: (t) => shapeCalls(t),
  global: argumentShapeFindings,
  passes: true,
};

export const argumentShapes = oneShot(argumentShapeSteps);

/** The tests that pass: both p-values significant after Bonferroni over every test, in ≥ 2 contrast runs, with a large gap. */
export function passingShapes(tests: ShapeTest[], opts: ShapeOptions = {}): ShapeTest[] {
  const alpha = opts.alpha ?? 0.01;
  const minRate = opts.minRate ?? 0.75;
  const minGap = opts.minGap ?? 0.4;
  const m = tests.length;
  const passed = tests.filter((x) => {
    const rate = x.failed / x.calls;
    const base = x.baseFailed / x.baseCalls;
    return x.p * m <= alpha && x.pRun * m <= alpha && x.contrast >= 2 && rate >= minRate && rate - base >= minGap;
  });
  // One finding per tool, argument and shape; of the item-count cuts, the most telling one.
  const best = new Map<string, ShapeTest>();
  for (const x of passed) {
    const id = `${x.tool}\u0000${x.key}\u0000${x.shape.id}`;
    const had = best.get(id);
    if (!had || x.pRun < had.pRun || (x.pRun === had.pRun && x.p < had.p)) best.set(id, x);
  }
  return [...best.values()];
}

/** What a finding cites of one failed call: its run's id and how the call failed. */
interface FailedUse {
  runId: string;
  failed: CallFailed;
  dup: boolean;
}

/**
 * The global step in two passes, so that a week's calls are never held as its runs' observations: the first keeps
 * each call's argument shapes as numbers and tests them (shapeTests); the second, only where a test passes, reads
 * what the failed calls with the shape answered, in their runs alone.
 */
function argumentShapeFindings(given: RunPasses<ShapesRun>, opts: ShapeOptions): FindingInput[] {
  const runs = Array.isArray(given) ? arrayPasses(given as RunObs<ShapesRun>[]) : given;
  const tests = shapeTests(runs, opts);
  const passing = passingShapes(tests, opts);
  if (passing.length === 0) return [];
  // Per run position, the calls whose failure a finding cites.
  const need = new Map<number, Set<number>>();
  for (const x of passing) {
    const { data, n } = x.uses;
    for (let i = 0; i < n; i++) {
      if (!(data[i * 4 + 3]! & FAILED) || !x.shape.featured(x.shapes[data[i * 4 + 2]!]!)) continue;
      const run = data[i * 4]!;
      (need.get(run) ?? need.set(run, new Set()).get(run)!).add(data[i * 4 + 1]!);
    }
  }
  const got = new Map<number, { runId: string; calls: Map<number, CallFailed> }>();
  runs.forEach(
    (r, i) => {
      const calls = need.get(i);
      if (!calls) return;
      const kept = new Map<number, CallFailed>();
      for (const c of calls) kept.set(c, r.obs.calls[c]!.failed!);
      got.set(i, { runId: r.run.traceId, calls: kept });
    },
    { at: new Set(need.keys()) },
  );
  return passing.map((x) => {
    const failedUses: FailedUse[] = [];
    let distinct = 0;
    const { data, n } = x.uses;
    for (let i = 0; i < n; i++) {
      if (!x.shape.featured(x.shapes[data[i * 4 + 2]!]!)) continue;
      const flags = data[i * 4 + 3]!;
      if (!(flags & DUP)) distinct++;
      if (!(flags & FAILED)) continue;
      const run = got.get(data[i * 4]!)!;
      failedUses.push({ runId: run.runId, failed: run.calls.get(data[i * 4 + 1]!)!, dup: (flags & DUP) !== 0 });
    }
    return finding(x, tests.length, runs.length, failedUses, distinct);
  });
}

function pText(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

/** `failedUses`: the calls with the shape that failed, in window order; `distinct`: the calls with it not repeating an earlier one of their run. */
function finding(x: ShapeTest, tests: number, total: number, failedUses: FailedUse[], distinct: number): FindingInput {
  const name = argName(x.key);
  const has = x.shape.has.replace(/,$/, '');
  const affected = new Set(failedUses.map((u) => u.runId));
  const citations: Citation[] = failedUses.map((u) => ({ traceId: u.runId, spanId: u.failed.spanId, excerpt: u.failed.excerpts[x.key], note: `failed: ${u.failed.text}` }));
  const occurrences = failedUses.map((u) => ({ traceId: u.runId, spanId: u.failed.spanId }));
  const answers = new Map<string, number>();
  for (const u of failedUses) {
    const a = u.failed.answer ?? u.failed.text;
    answers.set(a, (answers.get(a) ?? 0) + 1);
  }
  const top = [...answers].sort((a, b) => b[1] - a[1]);
  const distinctFailed = failedUses.filter((u) => !u.dup).length;
  const without = x.shape.without === 'without' ? 'without it' : x.shape.without;
  return buildFinding({
    title: `${x.tool}: calls whose ${name} ${x.shape.has} failed ${x.failed} of ${x.calls} times (${x.baseFailed} of ${x.baseCalls} ${x.shape.without})`,
    category: 'tool_arguments',
    severity: 'medium',
    summary:
      `\`${x.tool}\` was called ${x.calls} times in ${count(x.runs, 'run')} with ${name} that ${has}${x.shape.expected ? ` (${x.shape.expected})` : ''}; ${x.failed} of those calls failed` +
      (distinct < x.calls ? ` (${distinctFailed} of ${distinct} when a call repeated unchanged in its run counts once)` : '') +
      `. Of the ${x.baseCalls} calls ${without}, ${x.baseFailed} failed. ` +
      `One-sided Fisher exact test: p = ${pText(x.p)} over all calls, and p = ${pText(x.pRun)} within runs (stratified by run, over the ${x.contrast} runs with calls both with and without the shape), ` +
      `each below 0.01 after Bonferroni's correction for the ${count(tests, 'argument shape')} tested in this window. ` +
      `The failed calls are in ${shareText(affected.size, total)}. ` +
      `A call counts as failed when its status is an error, its result reports an error or is only an API message, or its result says it found nothing. ` +
      `What the tool answered: ${top.slice(0, 3).map(([a, n]) => `"${a.slice(0, 120)}" ×${n}`).join('; ')}${top.length > 3 ? `; ${count(top.length - 3, 'other answer')}` : ''}.`,
    rootCause: `Calls whose ${name} ${x.shape.has} failed far more often than the calls ${without}, within runs as well as across them. Why the tool fails on this shape is not checked; the cited calls show what it answered.`,
    fix: x.shape.fix,
    fixKind: 'tool_schema',
    component: `tool:${x.tool}`,
    signature: `argument_shape:${x.key}:${x.shape.id}`,
    monitor: `Share of \`${x.tool}\` calls whose ${name} ${has}, and how many of them fail, per day.`,
    detector: 'argument-shapes',
    traceIds: affected,
    citations,
    total,
    data: {
      tool: x.tool,
      argument: x.key,
      shape: x.shape.id,
      ...(x.shape.cut !== undefined ? { cut: x.shape.cut } : {}),
      withShape: { calls: x.calls, failed: x.failed, runs: x.runs, distinctCalls: distinct, distinctFailed },
      withoutShape: { calls: x.baseCalls, failed: x.baseFailed },
      contrastRuns: x.contrast,
      p: x.p,
      pWithinRuns: x.pRun,
      tests,
      occurrences,
    },
  });
}
