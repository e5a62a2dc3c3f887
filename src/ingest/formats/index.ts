// Every input format, in sniffing order: the first whose sniff accepts a
// record normalizes it. More specific shapes come before the general ones
// they overlap (a ClickHouse row also has `trace_id` and `span_id`; a Phoenix
// span also has `context.span_id`; a group chat also has `messages`).
import type { InputFormat } from './common.ts';
import { spanTree } from './span-tree.ts';
import { clickhouseRow } from './clickhouse.ts';
import { flatSpan, otlp } from './otel.ts';
import { phoenix } from './phoenix.ts';
import { openaiAgents } from './openai-agents.ts';
import { langsmith } from './langsmith.ts';
import { langfuse } from './langfuse.ts';
import { multiAgentChat } from './multi-agent-chat.ts';
import { chatTranscript } from './chat-transcript.ts';
import { tau2 } from './tau2.ts';
import { agentDojo } from './agentdojo.ts';
import { miniSweAgent, sweAgent } from './swe-agent.ts';
import { openHands } from './openhands.ts';
import { anyAgentTrace, goStdoutTrace } from './otel-exports.ts';
import { chatDev } from './chatdev.ts';
import { reactTrials } from './react-trials.ts';
import { vcrCassette } from './vcr-cassette.ts';
import { toolBench } from './toolbench.ts';
import { interCode } from './intercode.ts';
import { moatless } from './moatless.ts';
import { mint } from './mint.ts';
import { tapeAgents } from './tapeagents.ts';
import { aiderChat } from './aider-chat.ts';
import { easyTool } from './easytool.ts';
import { fireAct } from './fireact.ts';
import { ldb } from './ldb.ts';
import { notebook } from './notebook.ts';
import { liveMcpBench } from './livemcpbench.ts';
import { daCode } from './dacode.ts';
import { openDevinLog } from './opendevin-log.ts';
import { autoAct } from './autoact.ts';
import { knowAgentAlfworld } from './knowagent-alfworld.ts';
import { knowAgentHotpotqa } from './knowagent-hotpotqa.ts';
import { lettaEvals } from './letta-evals.ts';
import { goodaiLtm } from './goodai-ltm.ts';
import { toolEval } from './tooleval.ts';

export type { InputFormat };

export const FORMATS: readonly InputFormat[] = [chatDev, openDevinLog, aiderChat, reactTrials, vcrCassette, goStdoutTrace, anyAgentTrace, spanTree, clickhouseRow, phoenix, flatSpan, otlp, openaiAgents, langsmith, langfuse, tau2, agentDojo, sweAgent, miniSweAgent, openHands, toolBench, interCode, moatless, mint, tapeAgents, easyTool, fireAct, ldb, notebook, liveMcpBench, daCode, knowAgentHotpotqa, autoAct, knowAgentAlfworld, lettaEvals, goodaiLtm, toolEval, multiAgentChat, chatTranscript];
