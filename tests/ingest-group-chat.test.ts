// Multi-agent group chats (AG2/AutoGen CaptainAgent as in Who&When,
// Magentic-One): one span per speaker turn named for its agent, code
// execution output as tool spans, labels kept out, outcome from is_correct.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import { buildOverview } from '../src/ingest/overview.ts';
import type { Trace } from '../src/types.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/formats/${p}`, import.meta.url));
const turns = (t: Trace) => t.spans.filter((s) => s.parentId !== null).sort((a, b) => (a.attributes['halo.step'] as number) - (b.attributes['halo.step'] as number));

describe('AG2 group chat (history of {content, role, name})', () => {
  it('one span per speaker turn, named for its agent, with its index in history', async () => {
    const { traces, stats } = await loadTraces([fixture('group-chat.json')]);
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(1);
    const t = traces[0]!;
    expect(t.source.format).toBe('multi-agent-chat');
    expect(t.taskId).toBe('q-0001');
    const ts = turns(t);
    expect(ts.map((s) => s.agentName)).toEqual(['Excel_Expert', 'Computer_terminal', 'Excel_Expert', 'Computer_terminal', 'Computer_terminal', 'DataVerification_Expert']);
    expect(ts.map((s) => s.name)).toEqual(ts.map((s) => s.agentName));
    expect(ts.map((s) => s.attributes['halo.step'])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ts[0]!.output).toContain('Let me load the sheet.');
  });

  it('code execution output is a tool span: status from the exit code, arguments the code that ran', async () => {
    const t = (await loadTraces([fixture('group-chat.json')])).traces[0]!;
    const [, ok, , failed, noCode] = turns(t);
    expect(ok!.kind).toBe('tool');
    expect(ok!.status).toBe('ok');
    expect(ok!.tool!.name).toBe('code_execution');
    expect(ok!.tool!.arguments).toEqual({ code: "import pandas as pd\nprint(pd.read_excel('a.xlsx').columns)" });
    expect(failed!.kind).toBe('tool');
    expect(failed!.status).toBe('error');
    expect(failed!.error).toEqual({ type: 'exit code 1', message: "NameError: name 'df' is not defined" });
    expect(failed!.attributes['code.exit_code']).toBe(1);
    // The executor saying it found no code ran nothing: an ordinary turn.
    expect(noCode!.kind).toBe('agent');
    expect(t.status).toBe('error');
  });

  it('is_correct is the outcome; mistake_* labels never reach the trace', async () => {
    const t = (await loadTraces([fixture('group-chat.json')])).traces[0]!;
    expect(t.outcome).toEqual({ success: false });
    const text = JSON.stringify(t);
    expect(text).not.toContain('mistake');
    expect(text).not.toContain('ignored blank addresses');
    const root = t.spans.find((s) => s.spanId === t.rootSpanId)!;
    expect(root.input).toBe('How many clients live at even-numbered addresses?');
    expect(root.attributes.ground_truth).toBe('8');
  });

  it('inspect counts the run under every agent that spoke in it', async () => {
    const o = buildOverview(await loadTraces([fixture('group-chat.json')]));
    expect(o.agents.map((a) => a.name).sort()).toEqual(['Computer_terminal', 'DataVerification_Expert', 'Excel_Expert']);
    expect(o.agents.find((a) => a.name === 'Computer_terminal')).toMatchObject({ traces: 1, errorTraces: 1, failed: 1 });
    expect(o.agents.find((a) => a.name === 'Excel_Expert')).toMatchObject({ traces: 1, errorTraces: 0, failed: 1 });
    expect(o.tools).toEqual([{ name: 'code_execution', calls: 2, errors: 1, errorRate: 0.5, arguments: ['code'], positional: false }]);
  });
});

describe('Magentic-One (roles name the speaker)', () => {
  it('takes the speaker from the role and the agent without the kind of turn', async () => {
    const { traces, stats } = await loadTraces([fixture('group-chat.jsonl')]);
    expect(stats.badRecords).toBe(0);
    const t = traces[0]!;
    expect(t.source.format).toBe('multi-agent-chat');
    expect(t.outcome).toEqual({ success: true });
    const ts = turns(t);
    expect(ts.map((s) => s.name)).toEqual(['human', 'Orchestrator (thought)', 'Orchestrator (-> WebSurfer)', 'WebSurfer', 'Orchestrator (termination condition)']);
    expect(ts.map((s) => s.agentName)).toEqual(['human', 'Orchestrator', 'Orchestrator', 'WebSurfer', 'Orchestrator']);
  });

  it('plain chat transcripts (τ-bench) stay chat transcripts', async () => {
    const { traces } = await loadTraces([fileURLToPath(new URL('./fixtures/formats/chat.jsonl', import.meta.url))]);
    expect(traces.length).toBeGreaterThan(0);
    for (const t of traces) expect(t.source.format).toBe('chat-transcript');
  });
});
