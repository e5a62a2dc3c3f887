// Model runs that survive real providers: the loop with the REAL openai and
// @anthropic-ai/sdk SDKs against loopback servers speaking each API's wire
// protocol (Chat Completions, Responses, Messages) and misbehaving the way
// real servers do: a mid-stream overload or rate-limit event, a stream cut off
// before its closing event, a server that does not stream, one that reports
// no usage, an empty or refused assistant turn, and a provider that keeps
// failing. Each run must complete, never run a cut-off cell, and keep its
// budgets moving.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../src/sandbox/supervisor.ts';
import { createHostRouter, runRecursiveAnalysis } from '../src/rlm/loop.ts';
import type { RlmConfigInput } from '../src/rlm/config.ts';
import { createProvider, type ProviderConfig } from '../src/providers/index.ts';
import { writeBookingTraces } from './helpers/booking-traces.ts';
import { cell, type LoopbackServer, type Misbehaviour, type Script, type ScriptedRequest, type TextReply } from './helpers/scripted-models.ts';
import { startOpenAIServer } from './helpers/loopback-openai.ts';
import { startResponsesServer } from './helpers/loopback-responses.ts';
import { startAnthropicServer } from './helpers/loopback-anthropic.ts';
import * as retryModule from '../src/providers/retry.ts';

let dir: string;
let fixture: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'halo-faults-'));
  fixture = writeBookingTraces(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Api = 'chat' | 'responses' | 'messages';
const APIS: Api[] = ['chat', 'responses', 'messages'];

const start = (api: Api, script: Script): Promise<LoopbackServer> =>
  api === 'chat' ? startOpenAIServer(script) : api === 'responses' ? startResponsesServer(script) : startAnthropicServer(script);

function providerFor(api: Api, server: LoopbackServer, model: string, retry: ProviderConfig['retry']) {
  return createProvider({
    provider: api === 'messages' ? 'anthropic' : 'openai',
    ...(api === 'messages' ? {} : { api }),
    model,
    baseURL: server.baseURL,
    apiKey: 'test-key',
    // Short waits so retries take milliseconds; no maxRetries, so a turn's retry horizon applies.
    retry: { baseDelayMs: 1, maxDelayMs: 5, ...retry },
  });
}

const SUBMIT = cell(`await submit({ summary: 'done after the fault', findings: [] });`);
const turnOf = (req: ScriptedRequest) => req.messages.filter((m) => m.role === 'assistant').length;
const closing = (req: ScriptedRequest) => req.messages.at(-1)!.content.includes('out of budget');

async function run(api: Api, script: Script, opts: { config?: Partial<RlmConfigInput>; retry?: ProviderConfig['retry'] } = {}) {
  const server = await start(api, script);
  const router = createHostRouter();
  const sandbox = createSandbox({ files: [fixture], onHostCall: router.onHostCall, cellTimeoutMs: 10_000 });
  const log = join(dir, `run-${api}-${Math.random().toString(36).slice(2)}.jsonl`);
  try {
    await sandbox.load();
    const root = providerFor(api, server, 'root-model', opts.retry);
    const result = await runRecursiveAnalysis({
      sandbox,
      router,
      logPath: log,
      models: { root, sub: root },
      config: { provider: api === 'messages' ? 'anthropic' : 'openai', model: 'root-model', prices: { 'root-model': { input: 1, output: 4 } }, ...opts.config },
    });
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    return { result, server, events, cells: events.filter((e) => e.ev === 'cell') };
  } finally {
    await sandbox.close();
    await server.close();
  }
}

/** Turn 1 misbehaves once (on its first attempt); everything after it is well behaved. */
function onceThen(fault: Misbehaviour, firstCode: string): Script {
  let faulted = false;
  return (req) => {
    const turn = turnOf(req);
    if (turn === 0 && !faulted) {
      faulted = true;
      return { text: cell(firstCode), misbehave: fault } satisfies TextReply;
    }
    return turn === 0 ? cell(`print('TURN-ONE')`) : SUBMIT;
  };
}

describe.each(APIS)('%s: transient faults are retried and the run completes', (api) => {
  it.each<Misbehaviour>(['stream-error', 'rate-limit-event'])('a mid-stream %s is retried; the run is not partial', async (fault) => {
    const { result, server, cells } = await run(api, onceThen(fault, `print('TURN-ONE')`));
    expect(result.partial, result.partialReason).toBe(false);
    expect(result.submission?.summary).toBe('done after the fault');
    expect(server.received.length).toBe(3); // the faulted attempt, its retry, the submitting turn
    expect(cells.map((c) => c.code)).toEqual([`print('TURN-ONE')`, expect.stringContaining('submit(')]);
  }, 60_000);

  it('a stream cut off before its closing event is not a reply: its cell never runs, the turn is retried', async () => {
    const { result, cells, server } = await run(api, onceThen('cut-off', `print('CUT-OFF-CELL-RAN')`));
    expect(result.partial, result.partialReason).toBe(false);
    expect(server.received.length).toBe(3);
    expect(cells.some((c) => String(c.code).includes('CUT-OFF-CELL-RAN'))).toBe(false);
    expect(cells.map((c) => c.output).join('')).toContain('TURN-ONE');
  }, 60_000);
});

describe.each(APIS)('%s: servers that do not stream, or report no usage', (api) => {
  it.each<Misbehaviour>(['plain-json', 'no-events'])('a server answering streaming requests with %s is used without streaming, with a warning', async (fault) => {
    const script: Script = (req) => ({ text: turnOf(req) === 0 ? cell(`print('TURN-ONE')`) : SUBMIT, misbehave: fault });
    const { result, server, cells } = await run(api, script);
    expect(result.partial, result.partialReason).toBe(false);
    expect(result.warnings?.join('\n')).toMatch(/did not stream/);
    // One streaming attempt found out; every later request went without streaming.
    expect(server.received.map((r) => Boolean(r.body.stream))).toEqual([true, false, false]);
    expect(cells.map((c) => c.output).join('')).toContain('TURN-ONE');
    expect(result.usage.turns).toBe(2);
  }, 60_000);

  it('a server that reports no usage still moves the token and dollar budgets (estimated from characters), with a warning', async () => {
    const script: Script = (req) => ({ text: turnOf(req) === 0 ? cell(`print('TURN-ONE')`) : SUBMIT, misbehave: 'no-usage' });
    const { result } = await run(api, script);
    expect(result.partial, result.partialReason).toBe(false);
    expect(result.warnings?.join('\n')).toMatch(/no token usage/);
    expect(result.usage.inputTokens).toBeGreaterThan(1000);
    expect(result.usage.outputTokens).toBeGreaterThan(5);
    expect(result.usage.costUsd).toBeGreaterThan(0);
  }, 60_000);
});

describe.each(APIS)('%s: empty and refused assistant turns', (api) => {
  it('never sends an empty assistant turn: a refused or empty reply is dropped, and the run goes on', async () => {
    const script: Script = (req) => {
      const n = req.index;
      if (n === 0) return { text: '', refusal: 'I cannot help with that.' };
      if (n === 1) return { text: '' };
      return turnOf(req) === 0 ? cell(`print('TURN-ONE')`) : SUBMIT;
    };
    const { result, server } = await run(api, script);
    expect(server.rejected).toEqual([]);
    expect(result.partial, result.partialReason).toBe(false);
    for (const r of server.received) {
      expect(r.messages.filter((m) => m.role === 'assistant' && m.content.trim() === '')).toEqual([]);
    }
    // The model was told about the refusal and the empty reply, in the request it answered.
    expect(server.received[2]!.messages[0]!.content).toMatch(/refusal[\s\S]*empty/);
  }, 60_000);
});

describe.each(APIS)('%s: a provider that keeps failing', (api) => {
  it('gives up after its retries and a few failed turns, then still makes the closing request and submits what it has', async () => {
    const script: Script = (req) => {
      if (turnOf(req) === 0) return cell(`print('TURN-ONE')`);
      if (closing(req)) return cell(`await submit({ summary: 'what I had', findings: [] });`);
      return { error: { status: 500, message: 'upstream failure' } };
    };
    const { result, server } = await run(api, script, { retry: { maxRetries: 1 } });
    expect(result.partial).toBe(true);
    expect(result.submission?.summary).toBe('what I had');
    // Turn 2 failed twice (1 retry each, 2 failed turns in a row), then the closing request.
    expect(server.received.filter((r) => !closing(r) && turnOf(r) === 1).length).toBe(4);
    expect(server.received.some(closing)).toBe(true);
  }, 60_000);
});

describe('the retry policy', () => {
  const { withRetry, isRetryable } = retryModule;
  it('treats status-less provider errors by their type: overloaded, api_error and rate limits are transient, a bad request is not', () => {
    const typed = (type: string) => Object.assign(new Error(type), { status: undefined, type });
    expect(isRetryable(typed('overloaded_error'))).toBe(true);
    expect(isRetryable(typed('api_error'))).toBe(true);
    expect(isRetryable(typed('rate_limit_exceeded'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { error: { type: 'server_error' } }))).toBe(true);
    expect(isRetryable(typed('invalid_request_error'))).toBe(false);
  });

  it("keeps retrying a turn past the default retry count within its horizon, but never past an explicit maxRetries", async () => {
    const failing = (n: number) => {
      let calls = 0;
      return async () => {
        if (++calls <= n) throw Object.assign(new Error('Overloaded'), { type: 'overloaded_error' });
        return calls;
      };
    };
    let clock = 0;
    const now = () => (clock += 1000);
    const long = await withRetry(failing(9), { baseDelayMs: 0, horizonMs: 5 * 60_000, now });
    expect(long.attempts).toBe(10);
    await expect(withRetry(failing(9), { baseDelayMs: 0, maxRetries: 2, horizonMs: 5 * 60_000, now })).rejects.toMatchObject({ attempts: 3 });
    await expect(withRetry(failing(9), { baseDelayMs: 0, now })).rejects.toMatchObject({ attempts: 6 });
  });
});
