#!/usr/bin/env node
// Offline `halo analyze` of the ≥ 1 GB week, end to end, measured in one run:
//   time  = total analyze time / isolate load time of the same run (target ≤ 2×)
//   rss   = peak RSS of the analyzing process + its sandbox child, summed,
//           / the JSON bytes on disk (target ≤ 2.5×)
// Peak RSS is each process's VmHWM from /proc/<pid>/status, sampled until it
// exits (VmHWM is a high-water mark, so the last sample is the peak).
// Usage: node bench/analyze.mjs [--data DIR] [--keep]   (npm run bench -- analyze)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv, benchWeek, childrenOf, GB, hwmKb, tableSection, writeResultsSection } from './lib.mjs';

// ---- child mode: run analyze() from the built library and report timings ----
if (argv[0] === '--child') {
  const { analyze } = await import(new URL('../dist/index.js', import.meta.url).href);
  const files = JSON.parse(argv[1]);
  const out = argv[2];
  const result = await analyze({ files, out, offline: true, formats: ['json', 'md', 'html'], env: {} });
  process.stdout.write(
    JSON.stringify({
      timings: result.timings,
      traces: result.load.traces,
      spans: result.load.spans,
      heapBytes: result.load.heapBytes,
      findings: result.file.findings.length,
      outputs: Object.fromEntries(Object.entries(result.outputs).map(([k, p]) => [k, statSync(p).size])),
    }) + '\n',
  );
  process.exit(0);
}

const { files, bytes } = benchWeek('analyze');

const outDir = mkdtempSync(join(tmpdir(), 'halo-bench-analyze-'));
console.error(`bench analyze: ${files.length} file(s), ${(bytes / GB).toFixed(2)} GB`);
const t0 = performance.now();
const child = spawn(process.execPath, ['--no-node-snapshot', new URL(import.meta.url).pathname, '--child', JSON.stringify(files), outDir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const peaks = new Map(); // pid -> peak kB
const sample = () => {
  for (const pid of [child.pid, ...childrenOf(child.pid)]) {
    const kb = hwmKb(pid);
    if (kb !== null) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, kb));
  }
};
const timer = setInterval(sample, 100);
let stdout = '';
child.stdout.on('data', (d) => (stdout += d));
const code = await new Promise((res) => child.on('exit', (c) => res(c)));
clearInterval(timer);
const wallMs = performance.now() - t0;
if (code !== 0) {
  console.error(`bench analyze: analyze exited ${code}`);
  process.exit(1);
}
const r = JSON.parse(stdout.trim().split('\n').pop());
const peakBytes = [...peaks.values()].reduce((n, kb) => n + kb * 1024, 0);
const timeRatio = r.timings.total / r.timings.load;
const rssRatio = peakBytes / bytes;
if (!argv.includes('--keep')) rmSync(outDir, { recursive: true, force: true });

const f1 = (n) => n.toFixed(1);
const f2 = (n) => n.toFixed(2);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = [
  ['input', `${files.length} OTLP JSONL file(s), ${f2(bytes / GB)} GB, ${r.traces.toLocaleString('en-US')} traces, ${r.spans.toLocaleString('en-US')} spans`],
  ['isolate load (same run)', s(r.timings.load)],
  ['detectors', s(r.timings.detectors)],
  ['verification', s(r.timings.verify)],
  ['reports (json, md, html incl. report data)', s(r.timings.report)],
  ['analyze total', s(r.timings.total)],
  ['wall, process start to exit', s(wallMs)],
  ['**total / load**', `**${f2(timeRatio)}×** (target ≤ 2×)`],
  ['peak RSS, parent + sandbox child (VmHWM)', `${f1(peakBytes / GB)} GB over ${peaks.size} processes`],
  ['**peak RSS / JSON bytes**', `**${f2(rssRatio)}×** (target ≤ 2.5×)`],
  ['findings', `${r.findings}; findings.json ${f1(r.outputs.json / 1e6)} MB, report.md ${f1(r.outputs.md / 1e6)} MB, report.html ${f1(r.outputs.html / 1e6)} MB`],
];
const section = tableSection('Analyze',
  `Offline \`halo analyze\` end to end (\`node bench/analyze.mjs\`, ${new Date().toISOString().slice(0, 10)}, ${process.version}, 2 cores). ` +
    'Both ratios are measured in one run: total time against the isolate load time of the same run, and peak RSS summed over the analyzing process and its sandbox child against the bytes of JSON read.',
  rows,
);
console.log(section);

console.error(`bench analyze: updated ${writeResultsSection('Analyze', section)}`);
