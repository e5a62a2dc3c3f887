import { loadTraces } from '../src/ingest/reader.ts';
import { runDetectors } from '../sandbox/detectors/index.ts';
import { readFileSync } from 'node:fs';
const sets = readFileSync('tests/helpers/real-sets.ts', 'utf8').match(/'[^']+'/g)!.map((s) => s.slice(1, -1));
for (const p of sets) {
  const name = p.replace(/^tests\/fixtures\/(real\/)?/, '').split('/')[0];
  if (name === 'samples') continue;
  const found = runDetectors((await loadTraces([p])).traces);
  let final: any[] = [];
  try { final = JSON.parse(readFileSync(`/work/wt/out-mine/${name}/findings.json`, 'utf8')).findings; } catch {}
  for (const f of found) {
    const g = final.find((x) => x.title === f.title);
    if (g && g.severity !== f.severity) console.log(name.padEnd(28), `${f.severity} -> ${g.severity}`.padEnd(18), f.detector?.padEnd?.(16) ?? '', f.title.slice(0, 90), g.impact ? `[${g.impact.failedWith}/${g.impact.runsWith} vs ${g.impact.failedWithout}/${g.impact.runsWithout}]` : '');
  }
}
