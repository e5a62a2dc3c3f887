// Parent side of the sandbox: forks the child, loads the traces into its
// isolate, runs cells one at a time, serves host calls, and enforces the
// wall-clock deadline that isolated-vm's own timeout cannot (code after an
// await, allocations that hang). Past the deadline, or when the isolate or the
// child dies, it SIGKILLs the child, starts a fresh one, reloads the traces,
// and tells the caller that the variables were lost.
import { fork, type ChildProcess } from 'node:child_process';
import { totalmem } from 'node:os';
import { distPath } from '../paths.ts';
import { resolveInputs, STDIN_NAME } from '../ingest/reader.ts';
import type { IngestStats } from '../ingest/api.ts';
import type { CellError, CellResult, LoadSummary, Sandbox, SandboxOptions } from './api.ts';
import { sandboxEnv } from './env.ts';
import { fromChild, parseIsolateJson, type CellPayload, type FromChild, type ToChild } from './ipc.ts';
import { HaloError, type HaloErrorKind } from '../errors.ts';

export const DEFAULT_CELL_TIMEOUT_MS = 30_000;
export const DEFAULT_OUTPUT_LIMIT = 20_000;
const MB = 1024 * 1024;
const GZIP_EXPANSION = 8;

/** Error raised by load() and evaluate(); its kind is `input` when the traces were at fault. */
export class SandboxError extends HaloError {
  constructor(message: string, errorKind: HaloErrorKind = 'internal', readonly cellKind?: CellError['kind']) {
    super(errorKind, message, { code: `sandbox.${errorKind}` });
    this.name = 'SandboxError';
  }
}

/** Isolate heap limit for a data set: three times its JSON bytes, at least 512 MB, at most 3/4 of the machine. */
export function defaultMemoryLimitMb(inputBytes: number): number {
  const want = Math.max(512, Math.ceil((3 * inputBytes) / MB));
  return Math.min(want, Math.max(512, Math.floor((totalmem() * 0.75) / MB)));
}

type Outcome =
  | { type: 'message'; msg: Extract<FromChild, { type: 'cellResult' | 'evalResult' }> }
  | { type: 'deadline' }
  /** `sent`: the cell had reached the child (which is then restarted); else it never ran. */
  | { type: 'interrupted'; sent: boolean }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null };

// Children of this process, killed when it exits however it exits (a
// SIGTERM handler calling process.exit included); the child also watches for
// its parent's death itself (src/sandbox/child.ts), for a SIGKILLed parent.
const live = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  if (!live.size) process.on('exit', killLive);
  live.add(child);
  child.once('exit', () => {
    live.delete(child);
    if (!live.size) process.off('exit', killLive);
  });
}
function killLive(): void {
  for (const c of live) c.kill('SIGKILL');
}

const RESTARTED = 'The sandbox was restarted and the traces reloaded; all variables from earlier cells were lost.';

class Supervisor implements Sandbox {
  private child: ChildProcess | null = null;
  private loading: Promise<LoadSummary> | null = null;
  private memoryLimitMb = 0;
  private loadedAt: number | null = null;
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private current: { id: number; child: ChildProcess; cell: boolean; settle: (o: Outcome) => void } | null = null;
  private stderrTail = '';
  private replies: { child: ChildProcess; reply: { callId: number; ok: boolean; payload: string } }[] = [];
  /** The child died between cells: the next result must say the variables are gone. */
  private lost = false;
  private closed = false;
  /** run() calls between their call and their result (waiting in line, for the child to load, or running). */
  private cellsActive = 0;
  /** Ctrl-C arrived before the cell reached the child: it is stopped as soon as it would be sent. */
  private interruptWanted = false;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly outputLimit: number;

  constructor(private readonly opts: SandboxOptions) {
    this.timeoutMs = opts.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
    // Host calls (sub-model requests) can legitimately take minutes.
    this.deadlineMs = opts.cellDeadlineMs ?? (opts.onHostCall ? Math.max(15 * 60_000, this.timeoutMs * 2) : this.timeoutMs + 30_000);
    this.outputLimit = opts.outputLimit ?? DEFAULT_OUTPUT_LIMIT;
  }

  load(): Promise<LoadSummary> {
    if (this.closed) return Promise.reject(new SandboxError('the sandbox is closed'));
    this.loading ??= this.firstLoad();
    return this.loading;
  }

  private async firstLoad(): Promise<LoadSummary> {
    // A subset handed over as canonical traces reads no file; its heap is sized by its own length.
    // A ClickHouse table's window has no size up front: the heap may grow to the machine's cap.
    const bytes =
      this.opts.tracesJson !== undefined
        ? this.opts.tracesJson.length * 2
        : this.opts.store?.backend === 'clickhouse'
          ? Infinity
          : (await resolveInputs(this.opts.files)).reduce((n, f) => n + (f.name.endsWith('.gz') ? f.size * GZIP_EXPANSION : f.size), 0);
    this.memoryLimitMb = this.opts.memoryLimitMb ?? defaultMemoryLimitMb(bytes);
    return this.start();
  }

  /** Forks a child and loads the traces into it. */
  private start(): Promise<LoadSummary> {
    const stdin = this.opts.files.includes('-') || this.opts.files.includes(STDIN_NAME);
    const child = fork(distPath('sandbox-child.js'), [], {
      execArgv: ['--no-node-snapshot', '--expose-gc'],
      env: sandboxEnv(),
      serialization: 'json',
      stdio: [stdin ? 'inherit' : 'ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    track(child);
    this.stderrTail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000);
    });

    return new Promise<LoadSummary>((resolve, reject) => {
      let loaded = false;
      child.on('message', (raw) => {
        const parsed = fromChild.safeParse(raw);
        if (!parsed.success) return; // a confused child gets no say; its cell will time out or its exit is seen
        const msg = parsed.data;
        switch (msg.type) {
          case 'progress':
            this.opts.onProgress?.({ bytesRead: msg.bytesRead, bytesTotal: msg.bytesTotal, file: msg.file });
            break;
          case 'loaded': {
            loaded = true;
            const s = parseIsolateJson(msg.summary) as { stats: IngestStats; traces: number; spans: number };
            resolve({ stats: s.stats, traces: s.traces, spans: s.spans, heapBytes: msg.heapBytes, loadMs: msg.loadMs, ...(msg.store ? { store: msg.store } : {}) });
            break;
          }
          case 'loadError':
            loaded = true;
            this.kill(child);
            reject(new SandboxError(msg.message, msg.errorKind ?? 'input'));
            break;
          case 'hostCalls':
            for (const call of msg.calls) void this.serveHostCall(child, call);
            break;
          case 'cellResult':
          case 'evalResult':
            if (this.current?.id === msg.id) this.current.settle({ type: 'message', msg });
            break;
        }
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) {
          this.child = null;
          this.lost = true;
        }
        if (!loaded) {
          loaded = true;
          reject(new SandboxError(`the sandbox process exited while loading the traces (${signal ?? `code ${code}`})${this.stderrNote()}`, 'internal'));
        }
        if (this.current?.child === child) this.current.settle({ type: 'exit', code, signal });
      });
      child.on('error', (err) => {
        if (!loaded) {
          loaded = true;
          reject(new SandboxError(`cannot start the sandbox process: ${err.message}`, 'internal'));
        }
      });
      const load: ToChild = {
        type: 'load',
        files: this.opts.files,
        ...(this.opts.tracesJson !== undefined ? { traces: this.opts.tracesJson } : {}),
        window: this.opts.window ?? {},
        // A restart reloads the same window, not one that moved with the clock.
        now: (this.loadedAt ??= Date.now()),
        strict: this.opts.strict,
        keepBad: this.opts.keepBad,
        ...(this.opts.fields ? { fields: this.opts.fields } : {}),
        ...(this.opts.outcomes ? { outcomes: this.opts.outcomes } : {}),
        memoryLimitMb: this.memoryLimitMb,
        ...(this.opts.repo ? { repo: this.opts.repo } : {}),
        ...(this.opts.store ? { store: this.opts.store } : {}),
      };
      child.send(load);
    });
  }

  private stderrNote(): string {
    const t = this.stderrTail.trim();
    return t ? `: ${t.split('\n').slice(-3).join(' | ')}` : '';
  }

  private async serveHostCall(child: ChildProcess, call: { callId: number; name: string; args: string }): Promise<void> {
    let reply: { callId: number; ok: boolean; payload: string };
    try {
      if (!this.opts.onHostCall) throw new Error(`${call.name}() is not available here: no model is configured for this session.`);
      const args = parseIsolateJson(call.args);
      if (!Array.isArray(args)) throw new Error(`${call.name}(): malformed arguments`);
      const value = await this.opts.onHostCall(call.name, args);
      reply = { callId: call.callId, ok: true, payload: value === undefined ? '' : JSON.stringify(value) };
    } catch (err) {
      reply = { callId: call.callId, ok: false, payload: String((err as Error)?.message ?? err) };
    }
    // A reply for a child that has since been replaced has no one to go to.
    if (this.child !== child || !child.connected) return;
    // Replies that are ready in the same microtask run travel together.
    this.replies.push({ child, reply });
    if (this.replies.length === 1) {
      queueMicrotask(() => {
        const batch = this.replies;
        this.replies = [];
        const live = this.child;
        const results = batch.filter((r) => r.child === live).map((r) => r.reply);
        if (live && results.length && live.connected) live.send({ type: 'hostResults', results } satisfies ToChild);
      });
    }
  }

  private kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private async restart(): Promise<void> {
    const old = this.child;
    this.child = null;
    if (old) await this.kill(old);
    // close() while a cell was running: the cell ends, nothing starts again.
    if (this.closed) throw new SandboxError('the sandbox was closed while the cell ran');
    this.loading = this.start();
    await this.loading;
    this.lost = false;
  }

  /** Runs `fn` after everything queued before it (cells never overlap). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Makes sure a loaded child exists; returns true when it had to be restarted. */
  private async ready(): Promise<boolean> {
    if (this.closed) throw new SandboxError('the sandbox is closed');
    await this.load();
    if (this.child && !this.lost) return false;
    await this.restart();
    return true;
  }

  /** Sends one request and waits for its answer, the deadline, or the child's exit. */
  private exchange(message: ToChild & { id: number }, deadlineMs: number): Promise<Outcome> {
    const child = this.child!;
    return new Promise<Outcome>((resolve) => {
      if (message.type === 'run' && this.interruptWanted) {
        this.interruptWanted = false;
        resolve({ type: 'interrupted', sent: false });
        return;
      }
      const timer = setTimeout(() => settle({ type: 'deadline' }), deadlineMs);
      const settle = (o: Outcome) => {
        if (this.current?.id !== message.id) return;
        clearTimeout(timer);
        this.current = null;
        resolve(o);
      };
      this.current = { id: message.id, child, cell: message.type === 'run', settle };
      child.send(message);
    });
  }

  run(code: string, opts: { timeoutMs?: number; deadlineMs?: number } = {}): Promise<CellResult> {
    // Counted from the call, not from when the queue reaches it: a Ctrl-C right after
    // the entry was handed over must stop it.
    this.cellsActive++;
    return this.serial(async () => {
      try {
        return await this.runCell(code, opts);
      } finally {
        this.interruptWanted = false;
      }
    }).finally(() => this.cellsActive--);
  }

  private async runCell(code: string, opts: { timeoutMs?: number; deadlineMs?: number }): Promise<CellResult> {
    const t0 = performance.now();
    const wasRestarted = await this.ready();
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const deadlineMs = opts.deadlineMs ?? Math.max(this.deadlineMs, timeoutMs);
    const send = () => this.exchange({ type: 'run', id: ++this.seq, code, timeoutMs, outputLimit: this.outputLimit }, deadlineMs);
    let outcome = await send();
    let restartedBefore = wasRestarted;
    if (outcome.type === 'message' && outcome.msg.type === 'cellResult' && outcome.msg.notRun) {
      await this.restart();
      restartedBefore = true;
      outcome = await send();
    }
    const done = (p: CellPayload, restarted: boolean): CellResult => {
      const r: CellResult = { ...p, durationMs: performance.now() - t0 };
      if (restarted || restartedBefore) r.restarted = true;
      return r;
    };
    if (outcome.type === 'message' && outcome.msg.type === 'cellResult') {
      if (!outcome.msg.fatal) return done(outcome.msg.result, false);
      await this.restart();
      const p = outcome.msg.result;
      // The cell finished but took the isolate with it: its result stands, its variables do not.
      if (p.ok) return done(p, true);
      return done({ ...p, ok: false, error: { kind: p.error?.kind ?? 'crash', message: `${p.error?.message ?? 'The sandbox failed.'} ${RESTARTED}` } }, true);
    }
    if (outcome.type === 'interrupted' && !outcome.sent) {
      // Stopped before it ran: nothing in the child changed, so nothing is restarted.
      return done({ ok: false, output: '', outputLength: 0, truncated: false, error: { kind: 'interrupted', message: 'Interrupted before it started.' } }, false);
    }
    const error = this.failure(outcome, deadlineMs);
    await this.restart();
    return done({ ok: false, output: '', outputLength: 0, truncated: false, error: { ...error, message: `${error.message} ${RESTARTED}` } }, true);
  }

  interrupt(): boolean {
    const cur = this.current;
    if (cur?.cell) {
      cur.settle({ type: 'interrupted', sent: true });
      return true;
    }
    // Between run() and the cell reaching the child (loading, restarting): stop it on arrival.
    if (!this.cellsActive) return false;
    this.interruptWanted = true;
    return true;
  }

  private failure(outcome: Outcome, deadlineMs: number): CellError {
    if (outcome.type === 'interrupted') return { kind: 'interrupted', message: 'Interrupted.' };
    if (outcome.type === 'deadline') {
      return { kind: 'timeout', message: `The cell ran past its wall-clock deadline of ${Math.round(deadlineMs / 1000)}s and was killed.` };
    }
    if (outcome.type === 'exit') {
      const oom = /out of memory|allocation failed|heap limit|OOM/i.test(this.stderrTail) || outcome.signal === 'SIGABRT';
      return oom
        ? { kind: 'memory', message: `The sandbox ran out of memory (limit ${this.memoryLimitMb} MB) and crashed.` }
        : { kind: 'crash', message: `The sandbox process crashed (${outcome.signal ?? `exit code ${outcome.code}`}).` };
    }
    return { kind: 'crash', message: 'The sandbox sent an unexpected reply.' };
  }

  evaluate<T = unknown>(expression: string, opts: { timeoutMs?: number; deadlineMs?: number; predicate?: string } = {}): Promise<T> {
    return this.serial(async () => {
      await this.ready();
      const timeoutMs = opts.timeoutMs ?? Math.max(this.timeoutMs, 120_000);
      const deadlineMs = opts.deadlineMs ?? timeoutMs + 60_000;
      const send = () => this.exchange({ type: 'eval', id: ++this.seq, expression, timeoutMs, ...(opts.predicate !== undefined ? { predicate: opts.predicate } : {}) }, deadlineMs);
      let outcome = await send();
      if (outcome.type === 'message' && outcome.msg.type === 'evalResult' && outcome.msg.notRun) {
        await this.restart();
        outcome = await send();
      }
      if (outcome.type === 'message' && outcome.msg.type === 'evalResult') {
        const m = outcome.msg;
        if (m.ok) return (m.payload === undefined ? undefined : parseIsolateJson(m.payload)) as T;
        if (m.fatal) await this.restart();
        throw new SandboxError(`evaluate failed: ${m.payload ?? 'unknown error'}${m.fatal ? ` ${RESTARTED}` : ''}`, 'internal', m.kind);
      }
      const error = this.failure(outcome, deadlineMs);
      await this.restart();
      throw new SandboxError(`evaluate failed: ${error.message} ${RESTARTED}`, 'internal', error.kind);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.child = null;
    if (child) await this.kill(child);
  }
}

/** Creates a sandbox over `opts.files`; call `load()` first (or let the first cell do it). */
export function createSandbox(opts: SandboxOptions): Sandbox {
  return new Supervisor(opts);
}
