// Scripted models for tests: a script sees each request (normalized across
// providers) and returns the next reply, like a real model would. The
// loopback servers in loopback-openai.ts / loopback-anthropic.ts speak each
// provider's wire protocol around these scripts.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prng } from '../../src/prng.ts';
import { MockLanguageModel } from '../../src/providers/mock.ts';

export interface ScriptedRequest {
  provider: 'openai' | 'anthropic';
  /** 0-based arrival order across all requests to this server (retries included). */
  index: number;
  model: string;
  system: string;
  messages: { role: string; content: string }[];
  body: Record<string, any>;
  headers: IncomingHttpHeaders;
}

export interface TextReply {
  text: string;
  finishReason?: string;
  refusal?: string;
  usage?: { input: number; output: number };
  /** Wait before the response starts (headers included). */
  delayMs?: number;
  /** Streamed replies: wait between chunks. */
  chunkDelayMs?: number;
  /** Streamed replies: go silent for this long after the first chunk (an idle stream). */
  stallMs?: number;
  /** Reasoning tokens the model spends before answering; past the output cap, no text comes. */
  reasoningTokens?: number;
  /** Misbehave the way real servers do (see Misbehaviour). */
  misbehave?: Misbehaviour;
}

/**
 * Faults real servers show: `cut-off` ends the stream after the text, before
 * its closing events; `stream-error` sends the provider's mid-stream error
 * event (overloaded, or a rate limit) after the first piece of text;
 * `plain-json` answers a streaming request with one JSON body; `no-events`
 * answers it with an empty event stream; `no-usage` reports no token usage.
 */
export type Misbehaviour = 'cut-off' | 'stream-error' | 'rate-limit-event' | 'plain-json' | 'no-events' | 'no-usage';

export type ScriptReply = string | TextReply | { error: { status: number; message?: string; headers?: Record<string, string> } };

/** What the server sends back for one request, usage as the API reports it. */
export interface WireReply {
  text: string;
  finishReason?: string;
  refusal?: string;
  reasoningTokens: number;
  usage: { input: number; output: number; cachedRead: number; cacheWrite: number };
}

export type Script = (req: ScriptedRequest) => ScriptReply | Promise<ScriptReply>;

export type FaultKind = '429' | '500' | 'timeout';

export interface FaultPlan {
  /** Share of requests that fail (0..1), chosen by a seeded generator so runs repeat. */
  rate: number;
  kinds: FaultKind[];
  seed?: number;
  /**
   * Every Nth root turn (a request that asks for caching) comes after a pause
   * longer than 5 minutes: 5-minute cache entries have expired, hour-long ones not.
   */
  cacheExpiresEvery?: number;
}

export interface LoopbackServer {
  baseURL: string;
  /** Every request that reached the script (faulted ones excluded). */
  requests: ScriptedRequest[];
  /** Every request body the server received, faulted ones included. */
  received: ScriptedRequest[];
  faults: { index: number; kind: FaultKind }[];
  /** Requests answered 400 because the real API would reject them (protocol.reject). */
  rejected: string[];
  maxInFlight: number;
  close(): Promise<void>;
}

/** Rough, deterministic token count (4 chars per token) like a tokenizer would give. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export interface WireProtocol {
  provider: 'openai' | 'anthropic';
  path: string;
  /** Path prefix the SDK's baseURL carries. */
  basePath: string;
  parse(body: Record<string, any>): { model: string; system: string; messages: { role: string; content: string }[]; maxTokens?: number };
  ok(req: ScriptedRequest, reply: WireReply): unknown;
  /** The same reply as server-sent events, for `stream: true` requests. */
  stream(req: ScriptedRequest, reply: WireReply): { event?: string; data: unknown }[];
  error(status: number, message: string): unknown;
  /** The events left when a stream is cut off before it closes. */
  cut(events: { event?: string; data: unknown }[]): { event?: string; data: unknown }[];
  /** The provider's mid-stream error event: overloaded / a server fault, or a rate limit. */
  streamError(kind: 'overloaded' | 'rate-limit', sequence: number): { event?: string; data: unknown };
  /** Why the real API would reject this request body (400), if it would. */
  reject?(body: Record<string, any>): string | null;
  /**
   * Prompt prefixes the request asks to cache (Anthropic's cache_control
   * breakpoints, shortest first); 'auto' for a provider that caches every
   * long prompt by itself (OpenAI).
   */
  cachePrefixes(body: Record<string, any>, parsed: { system: string; messages: { role: string; content: string }[] }): string[] | 'auto';
  /** Of those prefixes, the ones marked to live an hour (Anthropic's ttl "1h"). */
  hourPrefixes?(body: Record<string, any>, parsed: { system: string; messages: { role: string; content: string }[] }): string[];
}

/**
 * A prompt cache behaving like the providers' (same-prefix reuse): OpenAI
 * caches any prompt of 1,024 tokens or more automatically and reports hits in
 * 128-token steps; Anthropic caches up to the breakpoints a request marks
 * (written at a premium, read at a tenth) once a prefix reaches 1,024 tokens.
 */
export class PromptCache {
  private stored: string[] = [];
  /** Entries written to live an hour; the rest live 5 minutes. */
  private readonly hour = new Set<string>();
  /** More than 5 minutes passed: only hour-long entries are left. */
  expireShort(): void {
    this.stored = this.stored.filter((p) => this.hour.has(p));
  }
  usage(prefixes: string[] | 'auto', prompt: string, hourPrefixes: string[] = []): { cachedRead: number; cacheWrite: number } {
    const min = 1024;
    for (const p of hourPrefixes) this.hour.add(p);
    if (prefixes === 'auto') {
      let best = 0;
      for (const p of this.stored) best = Math.max(best, commonPrefix(p, prompt));
      this.stored.push(prompt);
      const tokens = Math.floor(best / 4);
      return { cachedRead: tokens >= min ? Math.floor(tokens / 128) * 128 : 0, cacheWrite: 0 };
    }
    if (!prefixes.length) return { cachedRead: 0, cacheWrite: 0 };
    const last = prefixes.at(-1)!;
    let hit = '';
    for (const p of this.stored) if (last.startsWith(p) && p.length > hit.length) hit = p;
    let write = 0;
    for (const p of prefixes) {
      if (countTokens(p) < min || this.stored.includes(p)) continue;
      this.stored.push(p);
    }
    if (countTokens(last) >= min && hit.length < last.length) write = countTokens(last) - countTokens(hit);
    return { cachedRead: countTokens(hit), cacheWrite: write };
  }
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startLoopback(protocol: WireProtocol, script: Script, faults?: FaultPlan): Promise<LoopbackServer> {
  const random = prng(faults?.seed ?? 7);
  const state: LoopbackServer = {
    baseURL: '',
    requests: [],
    received: [],
    faults: [],
    rejected: [],
    maxInFlight: 0,
    close: async () => {},
  };
  let inFlight = 0;
  let index = 0;
  let rootTurns = 0;
  const cache = new PromptCache();
  const server = createServer(async (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    try {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== protocol.path) {
        return send(res, 404, protocol.error(404, `no route ${req.method} ${req.url}`));
      }
      let body: Record<string, any>;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, protocol.error(400, 'invalid JSON body'));
      }
      const rejected = protocol.reject?.(body);
      if (rejected) {
        state.rejected.push(rejected);
        return send(res, 400, protocol.error(400, rejected));
      }
      const { maxTokens, ...parsed } = protocol.parse(body);
      const sreq: ScriptedRequest = { provider: protocol.provider, index: index++, ...parsed, body, headers: req.headers };
      state.received.push(sreq);
      if (faults && faults.rate > 0 && random() < faults.rate) {
        const kind = faults.kinds[Math.floor(random() * faults.kinds.length)]!;
        state.faults.push({ index: sreq.index, kind });
        if (kind === '429') return send(res, 429, protocol.error(429, 'Rate limit exceeded'), { 'retry-after-ms': '20' });
        if (kind === '500') return send(res, 500, protocol.error(500, 'Internal server error'));
        return; // timeout: hold the request until the client gives up and closes it
      }
      state.requests.push(sreq);
      const reply = await script(sreq);
      if (typeof reply === 'object' && 'error' in reply) {
        return send(res, reply.error.status, protocol.error(reply.error.status, reply.error.message ?? 'error'), reply.error.headers);
      }
      const r: TextReply = typeof reply === 'string' ? { text: reply } : reply;
      if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
      const prefixes = protocol.cachePrefixes(body, parsed);
      if (faults?.cacheExpiresEvery && (prefixes === 'auto' ? Boolean(body.prompt_cache_key) : prefixes.length > 0) && ++rootTurns % faults.cacheExpiresEvery === 0) cache.expireShort();
      const wire = wireReply(r, maxTokens, parsed, cache.usage(prefixes, promptText(parsed), protocol.hourPrefixes?.(body, parsed)));
      const bad = r.misbehave;
      // A server that reports no usage leaves the field out everywhere.
      const json = (v: unknown) => JSON.stringify(v, bad === 'no-usage' ? (k, x) => (k === 'usage' ? undefined : x) : undefined);
      if (!body.stream || bad === 'plain-json') return send(res, 200, JSON.parse(json(protocol.ok(sreq, wire))));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      if (bad === 'no-events') return res.end();
      let events = protocol.stream(sreq, wire);
      if (bad === 'cut-off') events = protocol.cut(events);
      if (bad === 'stream-error' || bad === 'rate-limit-event') {
        const firstText = events.findIndex((e) => JSON.stringify(e.data).includes(JSON.stringify(chunks(wire.text)[0] ?? '').slice(1, -1)));
        events = [...events.slice(0, Math.max(1, firstText + 1)), protocol.streamError(bad === 'stream-error' ? 'overloaded' : 'rate-limit', events.length)];
      }
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        if (res.destroyed) return;
        res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${typeof e.data === 'string' ? e.data : json(e.data)}\n\n`);
        const wait = i === 0 && r.stallMs ? r.stallMs : r.chunkDelayMs;
        if (wait) await new Promise((ok) => setTimeout(ok, wait));
      }
      res.end();
    } catch (err) {
      send(res, 500, protocol.error(500, `script failed: ${(err as Error).message}`));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  state.baseURL = `http://127.0.0.1:${port}${protocol.basePath}`;
  state.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return state;
}

/** The prompt as one string, in order, for prefix caching and token counts. */
export function promptText(p: { system: string; messages: { role: string; content: string }[] }): string {
  return [p.system, ...p.messages.map((m) => `${m.role}: ${m.content}`)].join('\n');
}

/** Applies the output cap (reasoning first, then text) and counts usage like the API. */
function wireReply(
  r: TextReply,
  maxTokens: number | undefined,
  parsed: { system: string; messages: { role: string; content: string }[] },
  cached: { cachedRead: number; cacheWrite: number },
): WireReply {
  const reasoning = r.reasoningTokens ?? 0;
  let text = r.text;
  let finishReason = r.finishReason;
  if (maxTokens !== undefined && reasoning >= maxTokens) {
    text = '';
    finishReason = 'length';
  } else if (maxTokens !== undefined && countTokens(text) + reasoning > maxTokens) {
    text = text.slice(0, (maxTokens - reasoning) * 4);
    finishReason = 'length';
  }
  const input = r.usage?.input ?? countTokens(promptText(parsed));
  const output = r.usage?.output ?? Math.min(maxTokens ?? Infinity, countTokens(text) + reasoning);
  return {
    text,
    ...(finishReason ? { finishReason } : {}),
    ...(r.refusal ? { refusal: r.refusal } : {}),
    reasoningTokens: Math.min(reasoning, maxTokens ?? reasoning),
    usage: { input, output, cachedRead: Math.min(cached.cachedRead, input), cacheWrite: Math.min(cached.cacheWrite, input - Math.min(cached.cachedRead, input)) },
  };
}

/** Text of a message content that may be a string or a list of text blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b) => (typeof b === 'string' ? b : (b?.text ?? ''))).join('');
  return '';
}

/** A root script from a list of turns: turn n answers the n-th root request of a conversation. */
export function turns(...replies: (ScriptReply | ((req: ScriptedRequest) => ScriptReply))[]): Script {
  return (req) => {
    const n = req.messages.filter((m) => m.role === 'assistant').length;
    const r = replies[Math.min(n, replies.length - 1)]!;
    return typeof r === 'function' ? r(req) : r;
  };
}

/** Splits a reply into a few stream chunks, the way tokens trickle in. */
export function chunks(text: string, n = 3): string[] {
  if (!text) return [];
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * The same scripts, in process: a MockLanguageModel that answers each request
 * as the loopback servers would (no HTTP, no SDK), for tests of loop logic.
 */
export function inProcessModel(script: Script, opts: { modelId: string; provider?: 'openai' | 'anthropic'; log?: ScriptedRequest[] }): MockLanguageModel {
  let index = 0;
  return new MockLanguageModel({
    modelId: opts.modelId,
    provider: opts.provider ?? 'openai',
    doGenerate: async (request) => {
      const sreq: ScriptedRequest = {
        provider: opts.provider ?? 'openai',
        index: index++,
        model: opts.modelId,
        system: request.system ?? '',
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
        body: { ...request, signal: undefined },
        headers: {},
      };
      opts.log?.push(sreq);
      const reply = await script(sreq);
      if (typeof reply === 'object' && 'error' in reply) {
        throw Object.assign(new Error(reply.error.message ?? `HTTP ${reply.error.status}`), { status: reply.error.status });
      }
      const r: TextReply = typeof reply === 'string' ? { text: reply } : reply;
      if (r.delayMs) await new Promise((ok, fail) => {
        const t = setTimeout(ok, r.delayMs);
        request.signal?.addEventListener('abort', () => { clearTimeout(t); fail(request.signal!.reason); }, { once: true });
      });
      const wire = wireReply(r, request.maxOutputTokens, sreq, { cachedRead: 0, cacheWrite: 0 });
      return {
        text: wire.text,
        finishReason: (wire.refusal ? 'refusal' : wire.finishReason ?? 'stop') as 'stop',
        ...(wire.refusal ? { refusal: wire.refusal } : {}),
        usage: { inputTokens: wire.usage.input, outputTokens: wire.usage.output, ...(wire.reasoningTokens ? { reasoningTokens: wire.reasoningTokens } : {}) },
      };
    },
  });
}

/** Wraps JS source in a fenced cell the way models write them. */
export function cell(code: string, prose = 'Let me look at the data.'): string {
  return `${prose}\n\n\`\`\`js\n${code}\n\`\`\`\n`;
}
