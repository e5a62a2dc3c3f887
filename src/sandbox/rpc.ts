// Host side of the isolate contract (rpc-types.ts). The one module that writes
// JavaScript source for the isolate: every engine call becomes
// `__halo.name(<JSON args>)`, and its result is parsed before the engine uses
// it (model code ran in the same isolate). Calls from the isolate are served
// by a table of handlers whose arguments are checked first (model code chose
// them).
import { z } from 'zod';
import type { Sandbox } from './api.ts';
import type { EngineCallName, EngineCalls, HostCallName, HostCalls } from './rpc-types.ts';
import { InternalError } from '../errors.ts';
import { FindingInput } from '../findings/schema.ts';
import { describeIssues, parseVerifyResult } from '../findings/pipeline.ts';
import { parseReportData } from '../report/data-schema.ts';
import { RunMetricsSchema } from '../compare/schema.ts';

export type * from './rpc-types.ts';

export interface CallLimits {
  /** CPU time for the call inside the isolate. */
  timeoutMs?: number;
  /** Wall time after which the child is killed and restarted. */
  deadlineMs?: number;
}

type Parser<T> = (raw: unknown) => T;

const zodParser =
  <T>(schema: z.ZodType<T>): Parser<T> =>
  (raw) => {
    const r = schema.safeParse(raw);
    if (!r.success) throw new Error(describeIssues(r.error, '(result)'));
    return r.data;
  };

const count = z.number().int().nonnegative();
const ids = z.array(z.string());
const named = z.array(z.object({ name: z.string(), count }));
// The overview is shown to models and written to findings.json as data; its
// exact shape belongs to the ingest (DatasetOverview), its core is checked here.
const Overview = z.looseObject({ traces: count, spans: count });
const SubsetMeta = z.object({
  subset: z.literal(true),
  traces: count,
  spans: count,
  errorTraces: count,
  window: z.object({ start: z.string(), end: z.string() }).nullable(),
  agents: named,
  tools: named,
  errors: named,
});

/** Checks, then returns the value as it came: the overview's key order is what models and reports show. */
const checked =
  <T>(schema: z.ZodType<unknown>): Parser<T> =>
  (raw) => {
    zodParser(schema)(raw);
    return raw as T;
  };

const RESULTS: { [K in EngineCallName]: Parser<ReturnType<EngineCalls[K]>> } = {
  overview: checked(Overview),
  meta: checked(z.union([SubsetMeta, Overview])),
  sampleTraceIds: zodParser(ids),
  traceCount: zodParser(count),
  outcomes: zodParser(
    z.object({
      judged: ids,
      failed: ids,
      byAgent: z.array(z.object({ agent: z.string(), runs: count, judged: count, failed: count, errored: count })).optional(),
    }),
  ),
  systemPrompts: zodParser(z.record(z.string(), z.array(z.string()))),
  runDetectors: zodParser(count),
  detectedFindings: zodParser(z.array(FindingInput)) as Parser<ReturnType<EngineCalls['detectedFindings']>>,
  detectorErrors: zodParser(z.array(z.string())),
  predicatePass: zodParser(z.tuple([count, count])),
  verifyDetected: parseVerifyResult,
  clearPredicates: () => undefined,
  runPredicate: zodParser(z.object({ status: z.enum(['ok', 'error']), matched: count, threw: count, error: z.string().optional() })),
  verify: parseVerifyResult,
  auditSample: zodParser(z.object({ uncited: count, sample: z.array(z.object({ traceId: z.string(), text: z.string() })) }).nullable()),
  narrow: zodParser(count),
  reportData: parseReportData,
  detectorNames: zodParser(z.array(z.string())),
  runMetrics: zodParser(RunMetricsSchema),
  runIndex: zodParser(z.array(z.object({ traceId: z.string(), startTime: z.number().nullable(), agent: z.string().nullable(), failed: z.boolean().nullable() }))),
  renderRuns: zodParser(z.array(z.object({ traceId: z.string(), text: z.string() }))),
  runInputs: zodParser(
    z.array(
      z.object({
        traceId: z.string(),
        agent: z.string().nullable(),
        system: z.string().nullable(),
        user: z.string().nullable(),
        tools: z.array(z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()).optional() })),
        failed: z.boolean().nullable(),
      }),
    ),
  ),
};

export type EngineClient = {
  [K in EngineCallName]: (...args: Parameters<EngineCalls[K]>) => Promise<ReturnType<EngineCalls[K]>>;
} & {
  /** The same client with other time limits for its calls. */
  with(limits: CallLimits): EngineClient;
};

/** The source of one engine call: `__halo.name(args)`, arguments as JSON literals. */
export function engineCallSource(name: EngineCallName, args: readonly unknown[]): string {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const literals = args.slice(0, n).map((a) => (a === undefined ? 'undefined' : JSON.stringify(a)));
  return `__halo.${name}(${literals.join(', ')})`;
}

/** Typed calls into a sandbox's isolate; each result is checked before it is returned. */
export function engineClient(sandbox: Pick<Sandbox, 'evaluate'>, limits: CallLimits = {}): EngineClient {
  const client = { with: (l: CallLimits) => engineClient(sandbox, { ...limits, ...l }) } as EngineClient;
  for (const name of Object.keys(RESULTS) as EngineCallName[]) {
    (client as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      // A predicate runs in a fresh context first; the engine call then reads what it gave.
      const opts = name === 'runPredicate' ? { ...limits, predicate: String(args[0]) } : limits;
      const raw = await sandbox.evaluate(engineCallSource(name, args), opts);
      try {
        return RESULTS[name](raw);
      } catch (err) {
        throw new InternalError(`the sandbox's ${name}() returned an invalid result: ${(err as Error).message}`, { code: 'sandbox.rpc' });
      }
    };
  }
  return client;
}

// ---- calls from the isolate -------------------------------------------------

const opt = z.unknown().optional();
const repoGlob = z.string().max(300).optional();

/**
 * The shape of each host call's arguments. Model code chose them; a handler
 * may check their meaning further with messages that teach the model.
 */
export const HOST_CALL_ARGS: { [K in HostCallName]: z.ZodType<Parameters<HostCalls[K]>> } = {
  llm: z.tuple([z.unknown(), opt]) as z.ZodType<Parameters<HostCalls['llm']>>,
  llmBatch: z.tuple([z.unknown(), opt]) as z.ZodType<Parameters<HostCalls['llmBatch']>>,
  rlm: z.tuple([z.unknown(), ids, z.unknown(), z.string()]),
  rlmBatch: z.tuple([z.unknown(), z.unknown(), z.unknown(), z.array(z.string())]),
  diagnose: z.tuple([z.array(z.unknown()), z.unknown(), count]),
  submit: z.tuple([z.unknown()]),
  'repo.files': z.tuple([z.object({ glob: repoGlob }).strict().optional()]),
  'repo.grep': z.tuple([
    z.union([z.string().min(1).max(500), z.object({ source: z.string().min(1).max(500), flags: z.string().max(10) })]),
    z.object({ glob: repoGlob, max: z.number().int().positive().optional() }).strict().optional(),
  ]),
  'repo.read': z.tuple([z.string(), z.object({ from: z.number().optional(), to: z.number().optional() }).strict().optional()]),
  sql: z.tuple([z.string().min(1).max(100_000), z.object({ maxRows: z.number().int().positive().optional() }).strict().optional()]),
};

const USAGE: Record<HostCallName, string> = {
  llm: 'llm(prompt, { schema?, system?, data?, model?, maxOutputTokens? })',
  llmBatch: 'llmBatch(prompts, { schema?, system?, model?, concurrency? })',
  rlm: 'rlm(question, tracesOrIds, { maxTurns?, maxUsd? })',
  rlmBatch: 'rlmBatch(questions, subsets, { maxTurns?, maxUsd? })',
  diagnose: 'diagnose(tracesOrIds, { budget? })',
  submit: 'submit({ summary, findings })',
  'repo.files': 'repo.files({ glob? })',
  'repo.grep': 'repo.grep(pattern, { glob?, max? })',
  'repo.read': 'repo.read(path, { from?, to? })',
  sql: 'sql(query, { maxRows? })',
};

export type HostHandlers<N extends HostCallName = HostCallName> = {
  [K in N]: (...args: Parameters<HostCalls[K]>) => unknown;
};

export function isHostCallName(name: string): name is HostCallName {
  return Object.hasOwn(HOST_CALL_ARGS, name);
}

/**
 * Serves host calls from a table of handlers. Unknown names and malformed
 * arguments become errors whose message the sandbox code sees (with usage);
 * names outside the table are passed to `otherwise` when given. Synchronous
 * handlers stay synchronous (the child serves `repo.*` inline).
 */
export function hostCallDispatcher<N extends HostCallName>(
  handlers: HostHandlers<N>,
  otherwise?: (name: string, args: unknown[]) => unknown,
): (name: string, args: unknown[]) => unknown {
  const table = handlers as Partial<Record<HostCallName, (...args: unknown[]) => unknown>>;
  return (name, args) => {
    const handler = isHostCallName(name) ? table[name] : undefined;
    if (!handler) {
      if (otherwise) return otherwise(name, args);
      throw new Error(`${name}() is not a host function`);
    }
    const parsed = HOST_CALL_ARGS[name as HostCallName].safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `argument ${Number(issue.path[0]) + 1}${issue.path.length > 1 ? `.${issue.path.slice(1).join('.')}` : ''}: ` : '';
      throw new Error(`${name}(): bad arguments (${where}${issue?.message ?? 'invalid'}); usage: ${USAGE[name as HostCallName]}`);
    }
    return handler(...(parsed.data as unknown[]));
  };
}
