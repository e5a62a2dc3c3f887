#!/usr/bin/env node
// The sandbox on the ≥ 1 GB OTLP week, measured in one run on the same files:
//   load     = createSandbox().load(): the child reads the files and streams
//              ~8 MB batches into the isolate, which parses, normalizes and
//              assembles them (wall and child CPU time)
//   raw      = read + indexOf line split + JSON.parse per line in this process
//              (nothing kept): the limit for any JSONL loader
//   in-proc  = readInputs() + createIngestor() in this process: the same
//              ingest work without the sandbox, to show what the sandbox adds
//   heap     = isolate heap after load (after a full GC) / JSON bytes
//   RSS      = peak resident set of the parent and of the child (VmHWM)
//   query    = a filter + group-by over every span, inside the isolate
//   channel  = per-call cost of the host channel: isolate → child → parent
//              onHostCall → child → isolate, sequential and concurrent
// Usage: node bench/sandbox.mjs [--data DIR] [--dry] [--skip-inproc]
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { argv, benchWeek, MB, median, rawPass, root, time, warmPageCache, writeResultsSection } from './lib.mjs';

const CLK_TCK = 100; // Linux USER_HZ
const { files, bytes } = benchWeek('sandbox');
const { createSandbox, readInputs, createIngestor } = await import(new URL('../dist/internal.js', import.meta.url).href);

const childPids = () =>
  execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('sandbox-child.js'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
const procCpu = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime, all threads
};
const procHwm = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const fmtMB = (n) => `${(n / MB).toFixed(0)} MB`;

console.error(`bench sandbox: ${files.length} files, ${fmtMB(bytes)}`);
await warmPageCache(files);

// ---- 1. load into the sandbox (first, so the parent's peak RSS is the sandbox's alone)
let echoCalls = 0;
const sandbox = createSandbox({
  files,
  cellTimeoutMs: 120_000,
  cellDeadlineMs: 600_000,
  outputLimit: 4000,
  onHostCall: async (_name, args) => {
    echoCalls++;
    return args[0];
  },
});
let loadChildCpu = 0;
let childPid = 0;
const load = await time(async () => {
  const s = await sandbox.load();
  childPid = childPids()[0];
  loadChildCpu = procCpu(childPid);
  return s;
});
const summary = load.value;
console.error(`  load  ${load.secs.toFixed(1)} s wall, child CPU ${loadChildCpu.toFixed(1)} s; ${summary.traces} traces, ${summary.spans} spans, heap ${fmtMB(summary.heapBytes)}`);

// ---- 2. a filter + group-by over every span, timed inside the isolate
const QUERY = `const t0 = Date.now();
const byTool = new Map();
let spans = 0;
for (const t of traces) for (const s of t.spans) {
  spans++;
  if (s.kind !== 'tool') continue;
  const k = s.tool?.name ?? s.name;
  let g = byTool.get(k);
  if (!g) byTool.set(k, (g = { calls: 0, errors: 0, ms: 0 }));
  g.calls++; g.ms += s.durationMs;
  if (s.status === 'error') g.errors++;
}
const top = [...byTool].sort((a, b) => b[1].errors - a[1].errors).slice(0, 5).map(([k, g]) => [k, g.calls, g.errors]);
({ ms: Date.now() - t0, spans, groups: byTool.size, top })`;
const queryRuns = [];
let queryValue;
for (let i = 0; i < 5; i++) {
  const r = await sandbox.run(QUERY);
  if (!r.ok) throw new Error(`query failed: ${r.error?.message}`);
  queryValue = r.value;
  queryRuns.push({ inside: r.value.ms, roundTrip: r.durationMs });
}
const queryInside = median(queryRuns.map((q) => q.inside));
const queryRound = median(queryRuns.map((q) => q.roundTrip));
console.error(`  query ${queryInside} ms inside the isolate (${queryRound.toFixed(0)} ms round trip), ${queryValue.spans} spans, ${queryValue.groups} groups`);

// ---- 3. host channel
const SEQ = 20_000;
const CONC = 20_000;
const seq = await sandbox.run(`const n = ${SEQ}; const t0 = Date.now(); for (let i = 0; i < n; i++) if ((await llm(i)) !== i) throw new Error('bad echo'); (Date.now() - t0) * 1000 / n`);
if (!seq.ok) throw new Error(`channel failed: ${seq.error?.message}`);
const conc = await sandbox.run(`const m = ${CONC}; const t1 = Date.now(); const got = await Promise.all(Array.from({ length: m }, (_, i) => llm(i))); if (got[m - 1] !== m - 1) throw new Error('bad echo'); (Date.now() - t1) * 1000 / m`);
if (!conc.ok) throw new Error(`channel failed: ${conc.error?.message}`);
console.error(`  host channel: ${seq.value.toFixed(1)} µs/call sequential, ${conc.value.toFixed(1)} µs/call with ${CONC} in flight (${echoCalls} calls served)`);

// The floor: a bare Node IPC round trip to an echo child (same serialization as the sandbox).
const echo = fork(join(root, 'bench/ipc-echo.mjs'), [], { serialization: 'json' });
await new Promise((res) => { echo.once('message', res); echo.send({ warm: true }); });
const PINGS = 20_000;
const ping0 = process.hrtime.bigint();
for (let i = 0; i < PINGS; i++) await new Promise((res) => { echo.once('message', res); echo.send({ type: 'hostCalls', calls: [{ callId: i, name: 'llm', args: `[${i}]` }] }); });
const ipcFloor = Number(process.hrtime.bigint() - ping0) / PINGS / 1000;
echo.kill();
console.error(`  bare IPC round trip ${ipcFloor.toFixed(1)} µs`);

const childPeak = procHwm(childPid);
const parentPeak = process.resourceUsage().maxRSS * 1024;
await sandbox.close();

// ---- 4. the raw limit, same files, same run
const raw = await time(() => rawPass(files));
console.error(`  raw   ${raw.secs.toFixed(1)} s wall, ${raw.cpu.toFixed(1)} s CPU (${raw.value} lines)`);

// ---- 5. the same ingest in this process, no sandbox
let inproc = null;
if (!argv.includes('--skip-inproc')) {
  inproc = await time(async () => {
    const ing = createIngestor({});
    for await (const b of readInputs(files)) ing.pushBatch(b);
    return ing.finish({}, Date.now()).traces.length;
  });
  console.error(`  in-proc ingest ${inproc.secs.toFixed(1)} s wall, ${inproc.cpu.toFixed(1)} s CPU (${inproc.value} traces)`);
}

// ---- table
const ok = (met) => (met ? 'met' : '**missed**');
const loadRatio = load.secs / raw.secs;
const loadCpuRatio = loadChildCpu / raw.cpu;
const heapRatio = summary.heapBytes / bytes;
const now = new Date();
const lines = [
  '## Sandbox',
  '',
  `Run ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC · ${cpus().length} cores (${cpus()[0]?.model.trim().split(' ').slice(0, 2).join(' ')}) · Node ${process.version} · \`node bench/sandbox.mjs\`.`,
  `${files.length} OTLP/JSON-lines files, ${fmtMB(bytes)} (\`samples/generate.mjs --format otlp --scale-bytes 1g\`), page cache warm, all passes in one run on the same files. The machine is shared with other work, so wall times wander; CPU times are steadier.`,
  '',
  '| measure | value | target |',
  '|---|---|---|',
  `| load into the isolate (child reads, isolate parses + normalizes + assembles) | ${load.secs.toFixed(1)} s wall, ${loadChildCpu.toFixed(1)} s CPU in the child | |`,
  `| raw limit (read + split + JSON.parse, nothing kept) | ${raw.secs.toFixed(1)} s wall, ${raw.cpu.toFixed(1)} s CPU | |`,
  `| **load / raw** | **${loadRatio.toFixed(2)}×** wall, ${loadCpuRatio.toFixed(2)}× CPU | ≤ 1.3× (${ok(loadRatio <= 1.3)}) |`,
  ...(inproc
    ? [
        `| same ingest in-process, no sandbox (readInputs + createIngestor) | ${inproc.secs.toFixed(1)} s wall, ${inproc.cpu.toFixed(1)} s CPU | |`,
        `| load / in-process ingest (what the sandbox itself adds) | ${(load.secs / inproc.secs).toFixed(2)}× wall, ${(loadChildCpu / inproc.cpu).toFixed(2)}× CPU | |`,
      ]
    : []),
  `| **isolate heap / JSON bytes** (after full GC) | **${heapRatio.toFixed(2)}×** (${fmtMB(summary.heapBytes)}) | ≤ 1.3× (${ok(heapRatio <= 1.3)}) |`,
  `| peak RSS, parent | ${fmtMB(parentPeak)} | |`,
  `| peak RSS, sandbox child (VmHWM) | ${fmtMB(childPeak)} | |`,
  `| traces / spans | ${summary.traces.toLocaleString('en-US')} / ${summary.spans.toLocaleString('en-US')} | |`,
  `| **filter + group-by over all spans**, inside the isolate (median of 5) | **${queryInside} ms** (${queryRound.toFixed(0)} ms as a cell round trip) | ≤ 1 s (${ok(queryInside <= 1000)}) |`,
  `| **host channel, per call, sequential** (\`await llm(i)\` × ${SEQ.toLocaleString('en-US')}, echo handler) | **${seq.value.toFixed(1)} µs** | ≤ 50 µs (${ok(seq.value <= 50)}) |`,
  `| host channel, per call, ${CONC.toLocaleString('en-US')} in flight (\`Promise.all\`) | ${conc.value.toFixed(1)} µs | ≤ 50 µs (${ok(conc.value <= 50)}) |`,
  `| floor: bare Node IPC round trip to an echo child, same run | ${ipcFloor.toFixed(1)} µs (sequential channel = ${(seq.value / ipcFloor).toFixed(2)}× the floor) | |`,
  `| machine load average (1 min) at the end of the run | ${loadavg()[0].toFixed(1)} on ${cpus().length} cores | |`,
  '',
  'Reading the table:',
  '',
  `- **load / raw**: the isolate runs the same ingest code as \`halo inspect\` (per-record format sniffing, normalization to canonical spans, trace assembly, window); the raw limit only splits and parses. ${inproc ? `Against that same ingest run in this process without a sandbox, loading into the isolate took ${(loadChildCpu / inproc.cpu).toFixed(2)}× the CPU time (${(load.secs / inproc.secs).toFixed(2)}× the wall time: the child reads batch k+1 while the isolate parses batch k). ${loadChildCpu <= inproc.cpu ? 'So the sandbox adds no cost over plain ingest; why the in-process run is the slower one here (e.g. its heap already holds the raw pass) was not profiled. ' : ''}` : ''}${loadRatio <= 1.3 ? '' : 'The miss against 1.3× is the normalization and assembly work (see the Ingest section for where it goes), not the sandbox.'}`,
  `- **heap**: measured with \`isolate.getHeapStatistics()\` after a full GC at the end of load; the child's peak RSS adds the reader's batches, V8 code space and GC headroom on top.`,
  `- **host channel**: a call goes isolate → child (an "ignored" callback, so the isolate never waits on the child's thread) → parent over IPC → \`onHostCall\` → back, and is settled with one synchronous entry into the isolate. Calls made in the same turn travel in one message each way, so fan-outs (\`llmBatch\`, \`Promise.all\`) cost ${conc.value.toFixed(0)} µs per call. One call at a time costs ${seq.value.toFixed(0)} µs: ${(seq.value / ipcFloor).toFixed(1)}× a bare Node IPC round trip measured in the same run, which alone is ${ipcFloor.toFixed(0)} µs on this shared machine, so ≤ 50 µs sequential is ${ipcFloor > 50 ? 'below the floor of any two-process channel here' : 'within reach only with less per-hop overhead'}. Real sub-calls are model requests of 100s of ms.`,
  '',
];
const section = lines.join('\n');
console.log(section);
if (!argv.includes('--dry')) {
  writeResultsSection('Sandbox', section);
  console.error('bench sandbox: wrote bench/RESULTS.md');
}
