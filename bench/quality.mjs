#!/usr/bin/env node
// Quality on real data: offline `halo analyze` on real labelled runs that
// nobody here wrote, scored with `halo eval` against the human labels.
//   TRAIL SWE-bench (smolagents CodeAgent span trees, TRAIL error annotations)
//   Who&When CaptainAgent (AG2 group chats, mistake agent and step per run)
//   τ-bench airline (chat transcripts, reward per run; labels = failed runs)
// Per dataset: findings, repeats (a finding whose affected runs lie ≥ 80% in
// those of a higher-ranked one), the prevalence invariant, recall by category
// at trace/step/span level, precision, agent/step accuracy, impact.
// Usage: node bench/quality.mjs [--write]   (--write updates bench/RESULTS.md)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv, root, writeResultsSection } from './lib.mjs';

const HALO = join(root, 'bin/halo');
const fx = (p) => join(root, 'tests/fixtures', p);

function halo(cwd, args) {
  const r = spawnSync(process.execPath, [HALO, ...args], { cwd, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`halo ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function tauLabels(dir) {
  const raw = JSON.parse(readFileSync(fx('tau-bench/gpt-4o-airline.json'), 'utf8'));
  const path = join(dir, 'tau-labels.jsonl');
  writeFileSync(path, raw.filter((r) => !(r.reward >= 1)).map((r) => JSON.stringify({ traceId: `tau-${r.task_id}-${r.trial}`, category: 'failed run' })).join('\n') + '\n');
  return path;
}

const DATASETS = [
  { name: 'TRAIL SWE-bench', traces: [fx('real/trail-swe/traces')], labels: () => [fx('real/trail-swe/annotations')] },
  { name: 'Who&When CaptainAgent', traces: [fx('real/whowhen-captainagent/runs')], labels: () => [fx('real/whowhen-captainagent/runs')] },
  { name: 'τ-bench airline', traces: [fx('tau-bench/gpt-4o-airline.json')], labels: (dir) => [tauLabels(dir)] },
];

const affectedOf = (f) => new Set([...(f.data?.traceIds ?? []), ...f.evidence.map((e) => e.traceId)]);

/** Findings whose affected runs lie ≥ 80% inside those of one higher-ranked finding (outcome summaries excluded as the reference when `skipOutcome`). */
function repeats(findings, skipOutcome) {
  const out = [];
  findings.forEach((f, i) => {
    const mine = affectedOf(f);
    for (const g of findings.slice(0, i)) {
      if (skipOutcome && g.category === 'outcome') continue;
      const theirs = affectedOf(g);
      const shared = [...mine].filter((id) => theirs.has(id)).length;
      if (mine.size > 0 && shared / mine.size >= 0.8) {
        out.push({ rank: f.rank, of: g.rank });
        return;
      }
    }
  });
  return out;
}

const pct = (a, b) => (b ? `${a}/${b} (${((100 * a) / b).toFixed(1)}%)` : '–');

const results = [];
for (const d of DATASETS) {
  const dir = mkdtempSync(join(tmpdir(), 'halo-quality-'));
  const out = join(dir, 'out');
  halo(dir, ['analyze', ...d.traces, '--offline', '--no-history', '--out', out, '--format', 'json', '--quiet']);
  const file = JSON.parse(readFileSync(join(out, 'findings.json'), 'utf8'));
  const labels = d.labels(dir);
  const evalJson = JSON.parse(halo(dir, ['eval', join(out, 'findings.json'), '--labels', ...labels, '--traces', ...d.traces, '--json']));
  const evalText = halo(dir, ['eval', join(out, 'findings.json'), '--labels', ...labels, '--traces', ...d.traces]);
  const invariant = file.findings.filter((f) => f.prevalence.traces !== (f.data?.traceIds ?? []).length);
  // The same findings without the model calls cited as having received a failure (`role: 'received'`): how much of
  // the step recall rests on them, stated next to it.
  const received = file.findings.reduce((n, f) => n + (f.data?.occurrences ?? []).filter((o) => o.role === 'received').length, 0);
  let withoutReceived = null;
  if (received) {
    const stripped = { ...file, findings: file.findings.map((f) => (f.data?.occurrences ? { ...f, data: { ...f.data, occurrences: f.data.occurrences.filter((o) => o.role !== 'received') } } : f)) };
    const path = join(out, 'findings-without-received.json');
    writeFileSync(path, JSON.stringify(stripped));
    withoutReceived = JSON.parse(halo(dir, ['eval', path, '--labels', ...labels, '--traces', ...d.traces, '--json']));
  }
  results.push({ d, file, evalJson, evalText, invariant, repeats: repeats(file.findings, true), repeatsRaw: repeats(file.findings, false), labels, received, withoutReceived });
}

function section() {
  const lines = ['## Quality on real data', ''];
  lines.push(
    'Offline analysis (`--offline`, deterministic detectors only) of real labelled runs that nobody here wrote (`tests/fixtures/real/`, `tests/fixtures/tau-bench/`), scored by `halo eval` against the human labels. Written by `node bench/quality.mjs --write`; the judgement of each top-five finding is below, by hand.',
    '',
    'A finding *cites* its evidence spans and its recorded occurrences (`data.occurrences`, every span a detector attributes the failure to, including the model call that was sent it, `role: \'received\'`, and the step a repeat copies, `role: \'repeated\'`). Step = the span\'s `halo.step`, else its ancestor just below the run\'s agent span (smolagents "Step N"). Repeats: findings whose affected runs lie ≥ 80% inside those of one higher-ranked finding that is not the plain outcome summary (in brackets: counting the outcome summary as well). Invariant: prevalence = size of the affected set (predicate exactness is asserted by `tests/findings-invariant.test.ts`).',
    '',
  );
  lines.push('| dataset | runs | findings | repeats | invariant holds | labels matched | recall trace / step / span | cited spans in a labelled step | affected runs labelled failed |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const o = r.evalJson.recall.overall;
    const p = r.evalJson.precision;
    lines.push(
      `| ${r.d.name} | ${r.file.dataset.traces ?? '?'} | ${r.file.findings.length} | ${r.repeats.length} (${r.repeatsRaw.length}) | ${r.file.findings.length - r.invariant.length}/${r.file.findings.length} | ${r.evalJson.labels.matched}/${r.evalJson.labels.total} | ${pct(o.trace, o.labels)} / ${pct(o.step, o.labels)} / ${o.withSpan ? pct(o.span, o.withSpan) : '–'} | ${pct(p.stepHits, p.citedSpans)} | ${pct(p.failedRuns, p.affectedRuns)} |`,
    );
  }
  lines.push('');
  for (const r of results) {
    lines.push(`### ${r.d.name}`, '');
    lines.push('```', `halo analyze ${r.d.traces.map((t) => t.replace(root, '')).join(' ')} --offline --no-history --out out`, `halo eval out/findings.json --labels ${r.labels.map((t) => t.replace(root, '').replace(/.*\/(tau-labels.jsonl)$/, '$1')).join(' ')} --traces ${r.d.traces.map((t) => t.replace(root, '')).join(' ')}`, '```', '');
    const cats = Object.entries(r.evalJson.recall.byCategory).sort((a, b) => b[1].labels - a[1].labels);
    lines.push('| label category | labels | trace | step | span |', '|---|---|---|---|---|');
    for (const [c, k] of cats) lines.push(`| ${c} | ${k.labels} | ${pct(k.trace, k.labels)} | ${pct(k.step, k.labels)} | ${k.withSpan ? pct(k.span, k.withSpan) : '–'} |`);
    if (r.d.name.startsWith('TRAIL')) {
      const fam = ['Formatting Errors', 'Tool-related', 'Resource Abuse'].map((c) => r.evalJson.recall.byCategory[c] ?? { labels: 0, step: 0 });
      lines.push(`| *Formatting + Tool-related + Resource Abuse* | ${fam.reduce((n, k) => n + k.labels, 0)} | | ${pct(fam.reduce((n, k) => n + k.step, 0), fam.reduce((n, k) => n + k.labels, 0))} | |`);
    }
    lines.push('');
    if (r.withoutReceived) {
      const w = r.withoutReceived;
      const wfam = ['Formatting Errors', 'Tool-related', 'Resource Abuse'].map((c) => w.recall.byCategory[c]).filter(Boolean);
      const famText = r.d.name.startsWith('TRAIL') ? `, Formatting + Tool-related + Resource Abuse ${pct(wfam.reduce((n, k) => n + k.step, 0), wfam.reduce((n, k) => n + k.labels, 0))}` : '';
      lines.push(`Findings cite ${r.received} model calls as where the model was sent what they report (\`role: 'received'\`: the call's newest input holds the text verbatim). Without those citations: step recall ${pct(w.recall.overall.step, w.recall.overall.labels)}${famText}; cited spans in a labelled step ${pct(w.precision.stepHits, w.precision.citedSpans)}.`, '');
    }
    const a = r.evalJson.attribution;
    if (a) lines.push(`Attribution: ${pct(a.predicted, a.runs)} labelled runs have a located finding; agent correct ${pct(a.agentCorrect, a.runs)}, step correct ${pct(a.stepCorrect, a.runs)}.`, '');
    if (r.file.outcomes?.note) lines.push(`Impact: ${r.file.outcomes.note}`, '');
    lines.push('| # | sev | finding | runs | failed among them | impact (failure-rate difference, 95% interval) |', '|---|---|---|---|---|---|');
    const per = new Map(r.evalJson.perPrediction.map((p) => [p.rank, p]));
    for (const f of r.file.findings.slice(0, 10)) {
      const p = per.get(f.rank);
      const i = f.impact;
      const imp = i ? `${i.difference >= 0 ? '+' : ''}${Math.round(i.difference * 100)} pts (${Math.round(i.interval[0] * 100)} to ${Math.round(i.interval[1] * 100)}); ${Math.round(i.rateWith * 100)}% vs ${Math.round(i.rateWithout * 100)}%` : '–';
      lines.push(`| ${f.rank} | ${f.severity} | ${f.title.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 110)} | ${f.prevalence.traces} | ${p ? p.failedAffected : '?'} | ${imp} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const text = section();
process.stdout.write(text + '\n');
for (const r of results) {
  process.stdout.write(`\n---- ${r.d.name}\n${r.evalText}`);
  for (const x of r.repeats) process.stdout.write(`repeat: #${x.rank} lies in #${x.of}\n`);
}
if (argv.includes('--write')) console.log(`\nwrote ${writeResultsSection('Quality on real data', text)}`);
