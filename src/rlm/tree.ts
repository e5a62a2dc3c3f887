// The shapes shared by the loop, its submissions and its children: one Tree
// per analysis (budgets, run log, models, queues), one LoopSpec/LoopState per
// loop in it (the root and each rlm() child).
import type PQueue from 'p-queue';
import type { Sandbox } from '../sandbox/api.ts';
import type { FindingInput, Submission } from '../findings/schema.ts';
import type { VerifyResult } from '../findings/verify.ts';
import type { LanguageModel } from '../providers/types.ts';
import type { Redactor } from '../redact.ts';
import type { BudgetLedger } from './budgets.ts';
import type { RlmConfig } from './config.ts';
import type { HostCallHandler, HostRouter } from './host.ts';
import type { RunLog } from './runlog.ts';
import type { SubcallService } from './subcalls.ts';
import type { WarnFn } from './warnings.ts';
import type { DiagnosisLine } from '../eval/labels.ts';
import type { RunEstimate } from './estimate.ts';
import type { FixContext } from '../findings/verify-fix.ts';

/** Shared by every loop in one analysis tree. */
export interface Tree {
  config: RlmConfig;
  ledger: BudgetLedger;
  runlog: RunLog;
  redact: Redactor;
  subcalls: SubcallService;
  rootModel: LanguageModel;
  system: { root: string; child: string };
  progress: (line: string) => void;
  warn: WarnFn;
  /** A sandbox for a child analysis; with `subset`, it loads those traces instead of the files. */
  createChildSandbox?: (onHostCall: HostCallHandler, subset?: { tracesJson: string }) => Sandbox;
  /** The agent's repository (--repo), so the review round can say which fix locations and patches do not hold; null without one. */
  fix: FixContext | null;
  /** The root model's context window as a refusal taught us (tokens), when smaller than assumed. */
  contextLimit?: number;
  children: PQueue;
  childSeq: number;
  /** Random per run: names the run's prompt caches (prompt_cache_key), one per loop. */
  runId: string;
  /** Per-run diagnoses made by diagnose() anywhere in the tree, by trace id (the latest wins). */
  diagnoses: Map<string, DiagnosisLine>;
  /** The sub-model's id (for the cost estimate). */
  subModelId: string;
  /** The cost estimate made before the root's first turn. */
  estimate?: RunEstimate;
  /** The worst-case cost of the root's latest turn: what its reserve of turns is worth in dollars. */
  /** The root model answered at least once: only then do failures get minutes of retries and more turns. */
  modelReached?: boolean;
  rootTurnUsd: number;
  /** Runs one loop of the tree (the root, or a child for rlm()). */
  runLoop: (sandbox: Sandbox, router: HostRouter, spec: LoopSpec) => Promise<LoopOutcome>;
}

export interface LoopOutcome {
  submission: Submission | null;
  partial: boolean;
  partialReason?: string;
  verification?: VerifyResult;
}

export interface LoopSpec {
  depth: number;
  loop: string;
  focus?: string;
  /** For the root: what the deterministic detectors already found (text from traces: data, delimited). */
  priorFindings?: string;
  /** For the root: the user's description of the agent and its data (data, delimited). */
  context?: string;
  /** For the root: stop after the cost estimate, before any model request. */
  estimateOnly?: boolean;
  /** For a child: the caller's question (untrusted: it may quote traces). */
  question?: string;
  /** For a child: the subset it analyzes (re-applied if its sandbox restarts). */
  ids?: string[];
  /** For a child: its own turn budget, the closing request included. */
  maxTurns?: number;
  /** For a child: its own USD budget (also held by the ledger as a loop cap). */
  maxUsd?: number;
  /** Turns this loop has taken (kept on the spec so its children's shares can be computed). */
  turnsTaken?: number;
}

export interface LoopState {
  outputsSeen: number;
  forced: boolean;
  submission: Submission | null;
  /** Findings that passed the schema on their own, from rejected submissions and children. */
  candidates: FindingInput[];
  submitFeedback: string[];
}
