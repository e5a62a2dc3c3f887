#!/usr/bin/env node
// Generates Halo's bundled sample week: multi-agent traces with failure modes
// planted at known rates, plus a ground-truth file naming the traces that carry
// each mode. Deterministic: the same arguments give byte-identical trace text.
//
// Plain ESM with no dependencies so it runs from a fresh clone and from the
// benchmarks (which use --scale-bytes to stream a >= 1 GB week).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DAY_US = 86_400_000_000;
const WEEK_US = 7 * DAY_US;

const DEFAULTS = {
  traces: 3000,
  seed: 20261102,
  start: '2026-11-02T00:00:00.000Z',
  format: 'both',
  gzip: false,
};

const HELP = `Usage: node samples/generate.mjs [options]

Writes a deterministic week of multi-agent traces with planted failure modes.

Options:
  --out DIR            output directory (default: samples/week)
  --truth FILE         ground-truth JSON path, or "none"
                       (default: ground-truth.json beside the output directory)
  --traces N           number of traces (default: ${DEFAULTS.traces})
  --scale-bytes N      generate about N bytes of (uncompressed) trace text
                       instead of a fixed trace count; suffixes k, m, g allowed
                       (e.g. --scale-bytes 1g for the ingest benchmark)
  --seed N             PRNG seed (default: ${DEFAULTS.seed})
  --start ISO          start of the 7-day window (default: ${DEFAULTS.start},
                       a Monday)
  --format F           otlp | flat | both (default: both = support and research
                       agents as OTLP/JSON lines, coding agent as flat span JSONL)
  --gzip               gzip the output files (.jsonl.gz)
  --regress AGENT      plant an efficiency regression: AGENT (support, coding
                       or research) takes 3 more tool calls per run and 1.7x
                       the input tokens, with the same success rate and run
                       duration (a second week for halo compare)
  --quiet              no progress output
  -h, --help           show this help

Regenerate the committed sample:
  node samples/generate.mjs --gzip

The week after it, with support-agent's regression planted:
  node samples/generate.mjs --gzip --out samples/week2 --truth none \
    --start 2026-11-09T00:00:00.000Z --seed 20261109 --regress support

A 1 GB OTLP week for benchmarks (not committed):
  node samples/generate.mjs --out bench/data/week --format otlp --scale-bytes 1g
`;

// ---------------------------------------------------------------------------
// Deterministic randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash32(...parts) {
  const s = parts.join('\u0000');
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche so nearby inputs give unrelated seeds.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  float(lo = 0, hi = 1) {
    return lo + (hi - lo) * this.next();
  }
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p) {
    return this.next() < p;
  }
  pick(arr) {
    return arr[Math.floor(this.next() * arr.length)];
  }
  hex(chars) {
    let s = '';
    while (s.length < chars) s += ((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }
  digits(n) {
    let s = String(this.int(1, 9));
    while (s.length < n) s += String(this.int(0, 9));
    return s;
  }
  shuffle(arr) {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [arr[i], arr[j]] = [arr[j], arr[i]];
    }
    return arr;
  }
}

// ---------------------------------------------------------------------------
// Failure modes. `rate` is the share of traces planted with the mode as their
// primary mode; ground truth lists every trace that genuinely shows a mode,
// so some lists are unions (see groundTruthRules in README.md).

const MODES = {
  invalid_tool_arguments: {
    rate: 0.013,
    description: 'A tool call whose arguments string is not valid JSON; the tool span errors and the model resends valid arguments.',
  },
  tool_schema_violation: {
    rate: 0.013,
    description: 'Tool arguments are valid JSON but miss a required field or use a value outside the enum declared in the LLM span tool schema; the tool span is OK.',
  },
  unknown_tool: {
    rate: 0.012,
    description: 'The model calls a tool name that is not in the tool list declared on the LLM span; the tool span errors with "Unknown tool" and the next step switches to a declared tool.',
  },
  silent_error: {
    rate: 0.013,
    description: 'A tool span with status OK whose output contains error text ("Error: ...", a Python traceback, "Exception ..."); the run continues as if it worked.',
  },
  repeated_tool_call: {
    rate: 0.012,
    description: 'The same tool is called with identical arguments 3-5 times in a row.',
  },
  loop: {
    rate: 0.012,
    description: 'A cycle of 2-3 different tool calls (identical arguments per position) repeated 3-4 times.',
  },
  ignored_error: {
    rate: 0.012,
    description: 'A tool span errors as the run\'s last tool call; nothing after it succeeds, the final reply claims what the call was meant to do without mentioning the failure, and the run reports success (its root span is OK) with no verdict recorded.',
  },
  rate_limit_retry: {
    rate: 0.013,
    description: 'An LLM span fails with HTTP 429 (rate limit) 1-2 times, then the identical request succeeds.',
  },
  retry_exhausted: {
    rate: 0.012,
    description: 'The same LLM request fails with 503/529 (overloaded) 4-5 times in a row and never succeeds; the run aborts with an error status and a failed outcome.',
  },
  tool_error: {
    rate: 0.015,
    description: 'Traces with at least one tool span in error. Planted: one timeout per agent signature (search_kb / run_tests / fetch_url) retried successfully; also includes the error spans of invalid_tool_arguments, unknown_tool and ignored_error traces.',
  },
  cost_outlier: {
    rate: 0.012,
    description: "Trace cost 9-16x its agent's median (one LLM call with a huge prompt); duration stays in the normal range.",
  },
  latency_outlier: {
    rate: 0.012,
    description: "Trace duration 9-16x its agent's median (one very slow tool call, status OK); cost stays in the normal range.",
  },
  failed_task: {
    rate: 0.022,
    description: 'Root outcome success=false, reward 0. Includes every failed trace: planted failures, retry_exhausted runs and the failed attempts of flaky tasks.',
  },
  flaky_task: {
    rate: 0, // planted by task groups below, not by a per-trace rate
    description: 'All attempts (3-5) of a task id whose outcomes are mixed (some success, some failure). The task ids are in `flakyTasks`.',
  },
};
const MODE_NAMES = Object.keys(MODES);
const PLANTED = MODE_NAMES.filter((m) => MODES[m].rate > 0);

// Multi-attempt tasks: flaky groups (mixed outcomes) and consistent groups (all pass).
const FLAKY_TASK_RATE = 0.004; // groups per trace
const STEADY_TASK_RATE = 0.01;

// ---------------------------------------------------------------------------
// Agents, their tools (JSON schemas declared on every LLM span), and content.

function fn(name, description, properties, required) {
  return { name, description, parameters: { type: 'object', properties, required } };
}
const str = (description) => ({ type: 'string', description });

const TOPICS_RESEARCH = [
  'solid-state battery cost curves',
  'EU AI Act obligations for model providers',
  'RISC-V adoption in datacenters',
  'lithium carbonate prices this year',
  'carbon capture projects in Norway',
  'heat pump sales in Germany',
  'open-weight model licensing terms',
  'undersea cable investments in Africa',
  'green hydrogen electrolyzer capacity',
  'semiconductor export controls',
  'urban air mobility certification',
  'grid-scale storage procurement in Texas',
];
const SITES = ['news.example.org', 'research.example.com', 'data.example.net', 'policy.example.org', 'journal.example.edu'];
const MODULES = ['auth', 'billing', 'api', 'cache', 'parser', 'scheduler', 'search', 'notify'];
const FILES = ['index', 'session', 'handlers', 'client', 'store', 'utils', 'validate', 'routes'];
const PRODUCTS = ['wireless earbuds', 'standing desk', 'espresso machine', 'running shoes', 'backpack', 'desk lamp', 'air purifier', 'mechanical keyboard'];

export const AGENTS = [
  {
    name: 'support-agent',
    key: 'support',
    convention: 'openinference',
    share: 0.4,
    model: 'gpt-4o',
    provider: 'openai',
    price: { in: 2.5, out: 10 },
    medianUs: 9_000_000,
    medianIn: 5200,
    medianOut: 420,
    service: { version: '2.14.0', scope: 'openinference.instrumentation.openai', scopeVersion: '0.1.21' },
    system: 'You are the support assistant for Northwind Outfitters. Use the tools to look up orders, issue refunds within policy, and escalate when needed. Never invent order data.',
    order: ['search_kb', 'lookup_order', 'update_address', 'refund_order', 'escalate'],
    tools: [
      fn('search_kb', 'Search the help-center knowledge base.', { query: str('search text'), category: { type: 'string', enum: ['billing', 'shipping', 'returns', 'account'] } }, ['query']),
      fn('lookup_order', 'Fetch an order by id.', { order_id: str('order id like ORD-123456'), include_items: { type: 'boolean' } }, ['order_id']),
      fn('update_address', 'Change the shipping address of an order that has not shipped.', { order_id: str('order id'), address: str('full postal address') }, ['order_id', 'address']),
      fn('refund_order', 'Refund all or part of an order.', { order_id: str('order id'), amount: { type: 'number' }, reason: { type: 'string', enum: ['damaged', 'late', 'wrong_item', 'changed_mind'] } }, ['order_id', 'amount', 'reason']),
      fn('escalate', 'Hand the conversation to a human agent.', { priority: { type: 'string', enum: ['low', 'normal', 'high', 'urgent'] }, summary: str('what the human needs to know') }, ['priority', 'summary']),
    ],
    unknownTools: ['get_order_status', 'cancel_subscription'],
    brittleTools: ['update_address', 'refund_order'],
    timeoutTool: 'search_kb',
    slowTool: 'lookup_order',
  },
  {
    name: 'coding-agent',
    key: 'coding',
    convention: 'openinference',
    share: 0.3,
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    price: { in: 3, out: 15 },
    medianUs: 48_000_000,
    medianIn: 24000,
    medianOut: 2100,
    service: { version: '0.9.3', scope: 'openinference.instrumentation.anthropic', scopeVersion: '0.1.19' },
    system: 'You are a coding agent working in a TypeScript monorepo. Read before you write, keep changes minimal, and run the tests before you finish.',
    order: ['list_dir', 'search_code', 'read_file', 'write_file', 'run_tests'],
    tools: [
      fn('list_dir', 'List a directory.', { path: str('directory path') }, ['path']),
      fn('search_code', 'Search the repository with a regular expression.', { pattern: str('regex'), glob: str('file glob') }, ['pattern']),
      fn('read_file', 'Read a file.', { path: str('file path') }, ['path']),
      fn('write_file', 'Write a file.', { path: str('file path'), content: str('full new content') }, ['path', 'content']),
      fn('run_tests', 'Run a test target.', { target: str('test file or directory'), framework: { type: 'string', enum: ['vitest', 'jest', 'pytest', 'go'] } }, ['target']),
    ],
    unknownTools: ['run_shell', 'apply_patch'],
    brittleTools: ['write_file', 'run_tests'],
    timeoutTool: 'run_tests',
    slowTool: 'run_tests',
  },
  {
    name: 'research-agent',
    key: 'research',
    convention: 'genai',
    share: 0.3,
    model: 'gpt-4o-mini',
    provider: 'openai',
    price: { in: 0.15, out: 0.6 },
    medianUs: 24_000_000,
    medianIn: 14000,
    medianOut: 1300,
    service: { version: '1.3.1', scope: 'opentelemetry.instrumentation.openai_v2', scopeVersion: '2.1b0' },
    system: 'You are a research assistant. Search the web, read primary sources, and answer with a short cited summary.',
    order: ['web_search', 'fetch_url', 'extract_table', 'summarize'],
    tools: [
      fn('web_search', 'Search the web.', { query: str('search query'), recency: { type: 'string', enum: ['day', 'week', 'month', 'any'] } }, ['query']),
      fn('fetch_url', 'Download a page as text.', { url: str('absolute URL') }, ['url']),
      fn('extract_table', 'Extract a table from a page.', { url: str('absolute URL'), table_index: { type: 'integer' } }, ['url']),
      fn('summarize', 'Summarize text.', { text: str('text to summarize'), style: { type: 'string', enum: ['brief', 'detailed', 'bullets'] } }, ['text']),
    ],
    unknownTools: ['browse', 'read_pdf'],
    brittleTools: ['summarize', 'extract_table'],
    timeoutTool: 'fetch_url',
    slowTool: 'fetch_url',
  },
];

for (const a of AGENTS) {
  a.toolNames = new Set(a.tools.map((t) => t.name));
  // Pre-serialized once: every LLM span declares the same tool list.
  a.toolJson = a.tools.map((t) => JSON.stringify({ type: 'function', function: t }));
  a.toolDefinitions = JSON.stringify(a.tools.map((t) => ({ type: 'function', ...t })));
  // The tool list is the bulk of every LLM span: render its JSON once per agent.
  const toolAttrs = a.convention === 'genai'
    ? [['gen_ai.tool.definitions', a.toolDefinitions]]
    : a.toolJson.map((j, i) => [`llm.tools.${i}.tool.json_schema`, j]);
  a.scopeJson = JSON.stringify({ name: a.service.scope, version: a.service.scopeVersion });
  a.otlpTools = toolAttrs.map(([key, v]) => JSON.stringify({ key, value: { stringValue: v } })).join(',');
  a.flatTools = toolAttrs.map(([key, v]) => `${JSON.stringify(key)}:${JSON.stringify(v)}`).join(',');
}

// Scenario content shared by all attempts of one task.
function taskContext(agent, rng) {
  if (agent.key === 'support') {
    const order = `ORD-${rng.digits(6)}`;
    const product = rng.pick(PRODUCTS);
    const amount = Math.round(rng.float(18, 240) * 100) / 100;
    const issue = rng.pick(['damaged', 'late', 'wrong_item', 'changed_mind']);
    const asks = {
      damaged: `Hi, my ${product} from order ${order} arrived damaged. Can I get a refund?`,
      late: `Order ${order} (${product}) is a week late. What is going on, and can you refund the shipping?`,
      wrong_item: `I ordered a ${product} (${order}) but received something else. Please sort this out.`,
      changed_mind: `I'd like to return the ${product} from order ${order}, I changed my mind.`,
    };
    return { order, product, amount, issue, ask: asks[issue], street: `${rng.int(10, 999)} ${rng.pick(['Oak', 'Pine', 'Maple', 'Cedar', 'Elm'])} St, Springfield` };
  }
  if (agent.key === 'coding') {
    const mod = rng.pick(MODULES);
    const file = rng.pick(FILES);
    const verb = rng.pick(['Fix the failing test in', 'Add input validation to', 'Refactor', 'Add a retry option to', 'Document the exports of']);
    return { mod, file, path: `src/${mod}/${file}.ts`, test: `tests/${mod}/${file}.test.ts`, ask: `${verb} src/${mod}/${file}.ts`, fn: rng.pick(['parseInput', 'loadConfig', 'createSession', 'formatAmount', 'scheduleJob', 'resolveRoute']) };
  }
  const topic = rng.pick(TOPICS_RESEARCH);
  const site = rng.pick(SITES);
  const url = `https://${site}/articles/${rng.digits(5)}-${topic.split(' ')[0].toLowerCase()}`;
  return { topic, url, url2: `https://${rng.pick(SITES)}/reports/${rng.digits(4)}`, ask: `What is the current state of ${topic}? Give me a short summary with sources.` };
}

// A successful call of `name` for this task: arguments (object) and a result text
// free of anything that reads like an error.
function cleanCall(agent, name, ctx, rng) {
  switch (name) {
    case 'search_kb':
      return { args: { query: `${ctx.issue.replace('_', ' ')} refund policy`, category: rng.pick(['returns', 'billing', 'shipping']) }, result: JSON.stringify({ articles: [{ id: `KB-${rng.digits(4)}`, title: `Refunds for ${ctx.issue.replace('_', ' ')} orders`, snippet: 'Customers can request a refund within 30 days of delivery.' }] }) };
    case 'lookup_order':
      return { args: { order_id: ctx.order, include_items: true }, result: JSON.stringify({ order_id: ctx.order, status: rng.pick(['delivered', 'shipped', 'processing']), total: ctx.amount, items: [{ name: ctx.product, qty: 1 }] }) };
    case 'update_address':
      return { args: { order_id: ctx.order, address: ctx.street }, result: JSON.stringify({ order_id: ctx.order, address: ctx.street, updated: true }) };
    case 'refund_order':
      return { args: { order_id: ctx.order, amount: ctx.amount, reason: ctx.issue }, result: JSON.stringify({ refund_id: `RF-${rng.digits(7)}`, status: 'approved', amount: ctx.amount }) };
    case 'escalate':
      return { args: { priority: rng.pick(['normal', 'high']), summary: `Customer asks about ${ctx.order}: ${ctx.issue.replace('_', ' ')}` }, result: JSON.stringify({ ticket_id: `TCK-${rng.digits(6)}`, queue: 'tier2' }) };
    case 'list_dir':
      return { args: { path: `src/${ctx.mod}` }, result: FILES.slice(0, rng.int(3, 7)).map((f) => `${f}.ts`).join('\n') };
    case 'search_code':
      return { args: { pattern: `${ctx.fn}\\(`, glob: 'src/**/*.ts' }, result: `${ctx.path}:${rng.int(5, 180)}: export function ${ctx.fn}(input) {\nsrc/${rng.pick(MODULES)}/index.ts:${rng.int(3, 60)}:   return ${ctx.fn}(raw);` };
    case 'read_file': {
      const p = rng.chance(0.7) ? ctx.path : `src/${ctx.mod}/${rng.pick(FILES)}.ts`;
      return { args: { path: p }, result: `import { config } from '../config';\n\nexport function ${ctx.fn}(input: string) {\n  const value = input.trim();\n  return { value, ttl: config.ttlSeconds };\n}\n` };
    }
    case 'write_file':
      return { args: { path: ctx.path, content: `export function ${ctx.fn}(input: string) {\n  if (typeof input !== 'string') return null;\n  return { value: input.trim() };\n}\n` }, result: JSON.stringify({ path: ctx.path, bytes_written: rng.int(180, 2400) }) };
    case 'run_tests': {
      const n = rng.int(8, 60);
      return { args: { target: ctx.test, framework: 'vitest' }, result: `Test Files  ${rng.int(1, 4)} passed\n     Tests  ${n} passed (${n})\n  Duration  ${rng.float(1, 9).toFixed(2)}s` };
    }
    case 'web_search':
      return { args: { query: ctx.topic, recency: rng.pick(['month', 'any', 'week']) }, result: JSON.stringify({ results: [{ title: `${ctx.topic}: what changed`, url: ctx.url }, { title: `Report on ${ctx.topic}`, url: ctx.url2 }] }) };
    case 'fetch_url':
      return { args: { url: ctx.url }, result: `${ctx.topic[0].toUpperCase()}${ctx.topic.slice(1)} moved quickly this year. Analysts cite ${rng.int(3, 40)} new projects and a ${rng.int(5, 35)}% change in volume since last spring.` };
    case 'extract_table':
      return { args: { url: ctx.url2, table_index: rng.int(0, 2) }, result: JSON.stringify({ columns: ['year', 'value'], rows: [[2024, rng.int(10, 99)], [2025, rng.int(10, 99)], [2026, rng.int(10, 99)]] }) };
    case 'summarize':
      return { args: { text: `Notes on ${ctx.topic} from ${ctx.url}`, style: rng.pick(['brief', 'bullets']) }, result: `- ${ctx.topic} is growing\n- main drivers: policy and cost\n- source: ${ctx.url}` };
    default: // an unknown tool: plausible arguments, no result
      return { args: agent.key === 'support' ? { order_id: ctx.order } : agent.key === 'coding' ? { command: `npm test -- ${ctx.test}` } : { url: ctx.url }, result: '' };
  }
}

// Arguments that violate the declared schema but are valid JSON; the tool still answers.
function schemaViolation(agent, ctx, rng, variant) {
  const c = (n) => cleanCall(agent, n, ctx, rng);
  const options = {
    support: [
      () => { const x = c('refund_order'); delete x.args.reason; return { name: 'refund_order', ...x, why: 'missing required field "reason"' }; },
      () => { const x = c('refund_order'); x.args.reason = 'defective'; return { name: 'refund_order', ...x, why: 'reason "defective" not in enum' }; },
      () => { const x = c('search_kb'); x.args.category = 'shipping_policy'; return { name: 'search_kb', ...x, why: 'category "shipping_policy" not in enum' }; },
      () => { const x = c('escalate'); x.args.priority = 'critical'; return { name: 'escalate', ...x, why: 'priority "critical" not in enum' }; },
    ],
    coding: [
      () => { const x = c('run_tests'); x.args.framework = 'mocha'; return { name: 'run_tests', ...x, why: 'framework "mocha" not in enum' }; },
      () => { const x = c('run_tests'); delete x.args.target; return { name: 'run_tests', ...x, why: 'missing required field "target"' }; },
      () => { const x = c('search_code'); x.args = { query: x.args.pattern, glob: x.args.glob }; return { name: 'search_code', ...x, why: 'missing required field "pattern"' }; },
    ],
    research: [
      () => { const x = c('web_search'); x.args.recency = 'year'; return { name: 'web_search', ...x, why: 'recency "year" not in enum' }; },
      () => { const x = c('summarize'); x.args.style = 'short'; return { name: 'summarize', ...x, why: 'style "short" not in enum' }; },
      () => { const x = c('fetch_url'); x.args = { link: x.args.url }; return { name: 'fetch_url', ...x, why: 'missing required field "url"' }; },
    ],
  };
  return pickVariant(options[agent.key], variant)();
}

// Error text inside an OK tool span.
function silentFailure(agent, ctx, rng, variant) {
  const options = {
    support: [
      ['lookup_order', () => `Error: upstream order service returned HTTP 502 Bad Gateway (request ${rng.hex(8)})`],
      ['search_kb', () => JSON.stringify({ articles: [], error: `Exception in search backend: index kb-prod-${rng.int(1, 4)} is read-only` })],
      ['refund_order', () => `Traceback (most recent call last):\n  File "/srv/payments/refund.py", line ${rng.int(40, 200)}, in create_refund\n    gateway.submit(req)\nConnectionResetError: [Errno 104] Connection reset by peer`],
    ],
    coding: [
      ['run_tests', () => `Traceback (most recent call last):\n  File "/usr/lib/python3.12/runpy.py", line 198, in _run_module_as_main\nModuleNotFoundError: No module named 'pytest_asyncio'`],
      ['read_file', () => `Error: ENOENT: no such file or directory, open '${ctx.path.replace('.ts', '.legacy.ts')}'`],
      ['search_code', () => `rg: exception while reading .git/index: Permission denied (os error 13)`],
    ],
    research: [
      ['fetch_url', () => `<html><head><title>500 Internal Server Error</title></head><body>Error: upstream timed out after ${rng.int(10, 60)}s</body></html>`],
      ['web_search', () => JSON.stringify({ results: [], message: `Exception: quota exceeded for search provider (${rng.int(100, 999)} requests today)` })],
      ['summarize', () => 'Error: input text is empty, nothing to summarize'],
    ],
  };
  const [name, result] = pickVariant(options[agent.key], variant);
  return { name, args: cleanCall(agent, name, ctx, rng).args, result: result() };
}

// A tool error the next step ignores.
function ignoredFailure(agent, ctx, rng, variant) {
  // Built per agent: each context only has its own agent's fields.
  const options = {
    support: () => [
      ['refund_order', `PaymentGatewayError: refund declined by issuer (code ${rng.pick(['05', '51', '62'])})`, `Your refund of $${ctx.amount.toFixed(2)} for order ${ctx.order} has been issued. It will appear on your statement in 3-5 business days.`],
      ['update_address', `ConflictError: order ${ctx.order} is already with the carrier and cannot be changed`, `Done! Order ${ctx.order} will now ship to ${ctx.street}.`],
    ],
    coding: () => [
      ['write_file', `PermissionError: [Errno 13] Permission denied: '${ctx.path}'`, `I've updated ${ctx.path}: ${ctx.fn} now validates its input and returns null for non-strings.`],
      ['run_tests', `Process exited with code 1: ${rng.int(2, 9)} tests failed in ${ctx.test}`, `The change is in place and the test suite for ${ctx.mod} passes.`],
    ],
    research: () => [
      ['fetch_url', `HTTPError: 403 Forbidden for url ${ctx.url}`, `Summary of ${ctx.topic}: activity grew strongly this year, led by policy support and falling costs. Source: ${ctx.url}`],
      ['extract_table', `ValueError: no table at index ${rng.int(1, 4)} on ${ctx.url2}`, `The figures for ${ctx.topic} rose each year from 2024 to 2026 (source: ${ctx.url2}).`],
    ],
  };
  const [name, errMsg, claim] = pickVariant(options[agent.key](), variant);
  return { name, args: cleanCall(agent, name, ctx, rng).args, errMsg, claim };
}

function timeoutMessage(agent, args, rng) {
  if (agent.key === 'support') return `TimeoutError: search_kb timed out after ${rng.pick([15000, 30000])} ms`;
  if (agent.key === 'coding') return `TimeoutError: test run for ${args.target ?? 'tests'} exceeded ${rng.pick([120, 300])} s`;
  return `TimeoutError: GET ${args.url} timed out after ${rng.pick([10000, 15000, 20000])} ms`;
}

function finalAnswer(agent, ctx, success, rng) {
  if (agent.key === 'support') {
    return success
      ? rng.pick([`I've taken care of order ${ctx.order}. You'll get a confirmation email shortly.`, `Your request for order ${ctx.order} is resolved: $${ctx.amount.toFixed(2)} will be back on your card in 3-5 business days.`])
      : `I wasn't able to resolve order ${ctx.order} in this chat. Could you confirm the order number and the email on the account?`;
  }
  if (agent.key === 'coding') {
    return success
      ? `Done: ${ctx.ask}. I changed ${ctx.path} and the tests in ${ctx.test} pass.`
      : `I could not complete "${ctx.ask}": the change to ${ctx.path} is partial and ${ctx.fn} still needs work.`;
  }
  return success
    ? `Summary of ${ctx.topic}: growth continued this year, driven by policy and cost declines. Sources: ${ctx.url}, ${ctx.url2}`
    : `I could not find enough reliable sources on ${ctx.topic} to answer confidently.`;
}

// Arguments text that does not parse as JSON, the way models actually break it.
function brokenJson(args, rng) {
  const json = JSON.stringify(args);
  switch (rng.int(0, 3)) {
    case 0: return json.slice(0, Math.max(2, Math.floor(json.length * rng.float(0.4, 0.85)))); // truncated
    case 1: return json.replace(/"/g, "'"); // single quotes
    case 2: return json.replace(/}$/, ',}'); // trailing comma
    default: return json.replace(/"([a-z_]+)":/g, '$1:'); // unquoted keys
  }
}

function parseError(text) {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    return e.message.split('\n')[0];
  }
}

// ---------------------------------------------------------------------------
// A trace as a list of steps, then spans.
//
// Steps: {kind:'call', name, args (string), result, error?, text, slow?}
//        {kind:'llmfail', code, errType, errMsg}
//        {kind:'final', text}
//        {kind:'abort', errMsg}

function baseCalls(agent, ctx, rng, allowDoubleRead) {
  const n = rng.int(2, Math.min(5, agent.order.length));
  const picked = rng.shuffle(agent.order.slice()).slice(0, n);
  picked.sort((a, b) => agent.order.indexOf(a) - agent.order.indexOf(b));
  const calls = [];
  for (const name of picked) {
    const c = cleanCall(agent, name, ctx, rng);
    calls.push({ kind: 'call', name, args: JSON.stringify(c.args), result: c.result, text: '' });
    // Coding agents often read a second file right after the first; never a third.
    if (name === 'read_file' && rng.chance(0.3) && allowDoubleRead) {
      const other = `src/${ctx.mod}/${FILES[(FILES.indexOf(ctx.file) + 1) % FILES.length]}.ts`;
      calls.push({ kind: 'call', name, args: JSON.stringify({ path: other }), result: `export const ${ctx.mod}Defaults = { retries: 2, ttlSeconds: 300 };\n`, text: '' });
    }
  }
  return calls;
}

function callStep(name, args, result, text = '') {
  return { kind: 'call', name, args: typeof args === 'string' ? args : JSON.stringify(args), result, text };
}

// Planted traces of one agent and mode take the variants in turn, so each
// failure recurs often enough to be a pattern rather than a one-off.
function pickVariant(options, variant) {
  return options[variant % options.length];
}

// The planted efficiency regression: the agent looks things up again before it
// answers. Clean calls drawn from their own generator, so the rest of the
// trace is what it would have been.
function extraCalls(agent, ctx, rng) {
  return Array.from({ length: 3 }, () => {
    const name = rng.pick(agent.order);
    const c = cleanCall(agent, name, ctx, rng);
    return callStep(name, c.args, c.result);
  });
}

function buildSteps(agent, mode, ctx, success, rng, variant, regressRng = null) {
  // Modes that retry a call would otherwise show a third read_file in a row.
  let calls = baseCalls(agent, ctx, rng, mode !== 'invalid_tool_arguments' && mode !== 'tool_error');
  if (regressRng) calls.push(...extraCalls(agent, ctx, regressRng));
  const at = (max) => rng.int(0, max);
  const marks = {};

  switch (mode) {
    case 'invalid_tool_arguments': {
      // Models break the arguments of tools with long or nested inputs.
      const name = pickVariant(agent.brittleTools, variant);
      let i = calls.findIndex((c) => c.name === name);
      if (i < 0) {
        const c = cleanCall(agent, name, ctx, rng);
        i = at(calls.length);
        calls.splice(i, 0, callStep(name, c.args, c.result));
      }
      const good = calls[i];
      const bad = brokenJson(JSON.parse(good.args), rng);
      const failed = { ...callStep(good.name, bad, ''), error: { type: 'ToolArgumentsError', message: `Invalid arguments for ${good.name}: could not parse JSON (${parseError(bad)})` } };
      const retry = { ...good, text: `The arguments I sent to ${good.name} were not well-formed JSON; sending the call again.` };
      calls.splice(i, 1, failed, retry);
      break;
    }
    case 'tool_schema_violation': {
      const v = schemaViolation(agent, ctx, rng, variant);
      calls = calls.filter((c) => c.name !== v.name);
      calls.splice(at(calls.length), 0, callStep(v.name, v.args, v.result));
      marks.violation = v.why;
      break;
    }
    case 'unknown_tool': {
      const i = at(calls.length - 1);
      const unknown = pickVariant(agent.unknownTools, variant);
      const failed = { ...callStep(unknown, cleanCall(agent, unknown, ctx, rng).args, ''), error: { type: 'UnknownToolError', message: `Unknown tool: ${unknown} is not one of the tools available to ${agent.name}` } };
      calls[i] = { ...calls[i], text: `${unknown} is not one of my tools; using ${calls[i].name} instead.` };
      calls.splice(i, 0, failed);
      break;
    }
    case 'silent_error': {
      const s = silentFailure(agent, ctx, rng, variant);
      calls = calls.filter((c) => c.name !== s.name);
      calls.splice(at(calls.length), 0, callStep(s.name, s.args, s.result));
      break;
    }
    case 'repeated_tool_call': {
      const i = at(calls.length - 1);
      const times = rng.int(3, 5);
      const copies = Array.from({ length: times }, () => ({ ...calls[i] }));
      calls.splice(i, 1, ...copies);
      break;
    }
    case 'loop': {
      while (new Set(calls.map((c) => c.name)).size < 3) {
        const missing = agent.order.find((n) => !calls.some((c) => c.name === n));
        const c = cleanCall(agent, missing, ctx, rng);
        calls.push(callStep(missing, c.args, c.result));
      }
      const size = rng.int(2, 3);
      const distinct = [];
      for (const c of calls) if (!distinct.some((d) => d.name === c.name)) distinct.push(c);
      const start = at(distinct.length - size);
      const cycle = distinct.slice(start, start + size);
      const reps = rng.int(3, 4);
      const prefix = calls.slice(0, calls.indexOf(cycle[0])).filter((c) => !cycle.some((d) => d.name === c.name));
      calls = [...prefix];
      for (let r = 0; r < reps; r++) for (const c of cycle) calls.push({ ...c });
      break;
    }
    case 'ignored_error': {
      const f = ignoredFailure(agent, ctx, rng, variant);
      calls = calls.filter((c) => c.name !== f.name);
      // The failed call is the run's last: nothing routes around it (a later
      // call that works would be a recovery, not an ignored error), and the
      // final answer claims what the call was meant to do. The draw keeps the
      // random stream, and with it every other planted trace, as it was.
      at(calls.length);
      calls.push({ ...callStep(f.name, f.args, ''), error: { type: f.errMsg.split(':')[0], message: f.errMsg } });
      marks.claim = f.claim;
      break;
    }
    case 'tool_error': {
      const name = agent.timeoutTool;
      let i = calls.findIndex((c) => c.name === name);
      if (i < 0) {
        const c = cleanCall(agent, name, ctx, rng);
        i = at(calls.length);
        calls.splice(i, 0, callStep(name, c.args, c.result));
      }
      const good = calls[i];
      const failed = { ...good, result: '', error: { type: 'TimeoutError', message: timeoutMessage(agent, JSON.parse(good.args), rng) } };
      calls.splice(i, 1, failed, { ...good, text: `The previous ${name} call did not return in time; trying it again.` });
      break;
    }
    case 'latency_outlier': {
      let i = calls.findIndex((c) => c.name === agent.slowTool);
      if (i < 0) {
        const c = cleanCall(agent, agent.slowTool, ctx, rng);
        i = at(calls.length);
        calls.splice(i, 0, callStep(agent.slowTool, c.args, c.result));
      }
      calls[i] = { ...calls[i], slow: true };
      break;
    }
  }

  const steps = [...calls];
  if (mode === 'retry_exhausted') {
    const cut = rng.int(1, steps.length);
    steps.length = cut;
    const anthropic = agent.provider === 'anthropic';
    const times = rng.int(4, 5);
    for (let r = 0; r < times; r++) {
      steps.push(anthropic
        ? { kind: 'llmfail', code: 529, errType: 'OverloadedError', errMsg: "529 overloaded_error: Overloaded" }
        : { kind: 'llmfail', code: 503, errType: 'InternalServerError', errMsg: '503 Service Unavailable: The server is overloaded or not ready yet.' });
    }
    steps.push({ kind: 'abort', errMsg: `Agent run aborted: model request did not succeed after ${times} attempts` });
    return { steps, marks };
  }

  steps.push({ kind: 'final', text: marks.claim ?? finalAnswer(agent, ctx, success, rng) });
  if (mode === 'rate_limit_retry') {
    const llmAt = rng.int(0, steps.length - 1);
    const fails = rng.chance(0.7) ? 1 : 2;
    const fail = agent.provider === 'anthropic'
      ? { kind: 'llmfail', code: 429, errType: 'RateLimitError', errMsg: `429 rate_limit_error: This request would exceed the rate limit for your organization of ${rng.pick([40000, 80000])} input tokens per minute.` }
      : { kind: 'llmfail', code: 429, errType: 'RateLimitError', errMsg: `429 Rate limit reached for ${agent.model} in organization org-${rng.hex(12)} on tokens per min (TPM): Limit 200000, Used ${rng.int(195000, 199900)}, Requested ${rng.int(800, 6000)}. Please try again in ${rng.float(0.5, 6).toFixed(2)}s.` };
    steps.splice(llmAt, 0, ...Array.from({ length: fails }, () => ({ ...fail })));
  }
  return { steps, marks };
}

// Uniform in log space: a bounded spread (x0.6..x1.65) keeps every normal trace far
// from the planted outliers (x9..x16) under any median/MAD or ratio rule.
function spread(rng) {
  return Math.exp(rng.float(-0.5, 0.5));
}

const round6 = (x) => Math.round(x * 1e7) / 1e7;

function buildTrace(agent, plan, seed, index) {
  const rng = new Rng(hash32(seed, 'trace', index));
  const ctx = taskContext(agent, new Rng(hash32(seed, 'task', plan.taskId)));
  const { mode, success } = plan;
  const { steps } = buildSteps(agent, mode, ctx, success, rng, plan.variant, plan.regress ? new Rng(hash32(seed, 'regress', index)) : null);
  const traceId = rng.hex(32);
  const spanId = () => rng.hex(16);

  // Budgets for the whole trace, spread over its steps, so step count never
  // moves a trace's cost or duration out of the normal range.
  const totalIn = agent.medianIn * spread(rng) * (plan.regress ? 1.7 : 1);
  const totalOut = agent.medianOut * spread(rng);
  const durUs = agent.medianUs * spread(rng);

  const okLlm = steps.filter((s) => s.kind === 'call' || s.kind === 'final').length;
  const inW = [];
  const outW = [];
  let k = 0;
  for (const s of steps) {
    if (s.kind === 'call' || s.kind === 'final') {
      inW.push(1 + 0.35 * k + rng.float(0, 0.2));
      outW.push(s.kind === 'final' ? 4 : 1 + rng.float(0, 0.3));
      k++;
    }
  }
  const inSum = inW.reduce((a, b) => a + b, 0);
  const outSum = outW.reduce((a, b) => a + b, 0);
  const heavy = mode === 'cost_outlier' ? rng.int(0, okLlm - 1) : -1;
  // Outliers are set relative to the agent's median, not this trace's own draw.
  const medianCost = agent.medianIn * agent.price.in + agent.medianOut * agent.price.out;
  const ownCost = totalIn * agent.price.in + totalOut * agent.price.out;
  const heavyExtraIn = Math.round((rng.float(9, 16) * medianCost - ownCost) / agent.price.in);

  // Time weights per span; a slow step adds (factor-1) x the whole normal duration.
  const timeW = [];
  for (const s of steps) {
    if (s.kind === 'call') timeW.push(rng.float(0.8, 1.4), rng.float(0.2, 0.7));
    else if (s.kind === 'final') timeW.push(rng.float(1, 1.6));
    else if (s.code === 429) timeW.push(rng.float(0.02, 0.06), rng.float(0.15, 0.4)); // the call, then the backoff
    else if (s.kind === 'llmfail') timeW.push(rng.float(0.1, 0.3));
  }
  const timeSum = timeW.reduce((a, b) => a + b, 0);
  const slowExtra = mode === 'latency_outlier' ? rng.float(9, 16) * agent.medianUs - durUs : 0;

  const rootId = spanId();
  const t0 = plan.startUs;
  let cursor = t0 + rng.int(800, 4000);
  const spans = [];
  const history = [{ role: 'system', content: agent.system }, { role: 'user', content: ctx.ask }];
  let llmIdx = 0;
  let wIdx = 0;
  let finalText = null;
  let abort = null;
  const gap = () => rng.int(200, 3000);
  const take = () => Math.max(1000, Math.round((timeW[wIdx++] / timeSum) * durUs * 0.9));

  const llmSpan = (output, fail) => {
    const start = cursor;
    const end = start + take();
    cursor = end + (fail?.code === 429 ? take() : gap());
    const span = { spanId: spanId(), parentId: rootId, kind: 'llm', start, end, input: history.slice(), output, model: agent.model };
    if (fail) {
      span.error = { type: fail.errType, message: fail.errMsg, code: fail.code };
    } else {
      let tin = Math.round((inW[llmIdx] / inSum) * totalIn);
      const tout = Math.max(12, Math.round((outW[llmIdx] / outSum) * totalOut));
      if (llmIdx === heavy) tin += heavyExtraIn;
      span.tokens = { input: tin, output: tout };
      span.cost = round6((tin * agent.price.in + tout * agent.price.out) / 1e6);
      llmIdx++;
    }
    spans.push(span);
  };

  for (const s of steps) {
    if (s.kind === 'llmfail') {
      llmSpan(null, s);
    } else if (s.kind === 'call') {
      const callId = `call_${rng.hex(24)}`;
      llmSpan({ content: s.text, toolCall: { id: callId, name: s.name, arguments: s.args } });
      const start = cursor;
      let dur = take();
      if (s.slow) dur += Math.round(slowExtra);
      const end = start + dur;
      cursor = end + gap();
      spans.push({ spanId: spanId(), parentId: rootId, kind: 'tool', start, end, name: s.name, callId, args: s.args, result: s.error ? null : s.result, error: s.error ?? null });
      history.push({ role: 'assistant', content: s.text, toolCall: { id: callId, name: s.name, arguments: s.args } });
      history.push({ role: 'tool', toolCallId: callId, content: s.error ? s.error.message : s.result });
    } else if (s.kind === 'final') {
      llmSpan({ content: s.text });
      finalText = s.text;
    } else if (s.kind === 'abort') {
      abort = s.errMsg;
    }
  }
  const end = cursor + rng.int(500, 3000);
  const failedOutcome = abort !== null || !success;
  const root = {
    spanId: rootId, parentId: null, kind: 'agent', start: t0, end,
    ask: ctx.ask, answer: finalText,
    error: abort ? { type: 'AgentRunError', message: abort } : null,
    // An ignored error's run has no verdict: its agent reported success (the root span is OK) and no grader read
    // the run, as in production, where the user finds out later. A verdict of success would say its answer was right.
    outcome: mode === 'ignored_error' ? null : { success: !failedOutcome, reward: failedOutcome ? 0 : 1, label: failedOutcome ? 'unresolved' : 'resolved' },
  };
  spans.unshift(root);
  return { traceId, agent, plan, spans, failed: failedOutcome };
}

// ---------------------------------------------------------------------------
// Serialization: OpenInference or GenAI attributes, flat span JSONL or OTLP/JSON.

// Placeholder key for the agent's pre-rendered tool declarations.
const TOOLS = '\u0000tools';
// Placeholder key for the input messages, rendered once per message and trace.
const INPUTS = '\u0000inputs';
const DOUBLE_KEYS = new Set(['llm.cost.total', 'gen_ai.usage.cost', 'halo.outcome.reward']);

function spanName(agent, s) {
  if (s.kind === 'agent') return agent.convention === 'genai' ? `invoke_agent ${agent.name}` : agent.name;
  if (s.kind === 'llm') {
    if (agent.convention === 'genai') return `chat ${agent.model}`;
    return agent.provider === 'anthropic' ? 'Messages' : 'ChatCompletion';
  }
  return agent.convention === 'genai' ? `execute_tool ${s.name}` : s.name;
}

function rootAttributes(t, s, attrs) {
  const { agent, plan } = t;
  if (agent.convention === 'genai') {
    attrs['gen_ai.operation.name'] = 'invoke_agent';
    attrs['gen_ai.agent.name'] = agent.name;
    attrs['gen_ai.conversation.id'] = plan.sessionId;
  } else {
    attrs['openinference.span.kind'] = 'AGENT';
    attrs['agent.name'] = agent.name;
    attrs['session.id'] = plan.sessionId;
    attrs['input.value'] = s.ask;
    if (s.answer !== null) attrs['output.value'] = s.answer;
  }
  attrs['user.id'] = plan.userId;
  attrs['halo.task_id'] = plan.taskId;
  attrs['halo.trial'] = plan.trial;
  if (s.outcome !== null) {
    attrs['halo.outcome.success'] = s.outcome.success;
    attrs['halo.outcome.reward'] = s.outcome.reward;
    attrs['halo.outcome.label'] = s.outcome.label;
  }
}

// The flattened attributes of input message i (OpenInference).
function inputMessageAttrs(m, i) {
  const attrs = {};
  const p = `llm.input_messages.${i}.message.`;
  attrs[p + 'role'] = m.role;
  if (m.content) attrs[p + 'content'] = m.content;
  if (m.toolCall) {
    attrs[p + 'tool_calls.0.tool_call.id'] = m.toolCall.id;
    attrs[p + 'tool_calls.0.tool_call.function.name'] = m.toolCall.name;
    attrs[p + 'tool_calls.0.tool_call.function.arguments'] = m.toolCall.arguments;
  }
  if (m.toolCallId) attrs[p + 'tool_call_id'] = m.toolCallId;
  return attrs;
}

function openInferenceLlm(agent, s, attrs) {
  attrs['openinference.span.kind'] = 'LLM';
  attrs['llm.provider'] = agent.provider;
  attrs['llm.model_name'] = agent.model;
  attrs[TOOLS] = true;
  attrs[INPUTS] = s.input;
  if (s.output) {
    attrs['llm.output_messages.0.message.role'] = 'assistant';
    if (s.output.content) attrs['llm.output_messages.0.message.content'] = s.output.content;
    if (s.output.toolCall) {
      attrs['llm.output_messages.0.message.tool_calls.0.tool_call.id'] = s.output.toolCall.id;
      attrs['llm.output_messages.0.message.tool_calls.0.tool_call.function.name'] = s.output.toolCall.name;
      attrs['llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments'] = s.output.toolCall.arguments;
    }
  }
  if (s.tokens) {
    attrs['llm.token_count.prompt'] = s.tokens.input;
    attrs['llm.token_count.completion'] = s.tokens.output;
    attrs['llm.token_count.total'] = s.tokens.input + s.tokens.output;
    attrs['llm.cost.total'] = s.cost;
  }
}

function genAiParts(m) {
  if (m.role === 'tool') return [{ type: 'tool_call_response', id: m.toolCallId, response: m.content }];
  const parts = [];
  if (m.content) parts.push({ type: 'text', content: m.content });
  if (m.toolCall) {
    let args;
    try { args = JSON.parse(m.toolCall.arguments); } catch { args = m.toolCall.arguments; }
    parts.push({ type: 'tool_call', id: m.toolCall.id, name: m.toolCall.name, arguments: args });
  }
  return parts;
}

function genAiLlm(agent, s, attrs) {
  attrs['gen_ai.operation.name'] = 'chat';
  attrs['gen_ai.provider.name'] = agent.provider;
  attrs['gen_ai.request.model'] = agent.model;
  attrs[TOOLS] = true;
  // Each message sits at the same place in every later span's history: render it once.
  attrs['gen_ai.input.messages'] = `[${s.input.map((m) => (m.genai ??= JSON.stringify({ role: m.role, parts: genAiParts(m) }))).join(',')}]`;
  if (s.output) {
    attrs['gen_ai.response.model'] = agent.model;
    attrs['gen_ai.response.finish_reasons'] = [s.output.toolCall ? 'tool_calls' : 'stop'];
    attrs['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: genAiParts(s.output), finish_reason: s.output.toolCall ? 'tool_call' : 'stop' }]);
  }
  if (s.tokens) {
    attrs['gen_ai.usage.input_tokens'] = s.tokens.input;
    attrs['gen_ai.usage.output_tokens'] = s.tokens.output;
    attrs['gen_ai.usage.cost'] = s.cost;
  }
  if (s.error) attrs['error.type'] = String(s.error.code);
}

function toolAttributes(agent, s, attrs) {
  if (agent.convention === 'genai') {
    attrs['gen_ai.operation.name'] = 'execute_tool';
    attrs['gen_ai.tool.name'] = s.name;
    attrs['gen_ai.tool.type'] = 'function';
    attrs['gen_ai.tool.call.id'] = s.callId;
    attrs['gen_ai.tool.call.arguments'] = s.args;
    if (s.result !== null) attrs['gen_ai.tool.call.result'] = s.result;
    if (s.error) attrs['error.type'] = s.error.type;
  } else {
    attrs['openinference.span.kind'] = 'TOOL';
    attrs['tool.name'] = s.name;
    attrs['tool_call.id'] = s.callId;
    attrs['input.value'] = s.args;
    attrs['input.mime_type'] = 'application/json';
    if (s.result !== null) {
      attrs['output.value'] = s.result;
      attrs['output.mime_type'] = s.result.startsWith('{') ? 'application/json' : 'text/plain';
    }
  }
}

// HALO's exporter adds an `inference.*` mirror of the key facts to every span.
function haloMirror(t, s, attrs) {
  const { agent, plan } = t;
  attrs['inference.export.schema_version'] = 1;
  attrs['inference.project_id'] = 'prj_northwind';
  attrs['inference.observation_kind'] = s.kind === 'agent' ? 'AGENT' : s.kind === 'llm' ? 'LLM' : 'TOOL';
  attrs['inference.agent_name'] = agent.name;
  if (s.kind === 'agent') {
    attrs['inference.user_id'] = plan.userId;
    attrs['inference.session_id'] = plan.sessionId;
  }
  if (s.kind === 'llm' && s.tokens) {
    attrs['inference.llm.provider'] = agent.provider;
    attrs['inference.llm.model_name'] = agent.model;
    attrs['inference.llm.input_tokens'] = s.tokens.input;
    attrs['inference.llm.output_tokens'] = s.tokens.output;
    attrs['inference.llm.cost.total'] = String(s.cost);
  }
}

function spanAttributes(t, s, flat) {
  const attrs = {};
  const agent = t.agent;
  if (s.kind === 'agent') rootAttributes(t, s, attrs);
  else if (s.kind === 'llm') (agent.convention === 'genai' ? genAiLlm : openInferenceLlm)(agent, s, attrs);
  else toolAttributes(agent, s, attrs);
  if (flat) haloMirror(t, s, attrs);
  return attrs;
}

function isoNs(us) {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}000Z`;
}

function errorMessage(s) {
  return s.error ? s.error.message : '';
}

// Spans are rendered to JSON text by hand (same bytes as JSON.stringify of the
// equivalent object) so constant parts are serialized once, not per span.
function flatLines(t, resourceJson) {
  const agent = t.agent;
  let out = '';
  for (const s of t.spans) {
    const attrs = spanAttributes(t, s, true);
    const parts = [];
    for (const k in attrs) {
      if (k === TOOLS) parts.push(agent.flatTools);
      else if (k === INPUTS) attrs[k].forEach((m, i) => parts.push((m.flat ??= flatEntries(inputMessageAttrs(m, i)))));
      else parts.push(`"${k}":${JSON.stringify(attrs[k])}`);
    }
    out += `{"trace_id":"${t.traceId}","span_id":"${s.spanId}","parent_span_id":"${s.parentId ?? ''}","trace_state":"",`
      + `"name":${JSON.stringify(spanName(agent, s))},"kind":"${s.kind === 'llm' ? 'SPAN_KIND_CLIENT' : 'SPAN_KIND_INTERNAL'}",`
      + `"start_time":"${isoNs(s.start)}","end_time":"${isoNs(s.end)}",`
      + `"status":{"code":"${s.error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_OK'}","message":${JSON.stringify(errorMessage(s))}},`
      + `"resource":${resourceJson},"scope":${agent.scopeJson},"attributes":{${parts.join(',')}}}\n`;
  }
  return out;
}

function flatEntries(obj) {
  return Object.keys(obj).map((k) => `"${k}":${JSON.stringify(obj[k])}`).join(',');
}

function anyValue(key, v) {
  if (typeof v === 'string') return `{"stringValue":${JSON.stringify(v)}}`;
  if (typeof v === 'boolean') return `{"boolValue":${v}}`;
  if (Array.isArray(v)) return `{"arrayValue":{"values":[${v.map((x) => anyValue('', x)).join(',')}]}}`;
  if (Number.isInteger(v) && !DOUBLE_KEYS.has(key)) return `{"intValue":"${v}"}`;
  return `{"doubleValue":${JSON.stringify(v)}}`;
}

function otlpAttrs(obj, agent) {
  const parts = [];
  for (const k in obj) {
    if (k === TOOLS) parts.push(agent.otlpTools);
    else if (k === INPUTS) obj[k].forEach((m, i) => parts.push((m.otlp ??= otlpAttrs(inputMessageAttrs(m, i), agent).slice(1, -1))));
    else parts.push(`{"key":"${k}","value":${anyValue(k, obj[k])}}`);
  }
  return `[${parts.join(',')}]`;
}

function otlpSpan(t, s) {
  const agent = t.agent;
  // GenAI instrumentations leave successful spans UNSET; the agent framework
  // marks its own run span OK when the run reports success.
  const status = s.error ? `{"code":2,"message":${JSON.stringify(s.error.message)}}` : agent.convention === 'genai' && s.kind !== 'agent' ? '{}' : '{"code":1}';
  let json = `{"traceId":"${t.traceId}","spanId":"${s.spanId}",${s.parentId ? `"parentSpanId":"${s.parentId}",` : ''}`
    + `"name":${JSON.stringify(spanName(agent, s))},"kind":${s.kind === 'llm' ? 3 : 1},`
    + `"startTimeUnixNano":"${s.start}000","endTimeUnixNano":"${s.end}000",`
    + `"attributes":${otlpAttrs(spanAttributes(t, s, false), agent)},"status":${status}`;
  if (s.error) {
    const ev = otlpAttrs({ 'exception.type': s.error.type, 'exception.message': s.error.message }, agent);
    json += `,"events":[{"name":"exception","timeUnixNano":"${s.end}000","attributes":${ev}}]`;
  }
  return json + '}';
}

// ---------------------------------------------------------------------------
// Output files. Lines are buffered and written in ~1 MB chunks with
// backpressure, so a 1 GB week streams in constant memory.

class Sink {
  constructor(file, gzip) {
    this.file = file;
    this.bytes = 0;
    this.lines = 0;
    this.buf = [];
    this.bufLen = 0;
    const fileStream = fs.createWriteStream(file);
    this.stream = gzip ? zlib.createGzip({ level: 9 }) : fileStream;
    this.done = gzip
      ? new Promise((res, rej) => { this.stream.pipe(fileStream); fileStream.on('finish', res); fileStream.on('error', rej); this.stream.on('error', rej); })
      : new Promise((res, rej) => { fileStream.on('finish', res); fileStream.on('error', rej); });
  }
  async write(text) {
    this.buf.push(text);
    this.bufLen += text.length;
    if (this.bufLen >= 1 << 20) await this.flush();
  }
  async flush() {
    if (!this.buf.length) return;
    // Encode once here; the byte count comes free with it.
    const chunk = Buffer.from(this.buf.join(''), 'utf8');
    this.bytes += chunk.length;
    this.buf = [];
    this.bufLen = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  /** Bytes written so far, counting buffered text (ASCII in practice) by length. */
  get written() {
    return this.bytes + this.bufLen;
  }
  async close() {
    await this.flush();
    this.stream.end();
    await this.done;
  }
}

// One OTLP file: a few traces per ExportTraceServiceRequest line, spans in end
// order (as a batch span processor exports them), some traces split across two lines.
class OtlpWriter {
  constructor(sink, agent, rng) {
    this.sink = sink;
    this.agent = agent;
    this.rng = rng;
    this.pending = [];
    this.tracesInLine = 0;
    this.limit = rng.int(1, 4);
    this.head = `{"resourceSpans":[{"resource":{"attributes":${otlpAttrs(resourceAttributes(agent), agent)}},"scopeSpans":[{"scope":${agent.scopeJson},"spans":[`;
  }
  async add(t) {
    const spans = t.spans.slice().sort((a, b) => a.end - b.end).map((s) => otlpSpan(t, s));
    if (spans.length > 2 && this.rng.chance(0.12)) {
      const cut = this.rng.int(1, spans.length - 1);
      this.pending.push(...spans.slice(0, cut));
      await this.emit();
      this.pending.push(...spans.slice(cut));
      this.tracesInLine = 1;
      return;
    }
    this.pending.push(...spans);
    if (++this.tracesInLine >= this.limit) await this.emit();
  }
  async emit() {
    if (!this.pending.length) return;
    const line = `${this.head}${this.pending.join(',')}]}]}]}\n`;
    this.pending = [];
    this.tracesInLine = 0;
    this.limit = this.rng.int(1, 4);
    this.sink.lines++;
    await this.sink.write(line);
  }
  async close() {
    await this.emit();
  }
}

class FlatWriter {
  constructor(sink, agent) {
    this.sink = sink;
    this.resourceJson = JSON.stringify({ attributes: resourceAttributes(agent) });
  }
  async add(t) {
    this.sink.lines += t.spans.length;
    await this.sink.write(flatLines(t, this.resourceJson));
  }
  async close() {}
}

function resourceAttributes(agent) {
  return { 'service.name': agent.name, 'service.version': agent.service.version, 'deployment.environment': 'production', 'telemetry.sdk.language': 'python' };
}

// ---------------------------------------------------------------------------
// Planning: which trace gets which agent, mode, task and time.

// Traffic by hour of week: busy working hours, quiet nights, lighter weekends.
function hourWeights() {
  const w = [];
  for (let d = 0; d < 7; d++) {
    for (let h = 0; h < 24; h++) {
      const day = h >= 8 && h < 19 ? 1 : h >= 6 && h < 22 ? 0.55 : 0.2;
      w.push(day * (d >= 5 ? 0.45 : 1));
    }
  }
  const total = w.reduce((a, b) => a + b, 0);
  const cum = [0];
  for (const x of w) cum.push(cum[cum.length - 1] + x / total);
  return cum;
}

function weekOffsetUs(fraction, cum) {
  let lo = 0;
  let hi = cum.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] <= fraction) lo = mid;
    else hi = mid;
  }
  const within = (fraction - cum[lo]) / (cum[lo + 1] - cum[lo]);
  return Math.floor((lo + within) * 3_600_000_000);
}

function plan(n, seed, startUs) {
  const rng = new Rng(hash32(seed, 'plan'));
  const agentOf = new Uint8Array(n);
  const modeOf = new Uint8Array(n); // 0 = background, else PLANTED index + 1
  const groupOf = new Int32Array(n).fill(-1);
  const trialOf = new Uint8Array(n).fill(1);
  const failOf = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    agentOf[i] = r < AGENTS[0].share ? 0 : r < AGENTS[0].share + AGENTS[1].share ? 1 : 2;
  }
  const free = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  let cursor = 0;
  for (const [m, name] of PLANTED.entries()) {
    const count = Math.round(MODES[name].rate * n);
    for (let c = 0; c < count && cursor < free.length; c++) modeOf[free[cursor++]] = m + 1;
  }
  // Task groups from the remaining background traces of one agent.
  const byAgent = [[], [], []];
  for (; cursor < free.length; cursor++) byAgent[agentOf[free[cursor]]].push(free[cursor]);
  const groups = [];
  const makeGroups = (count, flaky) => {
    for (let g = 0; g < count; g++) {
      const a = g % 3;
      const size = rng.int(3, flaky ? 5 : 4) - (flaky ? 0 : 1);
      if (byAgent[a].length < size) continue;
      const members = byAgent[a].splice(0, size).sort((x, y) => x - y);
      const fails = flaky ? rng.int(1, size - 1) : 0;
      const failing = new Set(rng.shuffle(members.slice()).slice(0, fails));
      const id = groups.length;
      groups.push({ flaky, agent: a, members });
      members.forEach((idx, k) => {
        groupOf[idx] = id;
        trialOf[idx] = k + 1;
        if (failing.has(idx)) failOf[idx] = 1;
      });
    }
  };
  makeGroups(Math.max(flakyMin(n), Math.round(FLAKY_TASK_RATE * n)), true);
  makeGroups(Math.round(STEADY_TASK_RATE * n), false);

  const cum = hourWeights();
  let last = startUs;
  // Past the plan (--scale-bytes tops up a short estimate), traces follow 1 ms apart.
  const startOf = (i) => (last = i < n ? startUs + weekOffsetUs((i + rng.float(0.05, 0.95)) / n, cum) : last + 1000);
  return { n, agentOf, modeOf, groupOf, trialOf, failOf, groups, startOf, seed, variants: new Map() };
}

// Small samples (tests) still get a couple of flaky tasks.
function flakyMin(n) {
  return n >= 60 ? 2 : 0;
}

function traceUsers(agent, i, seed) {
  const rng = new Rng(hash32(seed, 'user', i));
  // Skewed: a few heavy users, a long tail.
  const u = Math.floor(Math.pow(rng.next(), 2.2) * 400);
  return `usr_${agent.key}_${String(u).padStart(4, '0')}`;
}

function planFor(p, i, startUs) {
  const inPlan = i < p.n;
  const agentIdx = inPlan ? p.agentOf[i] : i % AGENTS.length;
  const agent = AGENTS[agentIdx];
  const modeIdx = inPlan ? p.modeOf[i] : 0;
  const mode = modeIdx ? PLANTED[modeIdx - 1] : null;
  const group = inPlan ? p.groupOf[i] : -1;
  const userId = group >= 0 ? `usr_${agent.key}_eval` : traceUsers(agent, i, p.seed);
  const taskId = group >= 0 ? `${agent.key}-task-g${String(group).padStart(4, '0')}` : `${agent.key}-task-${String(i).padStart(6, '0')}`;
  // Same user within the same 2-hour block continues one session.
  const block = Math.floor((startUs - p.weekStart) / 7_200_000_000);
  const sessionId = `sess_${new Rng(hash32(p.seed, 'session', userId, block)).hex(16)}`;
  const success = !(mode === 'failed_task' || (inPlan && p.failOf[i]));
  const key = `${agentIdx}:${mode}`;
  const variant = p.variants.get(key) ?? 0;
  p.variants.set(key, variant + 1);
  return { agentIdx, mode, variant, taskId, trial: inPlan ? p.trialOf[i] : 1, userId, sessionId, success, startUs, regress: p.regress === agent.key };
}

// ---------------------------------------------------------------------------
// Main

function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(String(s).trim());
  if (!m) throw new Error(`--scale-bytes: expected a size like 500m or 1g, got "${s}"`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()];
  return Math.round(Number(m[1]) * mult);
}

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      truth: { type: 'string' },
      traces: { type: 'string' },
      'scale-bytes': { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      format: { type: 'string' },
      gzip: { type: 'boolean' },
      quiet: { type: 'boolean' },
      regress: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const seed = values.seed === undefined ? DEFAULTS.seed : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed: expected a non-negative integer, got "${values.seed}"`);
  const start = values.start ?? DEFAULTS.start;
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs)) throw new Error(`--start: expected an ISO timestamp, got "${start}"`);
  const format = values.format ?? DEFAULTS.format;
  if (!['otlp', 'flat', 'both'].includes(format)) throw new Error(`--format: expected otlp, flat or both, got "${format}"`);
  let traces = values.traces === undefined ? DEFAULTS.traces : Number(values.traces);
  if (!Number.isInteger(traces) || traces < 1) throw new Error(`--traces: expected a positive integer, got "${values.traces}"`);
  const scaleBytes = values['scale-bytes'] === undefined ? null : parseSize(values['scale-bytes']);
  if (scaleBytes !== null && values.traces !== undefined) throw new Error('--traces and --scale-bytes are mutually exclusive');
  const out = path.resolve(values.out ?? path.join(HERE, 'week'));
  const truth = values.truth === 'none' ? null : path.resolve(values.truth ?? path.join(path.dirname(out), 'ground-truth.json'));
  const regress = values.regress ?? null;
  if (regress !== null && !AGENTS.some((a) => a.key === regress)) throw new Error(`--regress: expected one of ${AGENTS.map((a) => a.key).join(', ')}, got "${regress}"`);
  return { out, truth, traces, scaleBytes, seed, start: new Date(startMs).toISOString(), startMs, format, gzip: Boolean(values.gzip), quiet: Boolean(values.quiet), regress };
}

function fileLayout(format, gzip) {
  const ext = gzip ? '.jsonl.gz' : '.jsonl';
  return AGENTS.map((agent) => {
    const f = format === 'both' ? (agent.key === 'coding' ? 'flat' : 'otlp') : format;
    return { agent, format: f, name: `${agent.key}.${f}${ext}` };
  });
}

// Bytes per trace for this layout, measured on a small deterministic sample.
function estimateBytesPerTrace(opts) {
  const n = 600;
  const p = plan(n, opts.seed, opts.startMs * 1000);
  p.weekStart = opts.startMs * 1000;
  const layout = fileLayout(opts.format, false);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const startUs = p.startOf(i);
    const pl = planFor(p, i, startUs);
    const t = buildTrace(AGENTS[pl.agentIdx], pl, opts.seed, i);
    const f = layout[pl.agentIdx];
    if (f.format === 'flat') bytes += Buffer.byteLength(flatLines(t, JSON.stringify({ attributes: resourceAttributes(t.agent) })));
    else for (const s of t.spans) bytes += Buffer.byteLength(otlpSpan(t, s)) + 1;
  }
  return bytes / n;
}

export async function generate(opts) {
  let n = opts.traces;
  if (opts.scaleBytes !== null) n = Math.ceil((opts.scaleBytes * 1.03) / estimateBytesPerTrace(opts));
  const startUs = opts.startMs * 1000;
  const p = plan(n, opts.seed, startUs);
  p.weekStart = startUs;
  p.regress = opts.regress ?? null;

  fs.mkdirSync(opts.out, { recursive: true });
  const layout = fileLayout(opts.format, opts.gzip);
  const writers = layout.map((f) => {
    const sink = new Sink(path.join(opts.out, f.name), opts.gzip);
    const w = f.format === 'otlp' ? new OtlpWriter(sink, f.agent, new Rng(hash32(opts.seed, 'file', f.name))) : new FlatWriter(sink, f.agent);
    return { ...f, sink, w, traces: 0, spans: 0 };
  });

  const modes = Object.fromEntries(MODE_NAMES.map((m) => [m, []]));
  const planted = Object.fromEntries(MODE_NAMES.map((m) => [m, 0]));
  const groupOutcomes = p.groups.map(() => ({ ok: 0, fail: 0, traces: [] }));
  const keepTruth = opts.truth !== null;
  const t0 = Date.now();
  let lastReport = t0;

  const written = () => writers.reduce((a, w) => a + w.sink.written, 0);
  let i = 0;
  for (; i < n || (opts.scaleBytes !== null && written() < opts.scaleBytes); i++) {
    const pl = planFor(p, i, p.startOf(i));
    const t = buildTrace(AGENTS[pl.agentIdx], pl, opts.seed, i);
    const out = writers[pl.agentIdx];
    await out.w.add(t);
    out.traces++;
    out.spans += t.spans.length;

    if (pl.mode) planted[pl.mode]++;
    if (keepTruth) {
      for (const m of traceModes(t)) modes[m].push(t.traceId);
    }
    const g = i < n ? p.groupOf[i] : -1;
    if (g >= 0) {
      const go = groupOutcomes[g];
      go.traces.push(t.traceId);
      if (t.failed) go.fail++;
      else go.ok++;
    }
    if (!opts.quiet && Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      const bytes = written();
      process.stderr.write(`  ${i + 1}/${n} traces, ${(bytes / 1e6).toFixed(0)} MB, ${(bytes / 1e6 / ((Date.now() - t0) / 1000)).toFixed(0)} MB/s\n`);
    }
  }
  for (const w of writers) {
    await w.w.close();
    await w.sink.close();
  }
  const total = i;

  const flakyTasks = [];
  for (const [g, go] of groupOutcomes.entries()) {
    if (go.ok > 0 && go.fail > 0) {
      flakyTasks.push(`${AGENTS[p.groups[g].agent].key}-task-g${String(g).padStart(4, '0')}`);
      modes.flaky_task.push(...go.traces);
      planted.flaky_task += go.traces.length;
    }
  }

  const files = writers.map((w) => ({ file: w.name, agent: w.agent.name, format: w.format, convention: w.agent.convention, traces: w.traces, spans: w.spans, lines: w.sink.lines, bytes: w.sink.bytes }));
  const result = {
    generator: {
      script: 'samples/generate.mjs',
      seed: opts.seed,
      traces: total,
      start: opts.start,
      end: new Date(opts.startMs + WEEK_US / 1000).toISOString(),
      args: { ...(opts.scaleBytes === null ? { traces: n } : { scaleBytes: opts.scaleBytes }), seed: opts.seed, start: opts.start, format: opts.format, gzip: opts.gzip },
    },
    files,
    traces: total,
    agents: Object.fromEntries(AGENTS.map((a, k) => [a.name, writers[k].traces])),
    modes: Object.fromEntries(MODE_NAMES.map((m) => [m, { description: MODES[m].description, rate: MODES[m].rate, planted: planted[m], count: modes[m].length, traceIds: modes[m] }])),
    flakyTasks,
  };
  if (keepTruth) {
    fs.mkdirSync(path.dirname(opts.truth), { recursive: true });
    fs.writeFileSync(opts.truth, JSON.stringify(result, null, 1) + '\n');
  }
  const bytes = files.reduce((a, f) => a + f.bytes, 0);
  const secs = (Date.now() - t0) / 1000;
  return { ...result, bytes, seconds: secs };
}

// Every mode a generated trace genuinely shows, derived from its spans rather
// than from the plan, so a planted trace that also carries a second mode is
// listed under both.
function traceModes(t) {
  const out = [];
  const m = t.plan.mode;
  const tools = t.spans.filter((s) => s.kind === 'tool');
  const llms = t.spans.filter((s) => s.kind === 'llm');
  if (tools.some((s) => s.error && s.error.type === 'ToolArgumentsError')) out.push('invalid_tool_arguments');
  if (m === 'tool_schema_violation') out.push('tool_schema_violation');
  if (tools.some((s) => !t.agent.toolNames.has(s.name))) out.push('unknown_tool');
  if (m === 'silent_error') out.push('silent_error');
  if (m === 'repeated_tool_call') out.push('repeated_tool_call');
  if (m === 'loop') out.push('loop');
  if (m === 'ignored_error') out.push('ignored_error');
  if (llms.some((s) => s.error && s.error.code === 429)) out.push('rate_limit_retry');
  if (m === 'retry_exhausted') out.push('retry_exhausted');
  if (tools.some((s) => s.error)) out.push('tool_error');
  if (m === 'cost_outlier') out.push('cost_outlier');
  if (m === 'latency_outlier') out.push('latency_outlier');
  if (t.failed) out.push('failed_task');
  return out;
}

async function main() {
  let opts;
  try {
    opts = readOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`generate: ${e.message}\nRun with --help for usage.\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return;
  }
  const r = await generate(opts);
  if (!opts.quiet) {
    process.stderr.write(`wrote ${r.traces} traces (${r.files.map((f) => f.file).join(', ')}) to ${path.relative(process.cwd(), opts.out) || '.'}: ${(r.bytes / 1e6).toFixed(1)} MB of JSONL in ${r.seconds.toFixed(1)} s (${(r.bytes / 1e6 / Math.max(r.seconds, 1e-3)).toFixed(0)} MB/s)\n`);
    if (opts.truth) process.stderr.write(`ground truth: ${path.relative(process.cwd(), opts.truth)}\n`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`generate: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
