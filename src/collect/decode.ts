// A request body → the spool line and its span count: inflate, decode, check,
// serialize. The receiver runs this in worker threads when the bundle has them
// (dist/collect-decoder.js), so decoding uses every core and the HTTP thread
// only moves bytes; otherwise (the library from source) in its own thread.
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { availableParallelism } from 'node:os';
import { BadExportError, checkExport, decodeJson, decodeProtobuf } from './otlp-decode.ts';

export interface DecodeJob {
  body: Uint8Array;
  json: boolean;
  gzip: boolean;
  maxBytes: number;
}

export type DecodeResult = { line: string; spans: number } | { error: string; kind: 'bad' | 'too-large' };

export type Decoder = ((job: DecodeJob) => Promise<DecodeResult>) & { close?: () => Promise<void> };

/** The work itself, the same in a worker and in this thread. */
export function decodeBody(job: DecodeJob): DecodeResult {
  let body = job.body;
  if (job.gzip) {
    try {
      body = gunzipSync(body, { maxOutputLength: job.maxBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large', error: `inflates past ${job.maxBytes} bytes` };
      return { kind: 'bad', error: `content-encoding gzip, but the body does not inflate: ${(err as Error).message}` };
    }
  }
  try {
    const request = job.json ? decodeJson(body) : decodeProtobuf(body);
    const spans = checkExport(request);
    return { line: spans > 0 ? JSON.stringify(request) : '', spans };
  } catch (err) {
    if (err instanceof BadExportError) return { kind: 'bad', error: err.message };
    throw err;
  }
}

export const inThread: Decoder = async (job) => decodeBody(job);

/**
 * A pool of `size` worker threads running `script` (the bundled decoder),
 * each job to the least busy one. A worker that dies fails its jobs (the
 * receiver answers 503, the sender retries) and is replaced.
 */
export function workerPool(script: URL, size = Math.max(1, Math.min(4, availableParallelism()))): Decoder {
  interface Slot {
    worker: Worker;
    pending: Map<number, { resolve: (r: DecodeResult) => void; reject: (e: unknown) => void }>;
  }
  let next = 0;
  let closing = false;
  const spawnSlot = (): Slot => {
    const slot: Slot = { worker: new Worker(script), pending: new Map() };
    slot.worker.on('message', (m: { id: number; result?: DecodeResult; crash?: string }) => {
      const p = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      if (m.crash !== undefined) p?.reject(new Error(m.crash));
      else p?.resolve(m.result!);
    });
    const fail = (err: unknown) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (!closing) slots[slots.indexOf(slot)] = spawnSlot();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => code !== 0 && fail(new Error(`decoder thread exited (${code})`)));
    slot.worker.unref();
    return slot;
  };
  const slots = Array.from({ length: size }, spawnSlot);
  const decode: Decoder = (job) =>
    new Promise((resolve, reject) => {
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = next++;
      slot.pending.set(id, { resolve, reject });
      // A copy the thread can own: the body may be a slice of a shared pool buffer.
      const body = new Uint8Array(job.body);
      slot.worker.postMessage({ id, job: { ...job, body } }, [body.buffer]);
    });
  decode.close = async () => {
    closing = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  };
  return decode;
}
