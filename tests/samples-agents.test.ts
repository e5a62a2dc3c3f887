// samples/agents holds the source of the sample week's three agents: its
// prompts and tool schemas must be exactly what samples/generate.mjs declares
// in the traces, or grounding the sample's fixes there would be fiction.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { AGENTS } from '../samples/generate.mjs';
import { TOOLS as SUPPORT_TOOLS } from '../samples/agents/support-agent/tools.ts';
import { SYSTEM_PROMPT as SUPPORT_PROMPT } from '../samples/agents/support-agent/prompt.ts';
import { TOOLS as CODING_TOOLS } from '../samples/agents/coding-agent/tools.ts';

interface GenAgent { name: string; system: string; tools: { name: string; description: string; parameters: unknown }[] }
const agent = (name: string) => (AGENTS as GenAgent[]).find((a) => a.name === name)!;
const src = (p: string) => readFileSync(new URL(`../samples/agents/${p}`, import.meta.url), 'utf8');

/** The Python TOOLS literal of research-agent/tools.py, written in JSON-compatible syntax. */
function pythonTools(text: string): unknown {
  const body = text.slice(text.indexOf('TOOLS = [') + 'TOOLS = '.length);
  return JSON.parse(body.replace(/,(\s*[}\]])/g, '$1'));
}

describe('sample agents\' source matches the sample traces', () => {
  it('support-agent: OpenAI function tools and system prompt', () => {
    const a = agent('support-agent');
    expect(SUPPORT_TOOLS).toEqual(a.tools.map((t) => ({ type: 'function', function: t })));
    expect(SUPPORT_PROMPT).toBe(a.system);
  });

  it('coding-agent: Anthropic tools (input_schema = parameters) and system prompt', () => {
    const a = agent('coding-agent');
    expect(CODING_TOOLS).toEqual(a.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })));
    expect(src('coding-agent/system-prompt.md').trimEnd()).toBe(a.system);
  });

  it('research-agent: Python tool list and system prompt', () => {
    const a = agent('research-agent');
    expect(pythonTools(src('research-agent/tools.py'))).toEqual(a.tools.map((t) => ({ type: 'function', ...t })));
    expect(src('research-agent/agent.py')).toContain(`SYSTEM_PROMPT = ${JSON.stringify(a.system)}`);
  });
});
