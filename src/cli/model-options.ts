// The model options of `halo analyze`. They land in analyze's option bag;
// everything that is not analyze's own goes to the model engine as its
// configuration (parsed and checked by src/rlm/config.ts).
import { Option, type Command } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addModelOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--provider <name>', 'model provider (default: openai, or anthropic when only ANTHROPIC_API_KEY is set)').choices(['openai', 'anthropic']))
    .option('--model <id>', 'root model that writes the analysis code (default: gpt-4.1 / claude-sonnet-4-5)')
    .option('--sub-model <id>', 'cheaper model for llm()/llmBatch() sub-calls (default: gpt-4.1-mini / claude-haiku-4-5, or --model)')
    .option('--base-url <url>', 'OpenAI-compatible server (vLLM, Ollama, llama.cpp, OpenRouter) or Anthropic endpoint')
    .option('--header <k=v>', 'extra HTTP header for every model request (repeatable)', collect)
    .option('--temperature <t>', 'sampling temperature, passed through when set')
    .option('--max-output-tokens <n>', 'output cap per root-model turn (default 8192)')
    .addOption(new Option('--reasoning-effort <level>', 'reasoning effort, passed through when set').choices(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']))
    .option('--max-turns <n>', 'model turns across the whole analysis tree (default 20)')
    .option('--max-depth <n>', 'deepest rlm() nesting; 0 disables child analyses (default 1)')
    .option('--max-subcalls <n>', 'llm/llmBatch items and rlm() calls across the tree (default 200)')
    .option('--max-tokens <n>', 'input + output tokens across the tree (default 2000000)')
    .option('--max-usd <dollars>', 'spend across the tree, from the price table (default 5)')
    .option('--max-wall <duration>', 'wall time of the model-driven analysis, e.g. 30m (default 30m)')
    .option('--predicate-timeout <duration>', "time limit for one finding's predicate over the window, e.g. 20s (default 30s)")
    .option('--audit-sample <n>', 'matched traces per predicate the sub-model judges to estimate its precision; 0 = no audit (default 12)')
    .option('--review-rounds <n>', 'rounds in which the model may repair findings that did not verify (default 2)')
    .option('--concurrency <n>', 'concurrent sub-call requests per model (default 8)')
    .option('--prompt <text>', "the analyst's focus for the model, e.g. \"why do refunds fail?\"")
    .option('--context <file>', 'a text file about the agent (what it is for, its tools, known issues), shown to the model as data')
    .option('--estimate', 'print the expected tokens and dollars of the model run on this window, then stop (nothing is spent or written)')
    .option('--log <file>', 'write a JSONL run log of every turn, cell and sub-call (read it with halo replay)')
    .option('--redact', 'redact secrets in trace content before it reaches a model or a report (default)')
    .option('--no-redact', 'do not redact built-in secret patterns')
    .option('--redact-pattern <regex>', 'also redact matches of this regular expression (repeatable)', collect)
    .addHelpText(
      'after',
      `
Model-driven analysis:
  $ OPENAI_API_KEY=... halo analyze traces.jsonl --window 7d --model gpt-4.1 --sub-model gpt-4.1-mini --log run.jsonl
  $ ANTHROPIC_API_KEY=... halo analyze traces/ --provider anthropic --prompt "why do bookings fail?" --max-usd 2
  $ halo analyze traces.jsonl --base-url http://localhost:11434/v1 --model qwen3:32b --max-turns 12
  API keys are read from OPENAI_API_KEY / ANTHROPIC_API_KEY in this process only; the sandbox never sees them.
  When a budget runs out, the model is asked once for what it has and the report is marked partial.`,
    );
}
