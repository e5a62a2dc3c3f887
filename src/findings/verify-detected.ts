// Host side of verifying the detectors' findings. Their predicates run over
// every run of the window; on a stored window that reads every run's spans
// again from the store, which on a week of hundreds of thousands of runs takes
// longer than the engine allows one evaluation. So the pass is made in pieces,
// each its own evaluation sized to take about PIECE_MS, and the findings are
// then verified with what the pieces made: the result is the one pass's.
import type { EngineClient } from '../sandbox/rpc.ts';
import type { VerifyResult } from './verify.ts';

/** About how long one piece of the predicate pass should take (well under the engine's limit per evaluation). */
const PIECE_MS = 15_000;
/** Runs in the first piece; later pieces are sized by how long the last one took. */
const FIRST_PIECE = 2048;
const MIN_PIECE = 64;
/** A piece grows at most this many times over the last (a cheap stretch of the window says little of the next). */
const MAX_GROWTH = 4;

export interface VerifyDetectedOptions {
  /** Told after each piece: runs passed over so far, of the window's. */
  onProgress?: (checked: number, total: number) => void;
  now?: () => number;
  /** Target time of one piece (ms); tests make it small. */
  pieceMs?: number;
  /** Runs in the first piece. */
  firstPiece?: number;
}

export async function verifyDetectedInPieces(engine: EngineClient, opts: VerifyDetectedOptions = {}): Promise<VerifyResult> {
  const now = opts.now ?? (() => performance.now());
  const target = opts.pieceMs ?? PIECE_MS;
  let count = Math.max(1, opts.firstPiece ?? FIRST_PIECE);
  for (;;) {
    const t0 = now();
    const [checked, total] = await engine.predicatePass(count);
    if (checked >= total) break;
    opts.onProgress?.(checked, total);
    const took = Math.max(1, now() - t0);
    count = Math.max(MIN_PIECE, Math.min(count * MAX_GROWTH, Math.floor((count * target) / took)));
  }
  return engine.verifyDetected();
}
