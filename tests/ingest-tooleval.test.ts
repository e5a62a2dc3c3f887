// EasyTool's ToolBench runs in ToolEval's answer format (tests/fixtures/real/easytool-toolbench-vicuna): vicuna
// answering ToolBench G2/G3 queries with real RapidAPI tools through EasyTool's pipeline, each run a chain of API
// calls and a final answer; 60 of the 447 runs, no verdict per run.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTraces } from '../src/ingest/reader.ts';
import type { Span, Trace } from '../src/types.ts';

const DIR = fileURLToPath(new URL('./fixtures/real/easytool-toolbench-vicuna/', import.meta.url));
const load = () => loadTraces([DIR], {});

const byId = (traces: Trace[], id: string): Trace => traces.find((t) => t.traceId === id)!;
const root = (t: Trace): Span => t.spans.find((s) => s.spanId === t.rootSpanId)!;
const ofKind = (t: Trace, kind: string) => t.spans.filter((s) => s.kind === kind);
const calls = (t: Trace) => ofKind(t, 'tool').map((s) => [s.tool!.name, s.tool!.arguments, s.status]);
const G2 = (id: string) => `tooleval:vicuna_easytool/G2_category.json#${id}`;
const G3 = (id: string) => `tooleval:vicuna_easytool/G3_instruction.json#${id}`;

describe('ToolEval answers (EasyTool on ToolBench, vicuna)', () => {
  it('60 runs of one agent, a model call per API call and one for the final answer, no outcome', async () => {
    const { traces, stats } = await load();
    expect(stats.badRecords).toBe(0);
    expect(traces).toHaveLength(60);
    expect(traces.every((t) => t.source.format === 'tooleval')).toBe(true);
    expect(traces.filter((t) => t.traceId.includes('/G2_category.json#'))).toHaveLength(41);
    expect(traces.filter((t) => t.traceId.includes('/G3_instruction.json#'))).toHaveLength(19);
    expect(new Set(traces.map((t) => t.agentName))).toEqual(new Set(['easytool (vicuna)']));
    expect(traces.every((t) => t.outcome === null || t.outcome === undefined)).toBe(true);
    const all = traces.flatMap((t) => t.spans);
    expect(all.filter((s) => s.kind === 'tool')).toHaveLength(82 + 49);
    expect(all.filter((s) => s.kind === 'llm')).toHaveLength(131 + 60);
    expect(all.filter((s) => s.kind === 'llm').every((s) => s.model === 'vicuna')).toBe(true);
    expect(traces.filter((t) => ofKind(t, 'tool').length === 0)).toHaveLength(4);
    // The converter's Finish node is the run's last reply, never a call.
    expect(traces.every((t) => ofKind(t, 'llm').at(-1)!.attributes['tooleval.return_type'] === 'give_answer')).toBe(true);
    expect(all.some((s) => s.kind === 'tool' && s.tool!.name === 'Finish')).toBe(false);
    expect(new Set(traces.map((t) => t.taskId)).size).toBe(60);
  });

  it('a run: the query as input, each API call with its arguments and response, the final answer as output', async () => {
    const { traces } = await load();
    const t = byId(traces, G3('454'));
    expect(root(t).input).toMatch(/^I'm planning a family movie night and I need some recommendations\. Can you search for videos related to 'comedy' on Vimeo\?/);
    expect(calls(t)).toEqual([
      ['search', { q: 'comedy' }, 'error'],
      ['actors/detail', {}, 'ok'],
      ['Video', { search: 'UxxajLWwzqY' }, 'error'],
    ]);
    const [missing, detail, video] = ofKind(t, 'tool');
    expect(missing!.error!.type).toBe('NoSuchFunction');
    expect(missing!.tool!.result).toMatch(/^No function named search in \/home\/ysy\/tool_summarize\/ToolBench\/data\/toolenv\/tools\/Search\/youtube_search\/api\.py$/);
    // EasyTool keeps a result's first 1,000 characters.
    expect(String(detail!.tool!.result)).toHaveLength(1000);
    expect(video!.tool!.result).toBe("{'error': 'no results found'}");
    expect(root(t).output).toMatch(/^I'm sorry, but I am unable to provide a final answer to your question as the subtasks/);
    expect(t.taskId).toBe('ToolBench_G3_instruction:454 (vicuna)');
    expect(root(t).attributes['tooleval.method']).toBe('compression_no_retrieve');
    expect(root(t).attributes['tooleval.available_tools']).toBe('getrelatedchannels_for_vimeo, searchvideos_for_vimeo, getrelatedpeople_for_vimeo, download_stream_for_ytstream_download_youtube_videos, Finish');
  });

  it('50 failed calls: 30 with no response, 9 to a function the tool does not have, 11 whose replies are only errors', async () => {
    const { traces } = await load();
    const failed = traces.flatMap((t) => ofKind(t, 'tool')).filter((s) => s.status === 'error');
    expect(failed).toHaveLength(50);
    expect(failed.filter((s) => s.tool!.result === 'No respond due to error.')).toHaveLength(30);
    expect(failed.filter((s) => s.error!.type === 'NoSuchFunction')).toHaveLength(9);
    const disabled = byId(traces, G3('8336'));
    expect(calls(disabled)).toEqual([
      ['movie details', { movieid: 'popular romantic movies' }, 'error'],
      ['/get_movies_by_name', {}, 'ok'],
    ]);
    expect(ofKind(disabled, 'tool')[0]!.error!.message).toBe('This endpoint is disabled for your subscription');
    // Replies EasyTool joined with blank lines (a call per argument set, or several APIs for one subtask) fail the
    // call when each of them is an error; one reply that holds data among them is a result.
    const joined = ofKind(byId(traces, G3('25161')), 'tool');
    expect(joined.map((s) => [s.tool!.name, s.status])).toEqual([
      ['List Movies', 'error'],
      ['seasonal movies', 'error'],
      ['GET quotes by actor', 'ok'],
    ]);
    expect(joined[1]!.error!.message).toBe('This endpoint is disabled for your subscription (each of 4 replies joined by EasyTool is an error)');
    const mixed = ofKind(byId(traces, G2('43724')), 'tool').find((s) => s.tool!.name === 'List Specific QR Code')!;
    expect(String(mixed.tool!.result).split('\n\n')).toHaveLength(3);
    expect(mixed.status).toBe('ok');
  });

  it('arguments written as a list are kept as written', async () => {
    const { traces } = await load();
    const t = byId(traces, G2('13487'));
    expect(calls(t)).toEqual([
      ['Generate QR', {}, 'error'],
      ['Validate domain or email address', [{ validate: 'badactor@spam4.me' }], 'ok'],
    ]);
    expect(ofKind(t, 'tool')[1]!.tool!.result).toBe("{'is_disposable_domain': True}");
  });
});
