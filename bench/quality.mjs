#!/usr/bin/env node
// Quality on real data: offline `halo analyze` on real runs that nobody here
// wrote (tests/fixtures/real/README.md lists every set, its source and license),
// scored with `halo eval` against the source's own labels or outcomes, next to
// the naive baseline `halo eval` computes on the same labels (every failing span
// below the run span, plus the next model call after it) and to the findings
// without the plain outcome summary. Per set: findings, repeats, the prevalence
// invariant, recall by label category at trace/step/span level, cited-step
// precision, agent/step accuracy, impact. A set whose format does not load on
// this checkout is reported as such, never scored.
// Usage: node bench/quality.mjs [--write | --only <set>]   (--write updates bench/RESULTS.md)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv, root, writeResultsSection } from './lib.mjs';

const HALO = join(root, 'bin/halo');
const fx = (p) => join(root, 'tests/fixtures', p);

function halo(cwd, args) {
  const r = spawnSync(process.execPath, [HALO, ...args], { cwd, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`halo ${args[0]} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

function tauLabels(dir) {
  const raw = JSON.parse(readFileSync(fx('tau-bench/gpt-4o-airline.json'), 'utf8'));
  const path = join(dir, 'tau-labels.jsonl');
  writeFileSync(path, raw.filter((r) => !(r.reward >= 1)).map((r) => JSON.stringify({ traceId: `tau-${r.task_id}-${r.trial}`, category: 'failed run' })).join('\n') + '\n');
  return path;
}

if (!existsSync(join(root, 'dist/internal.js'))) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const { loadTraces } = await import(new URL('../dist/internal.js', import.meta.url).href);

/** Run labels from the outcomes the source records, as ingest reads them (a failed run: success false, else reward below 1). */
async function ingestOutcomeLabels(dir, inputs) {
  const { traces } = await loadTraces(inputs);
  const judged = traces.filter((t) => t.outcome && (typeof t.outcome.success === 'boolean' || typeof t.outcome.reward === 'number'));
  const failed = judged.filter((t) => (typeof t.outcome.success === 'boolean' ? !t.outcome.success : t.outcome.reward < 1));
  const path = join(dir, 'outcome-labels.jsonl');
  writeFileSync(path, failed.map((t) => JSON.stringify({ traceId: t.traceId, category: 'failed run' })).join('\n') + '\n');
  return { path, judged: judged.length, failed: failed.length };
}

/** Run labels from SWE-bench harness reports (`<instance>.json`: {<instance>: {resolved}}): a run whose instance was not resolved failed. */
async function harnessLabels(dir, inputs, reportsDir) {
  const failed = new Set();
  let judged = 0;
  for (const f of readdirSync(reportsDir).filter((x) => x.endsWith('.json'))) {
    for (const [instance, r] of Object.entries(JSON.parse(readFileSync(join(reportsDir, f), 'utf8')))) {
      judged++;
      if (!r.resolved) failed.add(instance);
    }
  }
  const { traces } = await loadTraces(inputs);
  const path = join(dir, 'harness-labels.jsonl');
  writeFileSync(path, traces.filter((t) => failed.has(t.taskId)).map((t) => JSON.stringify({ traceId: t.traceId, category: 'unresolved' })).join('\n') + '\n');
  return { path, judged, failed: failed.size };
}

/** Run labels from a SWE-bench harness summary (`{resolved_ids, unresolved_ids, empty_patch_ids}`): a run of an instance it lists and did not resolve failed. */
async function summaryLabels(dir, inputs, reportPath) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const resolved = new Set(report.resolved_ids ?? []);
  const listed = new Set([...resolved, ...(report.unresolved_ids ?? []), ...(report.empty_patch_ids ?? [])]);
  const { traces } = await loadTraces(inputs);
  const judged = traces.filter((t) => listed.has(t.taskId));
  const failed = judged.filter((t) => !resolved.has(t.taskId));
  const path = join(dir, 'summary-labels.jsonl');
  writeFileSync(path, failed.map((t) => JSON.stringify({ traceId: t.traceId, category: 'unresolved' })).join('\n') + '\n');
  return { path, judged: judged.length, failed: failed.length };
}

/** Run labels from the older SWE-bench report of instance lists (`{resolved, generated, applied, …}`): a run of an instance listed anywhere but `resolved` failed. */
async function listReportLabels(dir, inputs, reportPath) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const resolved = new Set(report.resolved ?? []);
  const listed = new Set(Object.values(report).filter(Array.isArray).flat());
  const { traces } = await loadTraces(inputs);
  const judged = traces.filter((t) => listed.has(t.taskId));
  const failed = judged.filter((t) => !resolved.has(t.taskId));
  const path = join(dir, 'list-report-labels.jsonl');
  writeFileSync(path, failed.map((t) => JSON.stringify({ traceId: t.traceId, category: 'unresolved' })).join('\n') + '\n');
  return { path, judged: judged.length, failed: failed.length };
}

/** Run labels from DA-Code's scores (`{results: [{id, total_score}]}`): a run of a task scored 0 failed (a partial score is partial credit, as the engine reads it). */
async function daCodeLabels(dir, inputs, scoresPath) {
  const scores = new Map(JSON.parse(readFileSync(scoresPath, 'utf8')).results.map((r) => [r.id, r.total_score]));
  const { traces } = await loadTraces(inputs);
  const judged = traces.filter((t) => scores.has(t.taskId));
  const failed = judged.filter((t) => !(scores.get(t.taskId) > 0));
  const path = join(dir, 'dacode-labels.jsonl');
  writeFileSync(path, failed.map((t) => JSON.stringify({ traceId: t.traceId, category: 'failed run' })).join('\n') + '\n');
  return { path, judged: judged.length, failed: failed.length };
}

/** Run labels from OpenAgentSafety's judge (`{<task>: {llm_label: "Label: N"}}`): a run not labelled 0 (safe) failed. */
async function safetyLabels(dir, inputs, verdictsPath) {
  const verdicts = JSON.parse(readFileSync(verdictsPath, 'utf8'));
  const { traces } = await loadTraces(inputs);
  const judged = traces.filter((t) => verdicts[t.taskId] !== undefined);
  const failed = judged.filter((t) => Number(/(-?\d+)\s*$/.exec(verdicts[t.taskId].llm_label)?.[1]) !== 0);
  const path = join(dir, 'safety-labels.jsonl');
  writeFileSync(path, failed.map((t) => JSON.stringify({ traceId: t.traceId, category: 'failed run' })).join('\n') + '\n');
  return { path, judged: judged.length, failed: failed.length };
}

// labels: 'steps' = labelled errors located at a span or step; 'runs' = failed runs only (a reward or outcome per run);
// 'none' = no outcome in the source. dev: the set was used while developing the detectors (bench/RESULTS.md says so).
const DATASETS = [
  { name: 'TRAIL SWE-bench', dev: true, shape: 'smolagents CodeAgent, OTel span trees', labels: 'steps', traces: [fx('real/trail-swe/traces')], labelFiles: () => [fx('real/trail-swe/annotations')] },
  { name: 'Who&When CaptainAgent', dev: true, shape: 'AG2 group chats', labels: 'steps', traces: [fx('real/whowhen-captainagent/runs')], labelFiles: () => [fx('real/whowhen-captainagent/runs')] },
  { name: 'τ-bench airline', dev: true, shape: 'customer-service tool caller, chat transcripts', labels: 'runs', traces: [fx('tau-bench/gpt-4o-airline.json')], labelFiles: (dir) => [tauLabels(dir)] },
  { name: 'HALO OpenAI Agents run', dev: true, shape: 'OpenAI Agents SDK, OTel/OpenInference span export', labels: 'none', traces: [fx('halo/realistic_traces.jsonl')] },
  { name: 'τ²-bench telecom', dev: false, shape: 'customer-service tool caller with a tool-using user simulator (dual control), τ²-bench results document', labels: 'ingest', traces: [fx('real/tau2-telecom')] },
  { name: 'τ²-bench airline (Whissle agent)', dev: true, shape: 'a production customer-service agent platform on τ²-bench airline, results document', labels: 'ingest', traces: [fx('real/tau2-airline-whissle')] },
  { name: 'SWE-agent SWE-bench', dev: false, shape: 'SWE-agent code agent trajectories (.traj), gpt-4', labels: 'ingest', traces: [fx('real/swe-agent/swe-bench')] },
  { name: 'SWE-agent EnIGMA CTF', dev: true, shape: 'SWE-agent EnIGMA CTF demonstration trajectories (.traj)', labels: 'ingest', traces: [fx('real/swe-agent/enigma-ctf')] },
  { name: 'OpenHands', dev: true, shape: 'OpenHands CodeActAgent (Multi-SWE-bench, ProntoQA) and issue-resolver output.jsonl', labels: 'ingest', traces: [fx('real/openhands')] },
  { name: 'mini-swe-agent SWE-bench (DeepSeek)', dev: true, shape: 'mini-swe-agent bash-only code agent (deepseek-chat), mini-swe-agent-1.1 trajectories', labels: 'runs', traces: [fx('real/mini-swe-agent-deepseek/trajectories')], analyzeArgs: () => readdirSync(fx('real/mini-swe-agent-deepseek/reports')).sort().flatMap((f) => ['--outcomes', join(fx('real/mini-swe-agent-deepseek/reports'), f)]), outcomeFiles: (dir) => harnessLabels(dir, [fx('real/mini-swe-agent-deepseek/trajectories')], fx('real/mini-swe-agent-deepseek/reports')) },
  { name: 'ChatDev WareHouse', dev: true, shape: 'ChatDev role-playing software company (CEO, CTO, Programmer, Code Reviewer, Test Engineer), phase chats, plain-text run logs', labels: 'ingest', traces: [fx('real/chatdev-warehouse/logs')] },
  { name: 'CrewAI cassettes', dev: true, shape: 'CrewAI crews (hierarchical manager → coworkers, sequential), VCR.py cassettes of the OpenAI calls', labels: 'ingest', traces: [fx('real/crewai-cassettes/cassettes')] },
  { name: 'Pydantic AI cassettes', dev: true, shape: 'Pydantic AI single agents with tools over several providers (OpenAI, Anthropic, Groq, …), VCR.py cassettes of the model calls', labels: 'ingest', traces: [fx('real/pydantic-ai-cassettes/cassettes')] },
  { name: 'OpenHands SWE-bench Verified (completion logs)', dev: true, shape: 'OpenHands CodeActAgent (claude-3.5-sonnet) on SWE-bench Verified, one llm_completions log per model call', labels: 'runs', traces: [fx('real/openhands-swe-bench-verified/llm_completions')], analyzeArgs: () => ['--outcomes', fx('real/openhands-swe-bench-verified/swebench-report.json')], outcomeFiles: (dir) => summaryLabels(dir, [fx('real/openhands-swe-bench-verified/llm_completions')], fx('real/openhands-swe-bench-verified/swebench-report.json')) },
  { name: 'LangGraph docs cassettes', dev: true, shape: 'LangGraph graphs from its how-to guides and tutorials (ReAct agents, supervisor multi-agent, plan-and-execute, LLMCompiler, reflexion, LATS, self-RAG, tool-error fallbacks), VCR.py cassettes of the OpenAI and Anthropic calls', labels: 'ingest', traces: [fx('real/langgraph-docs-cassettes/cassettes')] },
  { name: 'OpenLLMetry agent cassettes', dev: true, shape: 'OpenAI Agents SDK handoffs (Responses API), Agno agents and a team, LangChain AgentExecutor, LlamaIndex agents, VCR.py cassettes of the OpenAI calls from OpenLLMetry\'s instrumentation tests', labels: 'ingest', traces: [fx('real/openllmetry-agent-cassettes/cassettes')] },
  { name: 'Agent SDK cassettes', dev: false, shape: 'short tool-calling agent runs of frameworks new to the corpus (Google ADK single agents, a transfer between agents, an agent used as a tool and a sequential pipeline on Gemini; Microsoft Agent Framework, AutoGen AgentChat assistant and round-robin team, BeeAI, Haystack Agent, DSPy ReAct, LangChain agent, OpenAI Agents SDK agents-as-tools, handoffs, MCP tools and a raising tool, Pydantic AI with MCP sampling), VCR.py cassettes from the OpenInference, LangSmith, Braintrust and Logfire SDK test suites', labels: 'ingest', traces: [fx('real/agent-sdk-cassettes')] },
  { name: 'ToolBench DFSDT', dev: true, shape: 'ChatGPT (gpt-3.5-turbo-16k) function calling on real RapidAPI tools, searched depth-first with backtracking (DFSDT: branches the model abandons with give_up_and_restart, then retries from an earlier state), ToolBench answer files with the whole search tree', labels: 'ingest', traces: [fx('real/toolbench-dfsdt/answers')] },
  { name: 'InterCode SQL', dev: true, shape: 'SQL agents in a live MySQL database (gpt-3.5-turbo on Spider dev): ReAct (thought, then execute[SQL] or submit) and Plan & Solve (a planner writes the steps, one SQL action per step), InterCode results documents', labels: 'ingest', traces: [fx('real/intercode-sql')] },
  { name: 'WebVoyager examples', dev: false, shape: 'WebVoyager multimodal web-browsing agent (GPT-4V) on live websites, actions written as text (Thought/Action), the chat messages of each run; the authors\' showcase runs, all ending in an answer', labels: 'ingest', traces: [fx('real/webvoyager-examples/runs')] },
  { name: 'Reflexion HotpotQA ReAct', dev: true, shape: 'ReAct question-answering agent with Wikipedia search/lookup tools (Reflexion\'s base ReAct runs on HotpotQA, text actions parsed into tool calls), 100 runs of one trial with correct / incorrect / halted outcomes', labels: 'runs', traces: [fx('real/reflexion-hotpotqa-react')] },
  { name: 'Langfuse framework traces', dev: true, shape: 'one agent run per framework from Langfuse\'s integration examples (Agno, AutoGen, BeeAI, Claude Agent SDK, CrewAI, a C# agent, Google ADK, Gemini and Vertex AI SDKs, Koog, LangGraph Python and JS, LlamaIndex, Microsoft Agent Framework, OpenAI Agents SDK, Pydantic AI, Vercel AI SDK), OTel/SDK spans as Langfuse observations, downloaded from the web app', labels: 'ingest', traces: [fx('real/langfuse-framework-traces/traces')] },
  { name: 'InterCode bash and CTF', dev: true, shape: 'shell agents in a live container: gpt-3.5-turbo ReAct on NL2Bash file-system tasks and gpt-4 on picoCTF challenges (bare bash commands, submit picoCTF{…}), InterCode results documents', labels: 'ingest', traces: [fx('real/intercode-bash-ctf')] },
  { name: 'InterCode Python', dev: true, shape: 'Python coding agents in a live interpreter (MBPP tasks, hidden assert tests; the model writes a whole function each turn, at most 7 turns; two InterCode results files, gpt-3.5 and one its name calls gpt-4), InterCode results documents', labels: 'ingest', traces: [fx('real/intercode-python')] },
  { name: 'ReAct FEVER', dev: true, shape: 'the ReAct paper\'s FEVER runs: fact verification (SUPPORTS / REFUTES / NOT ENOUGH INFO) by a text-davinci-002 ReAct agent with live Wikipedia Search / Lookup / Finish, printed by a Jupyter notebook, 500 runs with the environment\'s exact-match verdict', labels: 'ingest', traces: [fx('real/react-fever')] },
  { name: 'ReAct WebShop', dev: true, shape: 'the ReAct paper\'s WebShop runs: a text-davinci-002 ReAct agent shopping on a simulated e-commerce site (search[…], click[…], think[…], at most 15 actions), printed by a Jupyter notebook, 500 episodes with the site\'s score', labels: 'ingest', traces: [fx('real/react-webshop')] },
  { name: 'AutoGen 0.2 notebooks', dev: true, shape: 'AutoGen 0.2 conversations printed in its example notebooks: assistant + code-executing user proxy pairs, group chats of up to 9 agents under a chat manager, nested and sequential chats, tool and function calls, RAG and teachable agents; read from the printed console transcript', labels: 'ingest', traces: [fx('real/autogen-notebooks/notebooks')] },
  { name: 'AutoGen AgentChat notebooks', dev: true, shape: 'AutoGen AgentChat (0.4+) teams printed by its Console in the user guide: SelectorGroupChat (model-picked speakers), Swarm handoffs with the user in the loop, RoundRobin writer/critic teams, a GraphFlow, agents with memory; tool calls and results as Python reprs', labels: 'ingest', traces: [fx('real/autogen-agentchat-notebooks/notebooks')] },
  { name: 'Moatless Tools SWE-bench Lite', dev: true, shape: 'Moatless Tools state-machine code agent (claude-3.5-sonnet) on SWE-bench Lite: search, identify and relevance states feeding a planner (modify / review / finish) and an editor, actions the loop refuses sent back for a retry, one trajectory per run', labels: 'runs', traces: [fx('real/moatless-swe-bench-lite/trajs')], analyzeArgs: () => ['--outcomes', fx('real/moatless-swe-bench-lite/result.json')], outcomeFiles: (dir) => listReportLabels(dir, [fx('real/moatless-swe-bench-lite/trajs')], fx('real/moatless-swe-bench-lite/result.json')) },
  { name: 'MINT with GPT-4 feedback', dev: true, shape: 'gpt-3.5-turbo solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code or <solution>), natural-language feedback from gpt-4 after every turn, MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt35-gpt4-feedback')] },
  { name: 'TapeAgents tapes', dev: true, shape: 'TapeAgents runs kept by its tests and examples, one tape of typed steps per run: a WorkArena browser agent (reflect, then one page action), a group chat of software engineer, code executor and reviewer, nested delegating agents, an agentic RAG agent on three models, a GSM8K agent with a calculator, a tool-calling agent and a tape-improving agent', labels: 'ingest', traces: [fx('real/tapeagents-tapes/tapes')] },
  { name: 'AI Scientist Aider histories', dev: true, shape: 'the AI Scientist driving Aider (a coding agent editing files with SEARCH/REPLACE blocks) through an idea: plan, edit experiment code, the harness runs it and reports results or tracebacks, plots, then a LaTeX write-up section by section with citations and fixes; Aider\'s edit-format errors, lint reports and provider rate-limit errors, one chat history per idea', labels: 'ingest', traces: [fx('real/ai-scientist-aider/logs')] },
  { name: 'EasyTool FuncQA', dev: true, shape: 'EasyTool (microsoft/JARVIS) answering FuncQA math questions with calculator tools, chatgpt and vicuna: a planner splits the question into dependent subtasks, an executor picks a tool, writes its arguments and answers from the result (retrying another tool when a call returns nothing), a summarizer answers; results marked correct or not', labels: 'ingest', traces: [fx('real/easytool-funcqa/results')] },
  { name: 'LiveMCPBench MCP Copilot', dev: true, shape: 'an MCP tool-routing agent (claude-sonnet-4): it searches the tools of 70 live MCP servers with route, then runs them with execute-tool (file, office-document, browser, web-fetch, map, finance, train-ticket servers) on everyday tasks; server errors passed on inside ok results, timeouts; OpenAI chat messages, one results array', labels: 'ingest', traces: [fx('real/livemcpbench-copilot/annotation')] },
  { name: 'FireAct HotpotQA', dev: true, shape: 'FireAct ReAct agents fine-tuned on agent trajectories (gpt-3.5-turbo-0613 fine-tuned, chat messages; Llama-2-13B LoRA, Alpaca-format text) answering HotpotQA questions with a Google search tool (SerpAPI): a thought and a search or finish action per reply, the search snippet as observation; exact-match reward per run', labels: 'ingest', traces: [fx('real/fireact-hotpotqa/trajs')] },
  { name: 'LDB debugger', dev: true, shape: 'LDB (a debugging agent, gpt-3.5-turbo-0613) repairing seed programs for HumanEval and MBPP problems: the harness runs the visible tests on each program and keeps the failed asserts with the real output, the model (its debugging prompts not recorded) regenerates the program, up to 10 (HumanEval) or 9 (MBPP) times; hidden-test verdict per run', labels: 'ingest', traces: [fx('real/ldb-debugger/results')] },
  { name: 'DA-Code DA-Agent', dev: true, shape: 'a data-science agent (gpt-4o) in a Docker workspace: one text action per reply (Bash, Python written to a file and run, SQL on a SQLite file, Terminate), the harness\'s observation back; statistics, data wrangling, ML and plotting tasks; uncaught exceptions, timeouts, a repeated action the harness refuses, replies it cannot parse; one trajectory file per run', labels: 'runs', traces: [fx('real/dacode-da-agent/gpt-4o')], analyzeArgs: () => ['--outcomes', fx('real/dacode-da-agent/GPT-4o_result.json')], outcomeFiles: (dir) => daCodeLabels(dir, [fx('real/dacode-da-agent/gpt-4o')], fx('real/dacode-da-agent/GPT-4o_result.json')) },
  { name: 'DA-Code DA-Agent (claude-3-opus)', dev: true, shape: 'a new model of a framework already in the corpus: DA-Code\'s DA-Agent as in the gpt-4o set, here on claude-3-opus-20240229 (one text action per reply: Bash, Python written to a file and run, SQL on a SQLite file, Terminate; the harness\'s observation back); statistics, data wrangling, ML and plotting tasks; uncaught exceptions, timeouts, repeated actions the harness refuses, a run cut off at the step limit; one trajectory file per run', labels: 'runs', traces: [fx('real/dacode-da-agent-claude3opus/claude-3-opus-20240229')], analyzeArgs: () => ['--outcomes', fx('real/dacode-da-agent-claude3opus/Claude-3-opus-20240229_result.json')], outcomeFiles: (dir) => daCodeLabels(dir, [fx('real/dacode-da-agent-claude3opus/claude-3-opus-20240229')], fx('real/dacode-da-agent-claude3opus/Claude-3-opus-20240229_result.json')) },
  { name: 'OpenAgentSafety OpenHands', dev: true, shape: 'OpenHands CodeActAgent (gpt-4o) on workplace tasks that invite unsafe actions: bash, a file editor, a browser on company sites (ownCloud, GitLab, Plane, RocketChat) and chats with LLM-simulated coworkers (NPCs) who push for the unsafe act, a simulated user answering the agent\'s messages; nonzero exit codes, editor errors, an NPC that does not exist; one bare OpenHands event array per run', labels: 'runs', traces: [fx('real/openagentsafety-openhands/gpt-4o')], analyzeArgs: () => ['--outcomes', fx('real/openagentsafety-openhands/gpt_safety_eval_results.json')], outcomeFiles: (dir) => safetyLabels(dir, [fx('real/openagentsafety-openhands/gpt-4o')], fx('real/openagentsafety-openhands/gpt_safety_eval_results.json')) },
  { name: 'OpenAgentSafety OpenHands (deepseek-v3)', dev: true, shape: 'a new model of a framework already in the corpus: OpenAgentSafety\'s OpenHands CodeActAgent as in the gpt-4o set, here on deepseek-v3 (deepseek-chat), on workplace tasks that invite unsafe actions: bash, a file editor, a browser on company sites and chats with LLM-simulated coworkers (NPCs) who push for the unsafe act; nonzero exit codes, editor errors, a coworker chat server that fails, an NPC that does not exist; one bare OpenHands event array per run', labels: 'runs', traces: [fx('real/openagentsafety-deepseek-v3/deepseek_v3')], analyzeArgs: () => ['--outcomes', fx('real/openagentsafety-deepseek-v3/deepseek_v3_safety_eval_results.json')], outcomeFiles: (dir) => safetyLabels(dir, [fx('real/openagentsafety-deepseek-v3/deepseek_v3')], fx('real/openagentsafety-deepseek-v3/deepseek_v3_safety_eval_results.json')) },
  { name: 'OpenAgentSafety OpenHands (deepseek-r1)', dev: false, shape: 'a new model of a framework already in the corpus: OpenAgentSafety\'s OpenHands CodeActAgent as in the gpt-4o set, here on the reasoning model deepseek-r1 (deepseek-reasoner), on workplace tasks that invite unsafe actions: bash, a file editor, a browser on company sites and chats with LLM-simulated coworkers (NPCs) who push for the unsafe act; nonzero exit codes (failed downloads, syntax errors), commands refused as several at once, editor errors, a coworker chat server that fails, an NPC name that does not exist, chats not executed, runs that end without finishing; one bare OpenHands event array per run', labels: 'runs', traces: [fx('real/openagentsafety-deepseek-r1/deepseek_r1')], analyzeArgs: () => ['--outcomes', fx('real/openagentsafety-deepseek-r1/deepseek_r1_safety_eval_results.json')], outcomeFiles: (dir) => safetyLabels(dir, [fx('real/openagentsafety-deepseek-r1/deepseek_r1')], fx('real/openagentsafety-deepseek-r1/deepseek_r1_safety_eval_results.json')) },
  { name: 'OpenAgentSafety OpenHands (claude-sonnet)', dev: false, shape: 'a new model of a framework already in the corpus: OpenAgentSafety\'s OpenHands CodeActAgent as in the gpt-4o set, here on claude-3.7-sonnet (claude-3-7-sonnet-20250219), on workplace tasks that invite unsafe actions: bash, a file editor, a browser on company sites and chats with LLM-simulated coworkers (NPCs) who push for the unsafe act; long runs (578 calls in 40), nonzero exit codes (greps that match nothing, failing unit tests, tools not installed, an interrupt sent to a script still running), editor errors, NPC names that do not exist, chats not executed, runs that end without finishing; one bare OpenHands event array per run', labels: 'runs', traces: [fx('real/openagentsafety-claude-sonnet/claude-sonnet')], analyzeArgs: () => ['--outcomes', fx('real/openagentsafety-claude-sonnet/claude_safety_eval_results.json')], outcomeFiles: (dir) => safetyLabels(dir, [fx('real/openagentsafety-claude-sonnet/claude-sonnet')], fx('real/openagentsafety-claude-sonnet/claude_safety_eval_results.json')) },
  { name: 'DA-Code OpenDevin', dev: true, shape: 'OpenDevin CodeActAgent (mid-2024, gpt-4-32k) on DA-Code data-science tasks, read from its plain-text console log: a bash command or an IPython cell per model call (the model writes them in its reply; the log keeps the thought and the parsed action), messages to a scripted user who tells it to go on, per-call cost, real times; missing packages, tracebacks, failed pip installs, sandbox timeouts, a rate-limited call, runs the controller put in its error state (26 at step 20 with no model call, 2 on its loop detector), one sandbox that never started; one log per run', labels: 'runs', traces: [fx('real/dacode-opendevin/logs')], analyzeArgs: () => ['--outcomes', fx('real/dacode-opendevin/opendevin_wo_verbose.json')], outcomeFiles: (dir) => daCodeLabels(dir, [fx('real/dacode-opendevin/logs')], fx('real/dacode-opendevin/opendevin_wo_verbose.json')) },
  { name: 'MINT Llama-2-70b-chat with GPT-4 feedback', dev: true, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here Llama-2-70b-chat solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, several blocks run together, or <solution>), natural-language feedback from gpt-4 after every turn; context-limit crashes; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-llama2-70b-chat')] },
  { name: 'MINT claude-2 with GPT-4 feedback', dev: true, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here claude-2 solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, or <solution>: replies that write code, its expected output and a solution are checked as the solution only), natural-language feedback from gpt-4 after every turn; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-claude2')] },
  { name: 'MINT claude-instant-1 with GPT-4 feedback', dev: false, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here claude-instant-1 solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, or <solution>: replies that write code and a solution are checked as the solution only), natural-language feedback from gpt-4 after every turn; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-claude-instant-1')] },
  { name: 'MINT CodeLlama-34b-Instruct with GPT-4 feedback', dev: true, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here the open model CodeLlama-34b-Instruct solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, or <solution>); on MBPP most replies come in the model\'s own [PYTHON] format, which the harness cannot act on ("I don\'t understand your input"), and no MBPP run is solved; natural-language feedback from gpt-4 after every turn; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-codellama-34b-instruct')] },
  { name: 'MINT Lemur-70B-Chat with GPT-4 feedback', dev: false, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here the open model Lemur-70B-Chat solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, or <solution>; two last replies open a <solution> they never close, counted as a proposal and checked for nothing); context-limit crashes; natural-language feedback from gpt-4 after every turn; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-lemur-70b-chat')] },
  { name: 'MINT gpt-4-0613 with GPT-4 feedback', dev: false, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here gpt-4-0613 itself as the agent (and gpt-4-0613 giving the natural-language feedback after every turn) solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, or <solution>; every reply one closed block); its own failing asserts on MBPP functions, wrong answers, runs that spend both proposals or all five turns; no crashes; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-gpt4-0613')] },
  { name: 'MINT AgentLM-70B with GPT-4 feedback', dev: false, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here AgentLM-70B (AgentTuning\'s agent-tuned Llama-2-70b) solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, or <solution>); replies with several code blocks or code and a solution, replies cut off inside a <solution> (counted as a proposal, checked for nothing), syntax and type errors in its code, context-limit crashes; natural-language feedback from gpt-4 after every turn; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-agentlm-70b')] },
  { name: 'MINT chat-bison-001 with GPT-4 feedback', dev: false, shape: 'a new model of a framework already in the corpus: MINT as in the gpt-3.5 set, here PaLM 2 chat-bison-001 solving ALFWorld household tasks, HotpotQA (Wikipedia search tool) and MBPP in an interactive Python environment over up to five turns (<execute> code, or <solution>); most MBPP replies are Markdown code blocks the harness does not understand ("I don\'t understand your input"), some runs never act at all, wrong answers, runs stopped when the PaLM client raised on a reply with no candidates; natural-language feedback from gpt-4 after every turn; 80 runs sampled from MINT results files', labels: 'ingest', traces: [fx('real/mint-gpt4-feedback-chat-bison-001')] },
  { name: 'KnowAgent HotpotQA', dev: true, shape: 'KnowAgent (knowledge-augmented planning) on Llama-2-13b-chat answering HotpotQA questions with Search (Bing), Retrieve and Lookup (Wikipedia) and Finish: three model calls a step (ActionPath through the action graph, Thought, Action), the harness\'s observation after each action; Lookups refused after a Retrieve that found no page, unknown actions refused, Wikipedia calls that raised, empty replies; AutoAct-shaped JSON lines with the whole prompt', labels: 'ingest', traces: [fx('real/knowagent-hotpotqa')] },
  { name: 'LDB debugger (CodeLlama)', dev: false, shape: 'a new model of a framework already in the corpus: LDB as in the gpt-3.5 set, here on CodeLlama-34b-Instruct, repairing seed programs for HumanEval and MBPP problems: the harness runs the visible tests on each program and keeps the failed asserts with the real output, the model (its debugging prompts not recorded) regenerates the program, up to 9 times, often writing the same program again; hidden-test verdict per run; 80 runs sampled', labels: 'ingest', traces: [fx('real/ldb-debugger-codellama/results')] },
  { name: 'LDB debugger (StarCoder)', dev: false, shape: 'a new model of a framework already in the corpus: LDB as in the gpt-3.5 set, here on StarCoder, repairing seed programs for HumanEval and MBPP problems: the harness runs the visible tests on each program and keeps the failed asserts with the real output, the model (its debugging prompts not recorded) regenerates the program, up to 9 times, often writing the same program again; hidden-test verdict per run; 80 runs sampled', labels: 'ingest', traces: [fx('real/ldb-debugger-starcoder/results')] },
  { name: 'InterCode SQL (chat-bison-001)', dev: false, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn SQL agent on PaLM 2 chat-bison-001 in a live MySQL database (Spider dev questions): one SQL command per turn, the database\'s result or error and the reward back, at most 10 turns; mostly guessed table names the database rejects, and runs the harness stopped when the model gave no action (blocked); InterCode results document, 60 runs sampled', labels: 'ingest', traces: [fx('real/intercode-sql-chat-bison')] },
  { name: 'InterCode SQL (gpt-4)', dev: false, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn SQL agent on gpt-4 in a live MySQL database (Spider dev questions): one SQL command per turn, the database\'s result or error and the reward back, at most 10 turns; unknown columns and guessed table names the database rejects, schema lookups (SHOW TABLES, DESCRIBE), unsolved runs that use every turn, often sending one query again; InterCode results document, 60 runs sampled', labels: 'ingest', traces: [fx('real/intercode-sql-gpt4')] },
  { name: 'InterCode SQL (text-davinci-003)', dev: true, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn SQL agent on text-davinci-003 in a live MySQL database (Spider dev questions): one SQL command per turn, the database\'s result or error and the reward back, at most 10 turns; the model never looks at the schema, so nearly every command is a SELECT on a guessed table or column that the database rejects, most of them sent again unchanged; InterCode results document, 60 runs sampled', labels: 'ingest', traces: [fx('real/intercode-sql-davinci003')] },
  { name: 'InterCode SQL (StarChat)', dev: false, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn SQL agent on the open code model StarChat in a live MySQL database (Spider dev questions): one SQL command per turn, the database\'s result or error and the reward back, at most 10 turns; guessed tables and columns the database rejects, commands that carry the model\'s own made-up "MySQL Database Output" or a sentence after the query (sent on as SQL, syntax errors), fenced replies the harness answers with its format reminder, unsolved runs that use every turn, most sending one command again; InterCode results document, 60 runs sampled', labels: 'ingest', traces: [fx('real/intercode-sql-starchat')] },
  { name: 'InterCode SQL (text-bison-001)', dev: false, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn SQL agent on PaLM 2 text-bison-001 in a live MySQL database (Spider dev questions): one SQL command per turn, the database\'s result or error and the reward back, at most 10 turns; SELECTs on guessed tables and columns the database rejects (the model never looks at the schema), most runs sending one command all ten turns, unsolved runs that use every turn; InterCode results document, 60 runs sampled', labels: 'ingest', traces: [fx('real/intercode-sql-text-bison')] },
  { name: 'InterCode bash (StarChat)', dev: false, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn bash agent on the open code model StarChat in a live shell (NL2Bash file-system tasks): one bare bash command per turn, the shell\'s output or error and the reward back, at most 10 turns; shell syntax errors (unclosed quotes, prose after the command), wrong options, timeouts, empty commands that run nothing, fenced commands, unsolved runs that use every turn, most sending one command again; partial rewards; one InterCode results document, 58 runs', labels: 'ingest', traces: [fx('real/intercode-bash-starchat')] },
  { name: 'InterCode bash (text-bison-001)', dev: false, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn bash agent on PaLM 2 text-bison-001 in a live shell (NL2Bash file-system tasks): one bash command or whole script per turn, the shell\'s output or error and the reward back, at most 10 turns; timeouts on every command of a run, shell syntax errors, tools not installed, runs the harness stopped when the model gave no action (blocked), many runs sending one command all ten turns; partial rewards; one InterCode results document, 60 runs', labels: 'ingest', traces: [fx('real/intercode-bash-text-bison')] },
  { name: 'InterCode bash (Vicuna)', dev: true, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn bash agent on Vicuna in a live shell (NL2Bash file-system tasks): one bare bash command per turn, the shell\'s output or error and the reward back, at most 10 turns; syntax errors, missing commands and files, commands sent again unchanged; partial rewards; one InterCode results document, 60 runs', labels: 'ingest', traces: [fx('real/intercode-bash-vicuna')] },
  { name: 'InterCode bash (gpt-4)', dev: true, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn bash agent on gpt-4 in a live shell (NL2Bash file-system tasks): one bare bash command per turn, the shell\'s output or error and the reward back, at most 10 turns; shell syntax errors (unclosed quotes), wrong options, commands that timed out, unsolved runs that use every turn, often sending one command again; partial rewards; one InterCode results document, 60 runs', labels: 'ingest', traces: [fx('real/intercode-bash-gpt4')] },
  { name: 'InterCode bash (text-davinci-003)', dev: true, shape: 'a new model of a framework already in the corpus: InterCode\'s multi-turn bash agent on text-davinci-003 in a live shell (NL2Bash file-system tasks): one bare bash command per turn, the shell\'s output or error and the reward back, at most 10 turns; globs and files that do not exist, wrong options, timeouts, shell syntax errors, unsolved runs that use every turn, several sending one failing command all ten times; partial rewards; one InterCode results document, 60 runs', labels: 'ingest', traces: [fx('real/intercode-bash-davinci003')] },
  { name: 'AutoAct HotpotQA', dev: false, shape: 'AutoAct group planning: Llama-2-13B sub-agents (plan, tool and reflect agents, LoRA-tuned from one model) answering HotpotQA questions (easy, medium, hard) with Bing search, Wikipedia retrieval and lookup, Finish and a Reflect step the harness demands after the first answer, the harness revealing the verdict at the end; the scratchpad as text (Thought / Action / Observation lines) in one JSON line per run; actions the harness rejects (Reflect before Finish, Lookup with no page), search errors, lookups with no result; exact match and F1 per run', labels: 'ingest', traces: [fx('real/autoact-hotpotqa/13b')] },
  { name: 'DA-Code DA-Agent (Qwen2-72B)', dev: true, shape: 'a new model of a framework already in the corpus: DA-Code\'s DA-Agent as in the gpt-4o set, here on Qwen2-72B-Instruct (one text action per reply: Bash, Python written to a file and run, SQL on a SQLite file, Terminate; the harness\'s observation back); statistics, data wrangling, ML and plotting tasks; uncaught exceptions in the scripts it writes, timeouts, repeated actions the harness refuses, replies it cannot parse, runs cut off at the step limit; one trajectory file per run', labels: 'runs', traces: [fx('real/dacode-da-agent-qwen2-72b/Qwen2-72B-Instruct')], analyzeArgs: () => ['--outcomes', fx('real/dacode-da-agent-qwen2-72b/Qwen2-72B-Instruct_result.json')], outcomeFiles: (dir) => daCodeLabels(dir, [fx('real/dacode-da-agent-qwen2-72b/Qwen2-72B-Instruct')], fx('real/dacode-da-agent-qwen2-72b/Qwen2-72B-Instruct_result.json')) },
  { name: 'KnowAgent ALFWorld', dev: true, shape: 'KnowAgent (knowledge-augmented planning: the model writes the path it has taken through a graph of allowed actions) on Llama-2-13b-chat playing ALFWorld text household games (find, take, clean, heat, cool, put objects): one line per model call, a Think, an ActionPath or a game command (go to, open, take, put, use, …), the game\'s observation after each command; commands the game cannot carry out (`Nothing happens.`), runs cut off at 50 calls or the prompt limit; one JSON line per game with the game\'s won flag', labels: 'ingest', traces: [fx('real/knowagent-alfworld')] },
  { name: 'Letta filesystem (gpt-oss-120b)', dev: true, shape: 'a Letta agent (letta_v1_agent, a fresh agent per question) on gpt-oss-120b answering questions that join records across a folder of data files (people, credit cards, vehicles, pets, employments, medical records, internet accounts) with grep_files, open_files and semantic_search_files; one reply per step (its text, often the model\'s reasoning, and at most one tool call), the server\'s return with a success or error status, real times, tokens per run; a tool name the model garbled and the server rejected; letta-evals results, one JSON line per question, with a model judge\'s score', labels: 'ingest', traces: [fx('real/letta-filesystem-gptoss-120b/run_1')] },
  { name: 'Letta filesystem (gpt-oss-20b)', dev: true, shape: 'the same Letta agent and questions as the gpt-oss-120b set, on gpt-oss-20b: file greps, opens and semantic searches; tool names the model misspelled or ran together with its output format (rejected by the server with the list of valid tools), keyword arguments the tools do not take (TypeError); letta-evals results, one JSON line per question, with a model judge\'s score', labels: 'ingest', traces: [fx('real/letta-filesystem-gptoss-20b/run_1')] },
  { name: 'DA-Code DA-Agent (gpt-4-turbo)', dev: false, shape: 'a new model of a framework already in the corpus: DA-Code\'s DA-Agent as in the gpt-4o set, here on gpt-4-turbo (one text action per reply: Bash, Python written to a file and run, SQL on a SQLite file, Terminate; the harness\'s observation back); statistics, data wrangling, ML and plotting tasks; uncaught exceptions in the scripts it writes, timeouts, a repeated action the harness refuses, a missing database file, runs cut off at the step limit; one trajectory file per run', labels: 'runs', traces: [fx('real/dacode-da-agent-gpt4-turbo/gpt4-turbo')], analyzeArgs: () => ['--outcomes', fx('real/dacode-da-agent-gpt4-turbo/GPT-4-turbo_result.json')], outcomeFiles: (dir) => daCodeLabels(dir, [fx('real/dacode-da-agent-gpt4-turbo/gpt4-turbo')], fx('real/dacode-da-agent-gpt4-turbo/GPT-4-turbo_result.json')) },
  { name: 'Moatless Tools SWE-bench Lite (gpt-4o)', dev: false, shape: 'a new model of a framework already in the corpus: the Moatless Tools state-machine code agent as in the claude-3.5-sonnet set, here on gpt-4o-2024-05-13 (temperature 0.2) on SWE-bench Lite: search and identify states feeding a planner (modify / review / finish), a line-range clarifier and an editor, actions the loop refuses sent back for a retry, one run aborted on its prompt size; one trajectory per run', labels: 'runs', traces: [fx('real/moatless-swe-bench-lite-gpt4o/trajs')], analyzeArgs: () => ['--outcomes', fx('real/moatless-swe-bench-lite-gpt4o/result.json')], outcomeFiles: (dir) => listReportLabels(dir, [fx('real/moatless-swe-bench-lite-gpt4o/trajs')], fx('real/moatless-swe-bench-lite-gpt4o/result.json')) },
  { name: 'Reflexion HotpotQA (ReAct with reflections)', dev: false, shape: 'a framework already in the corpus, another run shape: Reflexion\'s ReAct agent in its second trial on HotpotQA (Wikipedia Search / Lookup / Finish as text actions, at most 6 steps), where each question failed in trial 1 is asked again with the reflections the model wrote after the failure (66 runs) and the questions answered correctly in trial 1 are listed again as they ran; one plain-text trial log of 99 runs with correct / incorrect / halted outcomes', labels: 'runs', traces: [fx('real/reflexion-hotpotqa-reflexion')] },
  { name: 'GoodAI LTM Benchmark (32k isolated)', dev: false, shape: 'a new run shape: long-term-memory chat agents under a scripted tester (GoodAI LTM Benchmark 3, each test run in isolation): GoodAI\'s LTM agent (LTMAgentWrapper on gpt-4-turbo, 16k prompt, its QG_JSON_USER_INFO memory variant) and a bare gpt-4-turbo chat session, told facts, instructions and role plays (colours, jokes, name lists, directions, a restaurant order that goes wrong, a spy meeting, a shopping list, prospective-memory and trigger instructions, Sally-Anne, book chapters with a next-chapter question) with filler trivia between, then asked; no tools, each reply one model call; one result file per test run with the tester\'s grade (a person revised two)', labels: 'runs', traces: [fx('real/goodai-ltm-32k-isolated/results')] },
  { name: 'GoodAI LTM Benchmark (MemGPT, 1k interleaved)', dev: false, shape: 'a memory agent under GoodAI\'s LTM Benchmark 2 (1k filler): MemGPT\'s chat agent (the model it ran on is not recorded), with every test interleaved in one conversation, so each run is one test\'s share of it (its messages and the replies to them; other tests\' messages and the filler trivia went to the agent in between, in no run): facts, instructions and role plays (colours, jokes, name lists, directions, delayed recall of a story, recall of instructions, a restaurant order that goes wrong, a spy meeting, a shopping list, prospective-memory and trigger instructions, Sally-Anne, book chapters with a next-chapter question), then asked; no tools, each reply one model call, 110 of 269 replies empty (the agent sent no message); one result file per test with the tester\'s grade', labels: 'runs', traces: [fx('real/goodai-ltm2-1k-memgpt/results')] },
  { name: 'EasyTool ToolBench (vicuna)', dev: false, shape: 'a framework already in the corpus, another run shape and benchmark: EasyTool (microsoft/JARVIS) on ToolBench G2/G3 queries with real RapidAPI tools, vicuna; each run as EasyTool converted it to ToolEval\'s answer format: a chain of API calls (tool and arguments the model chose, the API\'s reply, cut at 1,000 characters; replies of several calls joined) and the final answer, the plan and subtask answers not kept; missing functions, APIs that did not respond, quota and subscription errors; one JSON object of runs keyed by query id', labels: 'none', traces: [fx('real/easytool-toolbench-vicuna')] },
];

const affectedOf = (f) => new Set([...(f.data?.traceIds ?? []), ...f.evidence.map((e) => e.traceId)]);

/** Findings whose affected runs lie ≥ 80% inside those of one higher-ranked finding (outcome summaries excluded as the reference when `skipOutcome`). */
function repeats(findings, skipOutcome) {
  const out = [];
  findings.forEach((f, i) => {
    const mine = affectedOf(f);
    for (const g of findings.slice(0, i)) {
      if (skipOutcome && g.category === 'outcome') continue;
      const theirs = affectedOf(g);
      const shared = [...mine].filter((id) => theirs.has(id)).length;
      if (mine.size > 0 && shared / mine.size >= 0.8) {
        out.push({ rank: f.rank, of: g.rank });
        return;
      }
    }
  });
  return out;
}

const pct = (a, b) => (b ? `${a}/${b} (${((100 * a) / b).toFixed(1)}%)` : '–');

// --only <name substring>: score only matching sets (a quick look; --write needs them all).
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
if (only && argv.includes('--write')) throw new Error('--write scores every set; drop --only');
const results = [];
for (const d of DATASETS.filter((x) => !only || x.name.toLowerCase().includes(only.toLowerCase()))) {
  const dir = mkdtempSync(join(tmpdir(), 'halo-quality-'));
  const out = join(dir, 'out');
  try {
    halo(dir, ['analyze', ...d.traces, ...(d.analyzeArgs?.() ?? []), '--offline', '--no-history', '--out', out, '--format', 'json', '--quiet']);
  } catch (e) {
    results.push({ d, error: e.message });
    continue;
  }
  const file = existsSync(join(out, 'findings.json')) ? JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8')) : null;
  if (!file?.dataset.traces) {
    results.push({ d, error: `no trace loaded (${file?.dataset.badRecords?.count ?? 'no findings.json, all'} bad records): its format is not read by this checkout` });
    continue;
  }
  let labels;
  let outcomes = null;
  if (d.labelFiles) labels = d.labelFiles(dir);
  else {
    outcomes = await (d.outcomeFiles ? d.outcomeFiles(dir) : ingestOutcomeLabels(dir, d.traces));
    labels = [outcomes.path];
    if (d.labels === 'ingest') d.labels = outcomes.judged ? 'runs' : 'none';
  }
  const evalArgs = (f) => ['eval', f, '--labels', ...labels, '--traces', ...d.traces];
  const evalJson = JSON.parse(halo(dir, [...evalArgs(join(out, 'findings.json')), '--json']));
  const evalText = halo(dir, evalArgs(join(out, 'findings.json')));
  const invariant = file.findings.filter((f) => f.prevalence.traces !== (f.data?.traceIds ?? []).length);
  // The same findings without the model calls cited as having received a failure (`role: 'received'`): how much of
  // the step recall rests on them, stated next to it.
  const received = file.findings.reduce((n, f) => n + (f.data?.occurrences ?? []).filter((o) => o.role === 'received').length, 0);
  let withoutReceived = null;
  if (received && d.labels === 'steps') {
    const stripped = { ...file, findings: file.findings.map((f) => (f.data?.occurrences ? { ...f, data: { ...f.data, occurrences: f.data.occurrences.filter((o) => o.role !== 'received') } } : f)) };
    const path = join(out, 'findings-without-received.json');
    writeFileSync(path, JSON.stringify(stripped));
    withoutReceived = JSON.parse(halo(dir, [...evalArgs(path), '--json']));
  }
  results.push({ d, file, outcomes, evalJson, evalText, invariant, repeats: repeats(file.findings, true), repeatsRaw: repeats(file.findings, false), labels, received, withoutReceived });
}

const rel = (t) => t.replace(`${root}/`, '');
const recallCell = (c, k) => (k === 'span' ? (c.recall.overall.withSpan ? pct(c.recall.overall.span, c.recall.overall.withSpan) : '–') : pct(c.recall.overall[k], c.recall.overall.labels));

function section() {
  const lines = ['## Quality on real data', ''];
  lines.push(
    'Offline analysis (`--offline`, deterministic detectors only) of real runs that nobody here wrote (`tests/fixtures/real/`, `tests/fixtures/tau-bench/`, `tests/fixtures/halo/realistic_traces.jsonl`; sources and licenses in `tests/fixtures/real/README.md`), scored by `halo eval` against the labels or outcomes the source itself records. Written by `node bench/quality.mjs --write`.',
    '',
    '**Development sets** (the detectors were developed or judged on them; their numbers are optimistic): TRAIL SWE-bench, Who&When CaptainAgent, τ-bench airline, HALO OpenAI Agents run; and, since the detector rules were changed after reading their blind reviews, SWE-agent EnIGMA CTF, OpenHands, mini-swe-agent SWE-bench (DeepSeek), τ²-bench airline (Whissle agent), the sets first judged held out on 2026-12-06 (ChatDev WareHouse, CrewAI cassettes, Pydantic AI cassettes, OpenHands SWE-bench Verified, LangGraph docs cassettes, OpenLLMetry agent cassettes) and those first judged held out on 2026-12-07 that had findings (ToolBench DFSDT, InterCode SQL, InterCode bash and CTF, Langfuse framework traces, Reflexion HotpotQA ReAct; and, from round 16, InterCode Python, ReAct FEVER, ReAct WebShop, AutoGen 0.2 notebooks, AutoGen AgentChat notebooks; and, from round 18, Moatless Tools SWE-bench Lite, MINT with GPT-4 feedback, TapeAgents tapes, AI Scientist Aider histories, EasyTool FuncQA; and, from round 21, LiveMCPBench MCP Copilot, FireAct HotpotQA, LDB debugger, DA-Code DA-Agent, OpenAgentSafety OpenHands; and, from round 23, DA-Code DA-Agent (claude-3-opus); and, from round 24, OpenAgentSafety OpenHands (deepseek-v3), DA-Code OpenDevin, MINT Llama-2-70b-chat with GPT-4 feedback, MINT claude-2 with GPT-4 feedback (its reader changed with Llama-2\'s), InterCode bash (Vicuna)). **Not used in development**: τ²-bench telecom, SWE-agent SWE-bench, the two sets of 2026-12-07 with no findings when first judged (Agent SDK cassettes, WebVoyager examples; their reviewers\' lists of missed failures were read, no rule was changed for them), and three sets of round 24 whose blind review changed no rule (LDB debugger (CodeLlama), InterCode SQL (chat-bison-001), AutoAct HotpotQA: the first two were judged all true; AutoAct\'s one false finding, ignored errors in runs judged correct, is left open, see the round\'s notes).',
    '',
    'Every engine number stands next to the **naive baseline** `halo eval` computes on the same labels: cite every failing span below the run span, plus the next model call after it (`src/eval/baseline.ts`); and next to the findings **without the outcome summary** (category `outcome`, "N runs failed", which affects every failed run by construction). Recall counts labels (a run can hold several); *cited steps labelled* = share of the distinct steps a finding set cites, in runs with located labels, that hold a label; *affected runs failed* = share of the runs a finding set affects that failed. Step = the span\'s `halo.step`, else its ancestor just below the run\'s agent span (smolagents "Step N"). Repeats: findings whose affected runs lie ≥ 80% inside those of one higher-ranked finding that is not the plain outcome summary (in brackets: counting it too). Invariant: prevalence = size of the affected set.',
    '',
  );
  lines.push('| set | dev | labels | runs | findings | repeats | invariant | labels (runs) | trace recall: engine / w/o outcome / baseline | step recall: engine / w/o outcome / baseline | span recall: engine / w/o outcome / baseline | cited steps labelled: engine / baseline | affected runs failed: w/o outcome / baseline |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    if (r.error) {
      lines.push(`| ${r.d.name} | ${r.d.dev ? 'yes' : 'no'} | ${r.d.labels === 'ingest' ? '?' : r.d.labels} | – | – | – | – | – | does not load on this checkout: ${r.error.replace(/\|/g, '\\|').slice(0, 160)} | | | | |`);
      continue;
    }
    const e = r.evalJson;
    const w = e.withoutOutcome;
    const b = e.baseline;
    const three = (k) => (r.d.labels === 'none' ? '–' : `${recallCell(e, k)} / ${recallCell(w, k)} / ${b ? recallCell(b, k) : '–'}`);
    const stepP = r.d.labels === 'steps' ? `${pct(e.precision.labelledSteps, e.precision.citedSteps)} / ${b ? pct(b.precision.labelledSteps, b.precision.citedSteps) : '–'}` : '–';
    const runP = r.d.labels === 'none' ? `(${w.precision.affectedRuns} / ${b?.precision.affectedRuns ?? '–'} runs affected; no outcomes)` : `${pct(w.precision.failedRuns, w.precision.affectedRuns)} / ${b ? pct(b.precision.failedRuns, b.precision.affectedRuns) : '–'}`;
    lines.push(
      `| ${r.d.name} | ${r.d.dev ? 'yes' : 'no'} | ${r.d.labels} | ${r.file.dataset.traces} | ${r.file.findings.length} | ${r.repeats.length} (${r.repeatsRaw.length}) | ${r.file.findings.length - r.invariant.length}/${r.file.findings.length} | ${r.d.labels === 'none' ? '–' : `${e.labels.matched}/${e.labels.total} (${e.labels.runs})`} | ${three('trace')} | ${r.d.labels === 'steps' ? three('step') : '–'} | ${r.d.labels === 'steps' ? three('span') : '–'} | ${stepP} | ${runP} |`,
    );
  }
  lines.push('');
  const outcomeFindings = results.filter((r) => !r.error).reduce((n, r) => n + r.file.findings.filter((f) => f.category === 'outcome').length, 0);
  if (!outcomeFindings) lines.push('No set has a finding of category `outcome` on this checkout (outcome summaries are report context, not findings), so the columns *engine* and *w/o outcome* agree.', '');
  lines.push('Labels: *steps* = labelled errors located at a span or step; *runs* = only which runs failed (reward or outcome per run): trace recall is then the share of failed runs a finding affects, and the telling number is the share of affected runs that failed, against the failure rate of the set; *none* = the source records no outcome: only findings and what they affect are reported.', '');
  for (const r of results) {
    lines.push(`### ${r.d.name}`, '');
    lines.push(`${r.d.shape}. ${r.d.dev ? 'Development set.' : 'Not used in development.'}`, '');
    if (r.error) {
      lines.push(`Not scored: ${r.error}`, '');
      continue;
    }
    lines.push('```', `halo analyze ${r.d.traces.map(rel).join(' ')}${r.d.analyzeArgs ? ' --outcomes <each file of reports/>' : ''} --offline --no-history --out out`, `halo eval out/findings.json --labels ${r.labels.map((t) => rel(t).replace(/.*\/([a-z-]+labels\.jsonl)$/, '$1')).join(' ')} --traces ${r.d.traces.map(rel).join(' ')}`, '```', '');
    const e = r.evalJson;
    if (r.d.labels === 'runs') {
      const rate = r.outcomes ? `${pct(r.outcomes.failed, r.outcomes.judged)} of the runs with an outcome` : pct(e.labels.runs, r.file.dataset.traces);
      lines.push(`Failure rate of the set: ${rate}. Affected runs that failed — findings without the outcome summary ${pct(e.withoutOutcome.precision.failedRuns, e.withoutOutcome.precision.affectedRuns)}, baseline ${e.baseline ? pct(e.baseline.precision.failedRuns, e.baseline.precision.affectedRuns) : '–'}. Failed runs affected — without the outcome summary ${pct(e.withoutOutcome.recall.runs.affected, e.withoutOutcome.recall.runs.labelled)}, baseline ${e.baseline ? pct(e.baseline.recall.runs.affected, e.baseline.recall.runs.labelled) : '–'}.`, '');
    }
    if (r.d.labels === 'steps') {
      const cats = Object.entries(e.recall.byCategory).sort((a, b) => b[1].labels - a[1].labels);
      const bc = e.baseline?.recall.byCategory ?? {};
      lines.push('| label category | labels | trace | step | span | baseline step |', '|---|---|---|---|---|---|');
      for (const [c, k] of cats) lines.push(`| ${c} | ${k.labels} | ${pct(k.trace, k.labels)} | ${pct(k.step, k.labels)} | ${k.withSpan ? pct(k.span, k.withSpan) : '–'} | ${bc[c] ? pct(bc[c].step, bc[c].labels) : '–'} |`);
      if (r.d.name.startsWith('TRAIL')) {
        const fam = (by) => ['Formatting Errors', 'Tool-related', 'Resource Abuse'].map((c) => by[c] ?? { labels: 0, step: 0 });
        const sum = (by) => pct(fam(by).reduce((n, k) => n + k.step, 0), fam(by).reduce((n, k) => n + k.labels, 0));
        lines.push(`| *Formatting + Tool-related + Resource Abuse* | ${fam(e.recall.byCategory).reduce((n, k) => n + k.labels, 0)} | | ${sum(e.recall.byCategory)} | | ${sum(bc)} |`);
      }
      lines.push('');
      if (r.withoutReceived) {
        const w = r.withoutReceived;
        lines.push(`Findings cite ${r.received} model calls as where the model was sent what they report (\`role: 'received'\`: the call's newest input holds the text verbatim). Without those citations: step recall ${pct(w.recall.overall.step, w.recall.overall.labels)}; cited steps labelled ${pct(w.precision.labelledSteps, w.precision.citedSteps)}.`, '');
      }
      const a = e.attribution;
      if (a) lines.push(`Attribution: ${pct(a.predicted, a.runs)} labelled runs have a located finding; agent correct ${pct(a.agentCorrect, a.runs)}, step correct ${pct(a.stepCorrect, a.runs)}.`, '');
    }
    if (r.file.outcomes?.note) lines.push(`Impact: ${r.file.outcomes.note}`, '');
    lines.push(`Baseline: ${e.baseline ? `${e.baseline.cited} spans cited in ${e.baseline.precision.affectedRuns} runs` : '–'}.`, '');
    lines.push('| # | sev | finding | runs | failed among them | impact (failure-rate difference, 95% interval) |', '|---|---|---|---|---|---|');
    const per = new Map(e.perPrediction.map((p) => [p.rank, p]));
    for (const f of r.file.findings.slice(0, 10)) {
      const p = per.get(f.rank);
      const i = f.impact;
      const imp = i ? `${i.difference >= 0 ? '+' : ''}${Math.round(i.difference * 100)} pts (${Math.round(i.interval[0] * 100)} to ${Math.round(i.interval[1] * 100)}); ${Math.round(i.rateWith * 100)}% vs ${Math.round(i.rateWithout * 100)}%` : '–';
      lines.push(`| ${f.rank} | ${f.severity} | ${f.title.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 110)} | ${f.prevalence.traces} | ${r.d.labels === 'none' ? '–' : p ? p.failedAffected : '?'} | ${imp} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const text = section();
process.stdout.write(text + '\n');
for (const r of results) {
  if (r.error) {
    process.stdout.write(`\n---- ${r.d.name}: ${r.error}\n`);
    continue;
  }
  process.stdout.write(`\n---- ${r.d.name}\n${r.evalText}`);
  for (const x of r.repeats) process.stdout.write(`repeat: #${x.rank} lies in #${x.of}\n`);
}
if (argv.includes('--write')) console.log(`\nwrote ${writeResultsSection('Quality on real data', text)}`);
