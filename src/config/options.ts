// Every option of an analysis, defined once: its type and bounds (zod), its
// default, its help text, its command-line flag and where it sits in
// halo.config.json. From these definitions come the commander options of
// `halo analyze` (src/cli/options.ts), the config-file schema
// (src/config/schema.ts), the library's `analyze({ model })` type and check,
// and the model engine's configuration and budget defaults (src/rlm/config.ts,
// src/rlm/budgets.ts). Adding an option here adds it everywhere; there is no
// second list to forget.
//
// Values are kept in the form a user writes them (a duration stays "30m"), so
// a value can pass through the config file, the command line and the library
// and be checked again without changing meaning; the engine converts units
// where it reads them.
import { z } from 'zod';
import { DURATION_HINT, tryParseDuration } from '../duration.ts';
import { Severity } from '../findings/schema.ts';
import { DEFAULT_KEEP } from '../history/store.ts';
import { MAPPABLE_FIELDS, parseFieldOptions } from '../ingest/field-mapping.ts';
import { REASONING_EFFORTS } from '../providers/types.ts';
import { UsageError } from '../errors.ts';

/** Where an option sits in halo.config.json: a top-level key, or a key inside a section. */
export type ConfigPlace = 'top' | 'provider' | 'budgets' | 'redact';

/** A default as written in a definition (a list default is a readonly literal). */
type DefaultOf<T> = T extends (infer E)[] ? readonly E[] : T;

export interface OptionDef<V extends z.ZodType = z.ZodType> {
  /** The value's type and bounds: what the config file and the library take, and what a flag's text must become. */
  value: V;
  /** What it does, with an example or unit. The default is appended from `default` / `defaultHelp`. */
  help: string;
  /** Commander flags, e.g. `--max-turns <n>`; absent for config-file / library-only options. */
  flag?: string;
  /** Help of the `--no-…` form of a boolean that has both (--redact / --no-redact). */
  negate?: string;
  /** One flag's text → value (before `value` checks it). Default: a number for number options, else the text. */
  fromText?: (text: string) => unknown;
  /** For a repeatable flag: every occurrence's text → value. */
  fromTexts?: (texts: string[]) => unknown;
  default?: DefaultOf<z.input<V>>;
  /** How help states a default computed at run time (the provider, the models). */
  defaultHelp?: string;
  /** The config file's place for it; absent: not in the config file. */
  config?: ConfigPlace;
  /** Its key there, when not the option's own name (`provider.name`). */
  configKey?: string;
}

/**
 * Keeps each definition's literal types (its value schema, whether it has a
 * default, its config place), which the derived types below are computed from.
 */
function opt<V extends z.ZodType, const D extends Omit<OptionDef<V>, 'value'>>(d: { value: V } & D & Omit<OptionDef<V>, 'value'>): { value: V } & D {
  return d;
}

// ---- value types shared by several options ----------------------------------

const count = (min: 0 | 1, max?: number) => {
  const base = z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(min, { error: min ? 'must be at least 1' : 'must be 0 or more' });
  return max === undefined ? base : base.max(max, { error: `must be at most ${max}` });
};

/** Milliseconds of a duration option's value ("30m", or "90" for seconds). */
export function durationMs(value: string): number {
  const ms = tryParseDuration(value, { bareUnit: 's' });
  if (ms === undefined || ms <= 0) throw new UsageError(`"${value}" is not a duration (${DURATION_HINT}; a plain number is seconds)`);
  return ms;
}

const duration = z
  .string({ error: `must be a duration such as "30m" (${DURATION_HINT})` })
  .refine((v) => (tryParseDuration(v, { bareUnit: 's' }) ?? 0) > 0, { error: (i) => `"${String(i.input)}" is not a duration (${DURATION_HINT}; a plain number is seconds)` });

const enumOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (i) => `unknown ${what} "${String(i.input)}" (use ${values.join(', ')})` });

const Price = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});

/** `k=v` or `k: v` header flags into a record. */
export function parseHeaders(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const m = /^\s*([^=:\s]+)\s*[=:]\s*(.*)$/.exec(item);
    if (!m) throw new UsageError(`"${item}" is not key=value`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export const REPORT_FORMAT_NAMES = ['json', 'md', 'html'] as const;

function parseFormatList(text: string): string[] {
  const parts = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (!parts.length) throw new UsageError('needs at least one of json, md, html');
  return parts;
}

const FieldMappingValue = z.record(z.string(), z.string().min(1, { error: 'the source key must be a non-empty string' })).superRefine((m, ctx) => {
  for (const field of Object.keys(m)) {
    if (!Object.prototype.hasOwnProperty.call(MAPPABLE_FIELDS, field)) {
      ctx.addIssue({ code: 'custom', path: [field], message: `unknown canonical field "${field}"; one of ${Object.keys(MAPPABLE_FIELDS).join(', ')}` });
    }
  }
});

// ---- the model-driven analysis: provider, generation, budgets ---------------

/**
 * The model engine's configuration: `analyze({ model })` for a library caller,
 * the model and budget flags of `halo analyze`, and the `provider` and
 * `budgets` sections of halo.config.json.
 */
export const MODEL_OPTIONS = {
  provider: opt({
    value: enumOf(['openai', 'anthropic'], 'provider'),
    flag: '--provider <name>',
    help: 'model provider',
    defaultHelp: 'openai, or anthropic when only ANTHROPIC_API_KEY is set',
    config: 'provider',
    configKey: 'name',
  }),
  model: opt({
    value: z.string().min(1),
    flag: '--model <id>',
    help: 'root model that writes the analysis code',
    defaultHelp: 'gpt-4.1 / claude-sonnet-4-5',
    config: 'provider',
  }),
  subModel: opt({
    value: z.string().min(1),
    flag: '--sub-model <id>',
    help: 'cheaper model for llm()/llmBatch() sub-calls',
    defaultHelp: 'gpt-4.1-mini / claude-haiku-4-5, or --model',
    config: 'provider',
  }),
  baseUrl: opt({
    value: z.url({ error: 'must be a URL such as http://localhost:11434/v1' }),
    flag: '--base-url <url>',
    help: 'OpenAI-compatible server (vLLM, Ollama, llama.cpp, OpenRouter) or Anthropic endpoint',
    config: 'provider',
  }),
  headers: opt({
    value: z.record(z.string(), z.string()),
    flag: '--header <k=v>',
    fromTexts: parseHeaders,
    help: 'extra HTTP header for every model request (repeatable; "headers" in the config)',
    config: 'provider',
  }),
  temperature: opt({
    value: z.number({ error: 'must be a number' }).min(0, { error: 'must be between 0 and 2' }).max(2, { error: 'must be between 0 and 2' }),
    flag: '--temperature <t>',
    help: 'sampling temperature, passed through when set',
    config: 'provider',
  }),
  maxOutputTokens: opt({
    value: count(1),
    flag: '--max-output-tokens <n>',
    help: 'output cap per root-model turn',
    default: 8192,
    config: 'provider',
  }),
  reasoningEffort: opt({
    value: enumOf(REASONING_EFFORTS, 'reasoning effort'),
    flag: '--reasoning-effort <level>',
    help: 'reasoning effort, passed through when set',
    config: 'provider',
  }),
  api: opt({
    value: enumOf(['chat', 'responses', 'messages'], 'API'),
    flag: '--api <api>',
    help: "the provider API to speak: chat or responses (OpenAI and compatible servers, e.g. Azure reasoning models: responses), messages (Anthropic); default: by provider, endpoint and model",
    config: 'provider',
  }),
  promptCacheTtl: opt({
    value: enumOf(['5m', '1h'], 'cache TTL'),
    help: "Anthropic: how long the stable system prompt stays cached: '1h' (default; a slow turn does not find it expired) or '5m'",
  }),
  promptCaching: opt({
    value: z.boolean({ error: 'must be true or false' }),
    help: 'Anthropic: cache the system prompt and the conversation prefix across turns',
    default: true,
    config: 'provider',
  }),
  prices: opt({
    value: z.record(z.string(), Price),
    help: 'USD per 1M tokens by model name (input, output, cachedInput, cacheWrite), added to / overriding the built-in table',
    config: 'provider',
  }),
  maxTurns: opt({
    value: count(1),
    flag: '--max-turns <n>',
    help: 'model turns across the whole analysis tree',
    default: 20,
    config: 'budgets',
  }),
  maxDepth: opt({
    value: count(0),
    flag: '--max-depth <n>',
    help: 'deepest rlm() nesting; 0 disables child analyses',
    default: 1,
    config: 'budgets',
  }),
  maxSubcalls: opt({
    value: count(0),
    flag: '--max-subcalls <n>',
    help: 'llm/llmBatch items and rlm() calls across the tree',
    default: 200,
    config: 'budgets',
  }),
  maxTokens: opt({
    value: count(1),
    flag: '--max-tokens <n>',
    help: 'input + output tokens across the tree',
    default: 2_000_000,
    config: 'budgets',
  }),
  maxUsd: opt({
    value: z.number({ error: 'must be a number' }).positive({ error: 'must be more than 0' }),
    flag: '--max-usd <dollars>',
    help: 'spend across the tree, from the price table',
    default: 5,
    config: 'budgets',
  }),
  maxWall: opt({
    value: duration,
    flag: '--max-wall <duration>',
    help: 'wall time of the model-driven analysis, e.g. 30m (a plain number is seconds)',
    default: '30m',
    config: 'budgets',
  }),
  predicateTimeout: opt({
    value: duration,
    flag: '--predicate-timeout <duration>',
    help: "time limit for one finding's predicate over the window, e.g. 20s",
    default: '30s',
    config: 'budgets',
  }),
  auditSample: opt({
    value: count(0, 200),
    flag: '--audit-sample <n>',
    help: 'matched traces per predicate the sub-model judges to estimate its precision; 0 = no audit',
    default: 12,
    config: 'budgets',
  }),
  reviewRounds: opt({
    value: count(0, 10),
    flag: '--review-rounds <n>',
    help: 'rounds in which the model may repair findings that did not verify',
    default: 2,
    config: 'budgets',
  }),
  concurrency: opt({
    value: count(1, 256),
    flag: '--concurrency <n>',
    help: 'concurrent sub-call requests per model',
    default: 8,
    config: 'budgets',
  }),
  // Library-only tuning: no flag, not in the config file.
  maxPromptChars: opt({ value: count(1), help: 'characters per sub-prompt; longer ones fail fast with advice to chunk', default: 100_000 }),
  contextWindow: opt({ value: count(1), help: "the root model's context window in tokens (default: by model family); older cell outputs are compacted near it" }),
  subMaxOutputTokens: opt({ value: count(1), help: 'output cap for llm()/llmBatch() replies; a cell can lower it per call', default: 4096 }),
  timeoutMs: opt({ value: count(1), help: 'idle timeout (ms): the longest wait for a reply to start or for its next streamed piece' }),
  retry: opt({
    value: z.strictObject({ maxRetries: count(0).optional(), baseDelayMs: z.number().nonnegative().optional(), maxDelayMs: z.number().nonnegative().optional() }),
    help: 'retries of failed model requests: {maxRetries, baseDelayMs, maxDelayMs}',
  }),
  cellDeadlineMs: opt({ value: count(1), help: 'wall-clock deadline per cell (ms); sub-calls inside a cell count against it', default: 10 * 60_000 }),
  outputLimit: opt({ value: count(1), help: 'characters of cell output fed back to the model per cell (head and tail kept)', default: 12_000 }),
  childConcurrency: opt({ value: count(1), help: 'concurrent child analyses (each is a sandbox process holding the data)', default: 2 }),
};

// ---- the rest of `halo analyze` ----------------------------------------------

/** `halo analyze`'s own options: what to read, where to write, history, gates. */
export const RUN_OPTIONS = {
  window: opt({ value: z.string(), flag: '--window <duration>', help: 'analyze traces that started in this window, e.g. 7d, 24h, 90m', defaultHelp: 'all traces', config: 'top' }),
  since: opt({ value: z.string(), flag: '--since <time>', help: 'window start: ISO time or relative (3d = three days ago)' }),
  until: opt({ value: z.string(), flag: '--until <time>', help: 'window end: ISO time, relative, or "latest" (the newest trace in the data)', config: 'top' }),
  out: opt({ value: z.string().min(1), flag: '--out <dir>', help: 'output directory', default: 'halo-report', config: 'top' }),
  formats: opt({
    value: z.array(enumOf(REPORT_FORMAT_NAMES, 'format')),
    flag: '--format <list>',
    fromText: parseFormatList,
    help: 'reports to write, comma-separated: json, md, html',
    default: ['json', 'md', 'html'],
    config: 'top',
  }),
  offline: opt({ value: z.boolean(), flag: '--offline', help: 'use the deterministic detectors only, even when a model is configured' }),
  allowOfflineFallback: opt({
    value: z.boolean(),
    flag: '--allow-offline-fallback',
    help: 'when the configured model is never reached, report the detector findings (with a warning) instead of failing the run',
  }),
  failOn: opt({
    value: z.enum(Severity.options, { error: (i) => `unknown severity "${String(i.input)}" (use ${Severity.options.join(', ')})` }),
    flag: '--fail-on <severity>',
    help: 'exit 1 when a finding at or above this severity exists',
    config: 'top',
  }),
  repo: opt({ value: z.string().min(1), flag: '--repo <dir>', help: "the agent's source repository (read-only): fixes cite verified file:line locations and patches in it", config: 'top' }),
  strict: opt({ value: z.boolean(), flag: '--strict', help: 'fail on the first bad record instead of counting and skipping it' }),
  fields: opt({
    value: FieldMappingValue,
    flag: '--field <canonical=key>',
    fromTexts: parseFieldOptions,
    help: 'map a field of an unknown flat record format, e.g. --field startTime=ts (repeatable; "fields" in the config)',
    config: 'top',
  }),
  outcomes: opt({
    value: z.array(z.string().min(1)),
    flag: '--outcomes <file>',
    fromTexts: (t) => t,
    help: 'join outcomes kept outside the traces, by trace, task or instance id: JSONL {id, success | reward}, a SWE-bench harness report, τ-bench results (repeatable)',
    config: 'top',
  }),
  outcomeSignal: opt({
    value: z.string().min(1),
    flag: '--outcome-signal <name>',
    help: "a signal's stored labels (halo signal) as outcomes for impact when runs record none; where they do, its agreement with them is reported",
    config: 'top',
  }),
  quiet: opt({ value: z.boolean(), flag: '-q, --quiet', help: 'print only warnings and errors (no summary table, progress or hints)' }),
  config: opt({ value: z.string(), flag: '--config <file>', help: 'config file; flags override it', defaultHelp: './halo.config.json when present' }),
  state: opt({ value: z.string().min(1), flag: '--state <dir>', help: 'run history directory: findings are marked new/recurring/regressed/resolved against earlier runs', default: '.halo', config: 'top' }),
  store: opt({
    value: z.string().min(1),
    flag: '--store <backend>',
    help: 'where traces are kept between runs: memory (read the files every run), duckdb (<state>/store.duckdb: a re-run reads only new bytes, the window is read from the store), or clickhouse://user:pass@host:8123/db (read the OpenTelemetry Collector exporter\'s otel_traces table there, read-only, instead of files)',
    default: 'memory',
    config: 'top',
  }),
  source: opt({
    value: z.enum(['langfuse', 'langsmith', 'phoenix'], { error: (i) => `unknown source "${String(i.input)}" (use langfuse, langsmith or phoenix)` }),
    flag: '--source <service>',
    help: 'also pull what is new from a trace service first (langfuse, langsmith, phoenix; keys from LANGFUSE_PUBLIC_KEY/LANGFUSE_SECRET_KEY, LANGSMITH_API_KEY, PHOENIX_API_KEY), into <state>/pull/',
    config: 'top',
  }),
  sourceUrl: opt({ value: z.string().url(), flag: '--source-url <url>', help: "the service's API base URL (default: its cloud, or LANGFUSE_HOST / LANGSMITH_ENDPOINT / PHOENIX_COLLECTOR_ENDPOINT)", config: 'top' }),
  sourceProject: opt({ value: z.string().min(1), flag: '--source-project <name>', help: 'the LangSmith or Phoenix project to pull (name or id)', config: 'top' }),
  history: opt({ value: z.boolean(), flag: '--no-history', help: 'do not read or record run history', default: true }),
  sinceLastRun: opt({ value: z.boolean(), flag: '--since-last-run', help: 'analyze only traces newer than the last successful run recorded in --state' }),
  scope: opt({ value: z.string().min(1), flag: '--scope <name>', help: 'history scope, so runs hunting different failure classes keep separate histories', default: 'default' }),
  keep: opt({ value: count(1), flag: '--keep <n>', help: 'runs kept per history scope; older ones are deleted', default: DEFAULT_KEEP, config: 'top' }),
  prompt: opt({ value: z.string(), flag: '--prompt <text>', help: "the analyst's focus for the model, e.g. \"why do refunds fail?\"" }),
  context: opt({ value: z.string().min(1), flag: '--context <file>', help: 'a text file about the agent (what it is for, its tools, known issues), shown to the model as data', config: 'top' }),
  estimate: opt({ value: z.boolean(), flag: '--estimate', help: 'print the expected tokens and dollars of the model run on this window, then stop (nothing is spent or written)' }),
  log: opt({ value: z.string().min(1), flag: '--log <file>', help: 'write a JSONL run log: each phase with its time and, with a model, every turn, cell and sub-call (read it with halo replay)' }),
  redact: opt({
    value: z.boolean({ error: 'must be true or false' }),
    flag: '--redact',
    negate: 'do not redact built-in secret patterns',
    help: 'redact secrets in trace content before it reaches a model or a report',
    default: true,
    config: 'redact',
    configKey: 'enabled',
  }),
  baseline: opt({
    value: z.string().min(1),
    flag: '--baseline <spec>',
    help: 'compare this window with a baseline: previous (the same length just before), <from>..<to>, or a run id from halo history; significant regressions become findings',
  }),
  baselineInputs: opt({
    value: z.array(z.string().min(1)),
    flag: '--baseline-inputs <file>',
    fromTexts: (t) => t,
    help: 'read the baseline from these files instead (another release, another model); repeatable',
  }),
  alertWebhook: opt({
    value: z.string().min(1),
    flag: '--alert-webhook <url>',
    help: 'post new, regressed and resurfaced findings as JSON to this URL (once per finding and state; "alerts" in the config)',
  }),
  alertSlack: opt({
    value: z.string().min(1),
    flag: '--alert-slack <url>',
    help: 'post them to this Slack incoming webhook',
  }),
  reportUrl: opt({
    value: z.string().min(1),
    flag: '--report-url <url>',
    help: 'where alerts say the report is (where you publish it); default: its path here',
  }),
  redactPatterns: opt({
    value: z.array(z.string()),
    flag: '--redact-pattern <regex>',
    fromTexts: (t) => t,
    help: 'also redact matches of this regular expression (repeatable)',
    config: 'redact',
    configKey: 'patterns',
  }),
};

/** `halo analyze`'s options in the order its help lists them: run options, then the model's, then what the model is told. */
export const ANALYZE_OPTION_ORDER: ReadonlyArray<keyof typeof RUN_OPTIONS | keyof typeof MODEL_OPTIONS> = [
  'window', 'since', 'until', 'out', 'formats', 'offline', 'allowOfflineFallback', 'failOn', 'repo', 'strict', 'fields', 'outcomes', 'outcomeSignal', 'quiet', 'config', 'state', 'store', 'source', 'sourceUrl', 'sourceProject', 'history', 'sinceLastRun', 'scope', 'keep',
  'provider', 'model', 'subModel', 'baseUrl', 'api', 'headers', 'temperature', 'maxOutputTokens', 'reasoningEffort',
  'maxTurns', 'maxDepth', 'maxSubcalls', 'maxTokens', 'maxUsd', 'maxWall', 'predicateTimeout', 'auditSample', 'reviewRounds', 'concurrency',
  'prompt', 'context', 'estimate', 'log', 'redact', 'redactPatterns', 'baseline', 'baselineInputs', 'alertWebhook', 'alertSlack', 'reportUrl',
];

// ---- derived types and schemas ----------------------------------------------

type Defs = Record<string, OptionDef>;
type ValueOf<D> = D extends { value: infer V extends z.ZodType } ? z.output<V> : never;

/** Every option optional: what a caller may pass. */
export type OptionInput<T extends Defs> = { [K in keyof T]?: ValueOf<T[K]> };
/** Options with their defaults applied: those with a default are always set. */
export type OptionValues<T extends Defs> = {
  [K in keyof T as T[K] extends { default: unknown } ? K : never]: ValueOf<T[K]>;
} & {
  [K in keyof T as T[K] extends { default: unknown } ? never : K]?: ValueOf<T[K]>;
};

type OptionalShape<T extends Defs> = { [K in keyof T]: z.ZodOptional<T[K]['value']> };

function optionalShape<T extends Defs>(defs: T): OptionalShape<T> {
  return Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, d.value.optional()])) as OptionalShape<T>;
}

/** The library's `analyze({ model })`: strict, so a misspelt option is an error, not a silent default. */
export const ModelOptions = z.strictObject(optionalShape(MODEL_OPTIONS));
export type ModelOptions = OptionInput<typeof MODEL_OPTIONS>;
export type ModelValues = OptionValues<typeof MODEL_OPTIONS>;
export type RunValues = OptionValues<typeof RUN_OPTIONS>;

/** `values` over the definitions' defaults. */
export function withDefaults<T extends Defs>(defs: T, values: OptionInput<T>): OptionValues<T> {
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(defs)) {
    const v = (values as Record<string, unknown>)[k] ?? d.default;
    if (v !== undefined) out[k] = v;
  }
  return out as OptionValues<T>;
}

/** The engine's default budget values, in the options' own units. */
export const MODEL_DEFAULTS = withDefaults(MODEL_OPTIONS, {});

// ---- halo.config.json sections ------------------------------------------------

type ConfigName<K, D> = D extends { configKey: infer N extends string } ? N : K & string;
export type ConfigShape<T extends Defs, P extends ConfigPlace> = {
  [K in keyof T as T[K] extends { config: P } ? ConfigName<K, T[K]> : never]: z.ZodOptional<T[K]['value']>;
};

/** The config-file keys of the options placed at `place`, each optional. */
export function configShape<T extends Defs, P extends ConfigPlace>(defs: T, place: P): ConfigShape<T, P> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, d] of Object.entries(defs)) if (d.config === place) shape[d.configKey ?? k] = d.value.optional();
  return shape as ConfigShape<T, P>;
}

/** Option name → where it is in the config (`budgets.maxTurns`, `provider.name`, `window`). */
export function configPath(defs: Defs, key: string): string[] | null {
  const d = defs[key];
  if (!d?.config) return null;
  const name = d.configKey ?? key;
  return d.config === 'top' ? [name] : [d.config, name];
}

/** The option values a parsed config file sets, by option name. */
export function valuesFromConfig<T extends Defs>(defs: T, config: Record<string, unknown>, sections: Partial<Record<ConfigPlace, Record<string, unknown> | undefined>> = {}): OptionInput<T> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(defs)) {
    const path = configPath(defs, k);
    if (!path) continue;
    const holder = path.length === 1 ? config : { ...(config[path[0]!] as Record<string, unknown> | undefined), ...sections[path[0] as ConfigPlace] };
    const v = holder?.[path[path.length - 1]!];
    if (v !== undefined) out[k] = v;
  }
  return out as OptionInput<T>;
}

/**
 * Config keys renamed when wall time and the predicate limit became durations
 * like their flags; old configs keep working, with a warning.
 */
export const RENAMED_BUDGET_KEYS: Record<string, { to: keyof typeof MODEL_OPTIONS; convert: (v: number) => string }> = {
  maxWallSeconds: { to: 'maxWall', convert: (s) => `${s}s` },
  predicateTimeoutSeconds: { to: 'predicateTimeout', convert: (s) => `${s}s` },
};

// ---- checking values ---------------------------------------------------------

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** One line per problem, each naming the option (`model.maxTurns: must be at least 1`). */
export function describeOptionIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines: string[] = [];
  for (const i of issues) {
    const at = pathText(i.path);
    const where = [prefix, at].filter(Boolean).join('.');
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) lines.push(`${[where, key].filter(Boolean).join('.')}: unknown option`);
    } else lines.push(`${where || '(options)'}: ${i.message}`);
  }
  return lines.join('\n');
}

/**
 * Checks a library caller's model options; a misspelt or unknown option and
 * a bad value are UsageErrors naming it.
 */
export function checkModelOptions(raw: unknown, where = 'model'): ModelOptions {
  const parsed = ModelOptions.safeParse(raw ?? {});
  if (!parsed.success) throw new UsageError(describeOptionIssues(where, parsed.error.issues), { code: 'options.invalid' });
  return parsed.data as ModelOptions;
}
