// A call that got nothing back, sent again unchanged, gets the same answer: review rounds 40 and 41 on Reflexion's
// HotpotQA runs listed the identical re-searches after "Could not find [X]. Similar: […]" as missed (runs 72, 78, 87,
// 97, and 89's), since such an answer is not a failure and the repeated-step finding only followed failures.
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { indexTrace } from '../sandbox/detectors/trace-index.ts';
import { argumentText } from '../sandbox/detectors/text.ts';
import { REAL_SETS } from './helpers/real-sets.ts';
import { load } from './helpers/real-findings.ts';

const nothing = (fs: ReturnType<typeof runDetectors>) => fs.filter((f) => f.key?.signature === 'repeated_step_nothing' || /sends a call that got nothing back again/.test(f.title));

describe('repeats of a call that got nothing back', () => {
  it('reports the runs that sent the same search again after it found nothing, with the answers quoted', async () => {
    const traces = await load(['tests/fixtures/real/reflexion-hotpotqa-reflexion']);
    const [f] = nothing(runDetectors(traces));
    expect(f).toBeDefined();
    const runs = [...(f!.data!.traceIds as string[])].map((id) => Number(id.split(':').pop())).sort((a, b) => a - b);
    expect(runs).toEqual([72, 78, 87, 89, 97]);
    expect(f!.data!.steps).toBe(7);
    expect(f!.summary).toMatch(/"Could not find \["Is Google Making Us Stupid\?"\]\. Similar: \[/);
    // Every answer offered other titles, and the repeat sent the same one: said as checked.
    expect(f!.rootCause.statement).toMatch(/In each that answer offered other names to try/);
    // Each repeat is the same tool with the same arguments as the step it copies.
    const byId = new Map(traces.map((t) => [t.traceId, t]));
    const occ = f!.data!.occurrences as { traceId: string; spanId: string; role?: string; of?: string }[];
    for (const o of occ.filter((x) => x.role === 'repeated')) {
      const t = byId.get(o.traceId)!;
      const callAfter = (id: string) => { const { steps } = indexTrace(t); const i = steps.findIndex((s) => s.spanId === id); return steps.slice(i + 1).find((s) => s.kind === 'tool')!; };
      const a = callAfter(o.spanId);
      const b = callAfter(o.of!);
      expect(`${a.tool?.name} ${argumentText(a)}`).toBe(`${b.tool?.name} ${argumentText(b)}`);
    }
  }, 120_000);

  it('is silent on the sets whose calls that found nothing were never sent again unchanged', async () => {
    const fired: string[] = [];
    for (const set of REAL_SETS) if (nothing(runDetectors(await load([set]))).length) fired.push(set.split('/').slice(3).join('/'));
    expect(fired.sort()).toEqual(['reflexion-hotpotqa-react', 'reflexion-hotpotqa-reflexion', 'toolbench-dfsdt']);
  }, 900_000);
});
