// What per-run detector observations kept in the store are valid for. A run's
// observations depend on the trace it is assembled into (which records of
// which files, read how) and on the detector code; none of that is cheap to
// compare run by run, so one key names it all: the sandbox runtime (it holds
// the detectors), the ingest options that shape traces, and every input
// file's stored state, in order. A re-run over unchanged files gets the same
// key and reads the observations back; any change makes a new key, and the
// per-run steps run again (the old generation is dropped).
import { createHash } from 'node:crypto';
import type { StoredFile } from './api.ts';

export function observationsKey(runtimeSource: string, ingest: unknown, files: readonly StoredFile[]): string {
  const h = createHash('sha1');
  h.update(createHash('sha1').update(runtimeSource).digest('hex'));
  h.update(JSON.stringify(ingest) ?? '');
  for (const f of files) h.update(JSON.stringify([f.fileId, f.path, f.size, f.headHash, f.tailHash, f.bytesRead, f.ingestKey]));
  return h.digest('hex');
}
