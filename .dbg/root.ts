import { loadTraces } from '../src/ingest/reader.ts';
const { traces } = await loadTraces(['tests/fixtures/real/moatless-swe-bench-lite/trajs']);
const t = traces.find((x) => x.traceId.includes('14087'))!;
const root = t.spans.find((s) => s.parentId == null)!;
console.log(JSON.stringify({ status: root.status, error: root.error, statusMessage: (root as any).statusMessage, outcome: t.outcome }, null, 1).slice(0, 1500));
