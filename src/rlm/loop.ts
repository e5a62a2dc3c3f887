// The recursive analysis loop (DESIGN.md §6).
// STUB: the recursive-analysis helper replaces this file; analyze calls it in model mode.
import type { Sandbox } from '../sandbox/api.ts';
import type { Submission } from '../findings/schema.ts';

export interface RecursiveAnalysisOptions {
  sandbox: Sandbox;
  /** The user's focus (`--prompt`). */
  focus?: string;
  /** Provider/model/budget configuration; the owner of this module defines its shape. */
  config: Record<string, unknown>;
  /** JSONL run log path (`--log`). */
  logPath?: string;
  onProgress?: (line: string) => void;
}

export interface RecursiveAnalysisResult {
  submission: Submission | null;
  partial: boolean;
  partialReason?: string;
  usage: { turns: number; subCalls: number; inputTokens: number; outputTokens: number; costUsd: number };
}

export async function runRecursiveAnalysis(opts: RecursiveAnalysisOptions): Promise<RecursiveAnalysisResult> {
  void opts;
  throw new Error('model-driven analysis is not available yet');
}
