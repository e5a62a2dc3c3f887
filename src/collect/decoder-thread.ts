// The receiver's decoder thread (bundled as dist/collect-decoder.js): decodes
// request bodies posted by the HTTP thread and posts back the spool line.
import { parentPort } from 'node:worker_threads';
import { decodeBody, type DecodeJob } from './decode.ts';

parentPort!.on('message', (m: { id: number; job: DecodeJob }) => {
  try {
    parentPort!.postMessage({ id: m.id, result: decodeBody(m.job) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, crash: (err as Error).message });
  }
});
