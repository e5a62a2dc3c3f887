#!/usr/bin/env node
// Child analysis start time: what rlm() pays before a child's first turn.
// Before: a child sandbox read and parsed the whole window from the input
// files, then narrowed to its subset. After: the caller's sandbox hands over
// the subset as canonical traces (already checked and normalized) and the
// child loads only that. Both measured in one run on the sample week
// (3,000 traces), a 50-trace subset, median of 3.
// Usage: node bench/children.mjs   (npm run bench -- children)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { median, root, tableSection, writeResultsSection } from './lib.mjs';

if (!existsSync(join(root, 'dist/internal.js'))) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const { createSandbox } = await import(new URL('../dist/internal.js', import.meta.url).href);
const week = ['coding.flat.jsonl.gz', 'research.otlp.jsonl.gz', 'support.otlp.jsonl.gz'].map((f) => join(root, 'samples/week', f));
const noHost = async () => null;

const parent = createSandbox({ files: week, onHostCall: noHost });
await parent.load();
const ids = await parent.evaluate('traces.filter((t, i) => i % 60 === 0).map((t) => t.traceId)');
// What the sandbox's rlm() sends along: the subset from the engine's view, as JSON.
const tracesJson = await parent.evaluate(`JSON.stringify(traces.filter((t) => ${JSON.stringify(ids)}.includes(t.traceId)))`);

async function start(opts) {
  const t = performance.now();
  const child = createSandbox({ ...opts, onHostCall: noHost });
  await child.load();
  const kept = await child.evaluate(`__halo.narrow(${JSON.stringify(ids)})`);
  const ms = performance.now() - t;
  await child.close();
  if (kept !== ids.length) throw new Error(`child kept ${kept} of ${ids.length} traces`);
  return ms;
}
const before = [];
const after = [];
for (let i = 0; i < 3; i++) {
  console.error(`bench children: round ${i + 1}/3…`);
  before.push(await start({ files: week }));
  after.push(await start({ files: [], tracesJson }));
}
await parent.close();
const b = median(before);
const a = median(after);
const rows = [
  ['subset', `${ids.length} of 3,000 traces (${(tracesJson.length / 1e6).toFixed(2)} MB as canonical JSON)`],
  ['before: child reads the window from the files, then narrows', `${Math.round(b)} ms (runs: ${before.map(Math.round).join(', ')})`],
  ['after: child loads the subset handed over by the caller', `${Math.round(a)} ms (runs: ${after.map(Math.round).join(', ')})`],
  ['**child start, after / before**', `**${(a / b).toFixed(3)}×**`],
  ['machine load average during the run (1 min)', (await import('node:os')).loadavg()[0].toFixed(1)],
];
const section = tableSection(
  'Child analysis start',
  `\`node bench/children.mjs\`, ${new Date().toISOString().slice(0, 10)}, ${process.version}. Time from creating a child sandbox to a child holding only its subset (process start, load, narrow), on the sample week, median of 3. The process start itself (a Node child with an isolate) is the floor both share.`,
  rows,
);
console.log(section);
console.error(`bench children: updated ${writeResultsSection('Child analysis start', section)}`);
