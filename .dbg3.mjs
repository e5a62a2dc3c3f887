import { loadTraces } from './dist/index.js';
const r = await loadTraces([process.argv[2]], {});
const ts = r.traces ?? r;
for (const id of process.argv[3].split(',')) { const t = ts.find(t => t.traceId.endsWith('#'+id));
 console.log('== run', id, JSON.stringify(t.outcome));
 for (const s of t.spans) if (s.kind==='tool') console.log(s.spanId.split(':').pop(), s.status, JSON.stringify(s.input ?? s.tool?.arguments).slice(0,+process.argv[4]||110), '→', JSON.stringify(s.output).slice(0,150), s.attributes['halo.flagged_error']??''); }
