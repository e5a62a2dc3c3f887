// LiveMCPBench (tests/fixtures/real/livemcpbench-copilot): its MCP Copilot agent
// (claude-sonnet-4, per the file name) routing to and running tools of many MCP
// servers, with the human annotators' success verdict per run.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/livemcpbench-copilot/annotation/', import.meta.url));
const load = () => loadTraces([DIR], {});

const byTask = (traces: Trace[], prefix: string): Trace => traces.find((t) => t.taskId!.startsWith(prefix))!;
const tools = (t: Trace): Span[] => t.spans.filter((s) => s.kind === 'tool');

describe('LiveMCPBench MCP Copilot runs', () => {
  it('95 runs, one per task, the annotated verdicts as outcomes', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(95);
    expect(traces.every((t) => t.source.format === 'livemcpbench')).toBe(true);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(95);
    expect(traces.filter((t) => t.outcome?.success === true)).toHaveLength(67);
    expect(traces.filter((t) => t.outcome?.success === false)).toHaveLength(28);
    const all = traces.flatMap(tools);
    expect(all.filter((s) => s.tool!.name === 'execute-tool')).toHaveLength(531);
    expect(all.filter((s) => s.tool!.name === 'route')).toHaveLength(283);
    expect(traces.flatMap((t) => t.spans.filter((s) => s.kind === 'llm'))).toHaveLength(905);
  });

  it('a failure is the copilot\'s own error, the server\'s error passed on inside an ok result, a timeout, or a route that found nothing', async () => {
    const { traces } = await load();
    const failed = traces.flatMap(tools).filter((s) => s.status === 'error');
    const types = (type: string) => failed.filter((s) => s.error!.type === type).length;
    // 14 results end `isError=True`, 90 carry the server's `"isError": true` inside `isError=False`, 14 timed out.
    expect(types('isError')).toBe(104);
    expect(types('timeout')).toBe(14);
    expect(failed.filter((s) => s.error!.type === 'route failed').map((s) => [s.tool!.name, s.error!.message, s.traceId])).toEqual([
      ['route', 'No tool_assistant tag found or invalid format', 'livemcpbench-8f26fc1a-fdaa-4e7a-ae53-7b4cacb15334'],
    ]);
    expect(failed).toHaveLength(119);
  });

  it('one run in order: the routes, then the calls and how each went', async () => {
    const { traces } = await load();
    const t = byTask(traces, '0e3287cb');
    expect(t.traceId).toBe('livemcpbench-0e3287cb-c0ff-4d2a-8c3d-d8833014a7b0');
    expect(t.outcome).toEqual({ success: false });
    const calls = tools(t).map((s) => [s.tool!.name === 'route' ? 'route' : (s.tool!.arguments as { tool_name: string }).tool_name, s.status]);
    expect(calls.slice(0, 11)).toEqual([
      ...Array(7).fill(['route', 'ok']),
      ['generate_word_cloud_chart', 'ok'],
      ['playwright_navigate', 'error'],
      ['puppeteer_navigate', 'error'],
      ['puppeteer_navigate', 'error'],
    ]);
    const [playwright, puppeteer, timeout] = tools(t).slice(8, 11);
    expect(playwright!.error!.message).toMatch(/^Failed to initialize browser: browserType\.launch: Executable doesn't exist at \/root\/\.cache\/ms-playwright\//);
    expect(puppeteer!.error!.message).toBe('Error executing tool execute-tool: Failed to launch the browser process! undefined');
    expect(timeout!.error).toEqual({ type: 'timeout', message: 'Tool call timed out.' });
    expect(calls).toHaveLength(33);
    expect(calls.filter(([, s]) => s === 'error')).toHaveLength(6);
    // The record names no model and no agent; its other fields stay on the root.
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.attributes['category']).toBe('work');
    expect(t.spans.filter((s) => s.kind === 'llm').every((s) => s.model === null || s.model === undefined)).toBe(true);
  });
});
