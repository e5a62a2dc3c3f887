#!/usr/bin/env node
// Packets for blind reviewers (QUALITY-RUBRIC): one self-contained markdown
// and JSON file per finding with its claims and the raw source records of the
// cited spans (the call before and after each, the run's outcome), for cited
// runs drawn at random with a seed (3 per finding, or all when fewer).
// Usage: node bench/review-kit.mjs <findings.json> --traces <paths...> --out <dir>
//          [--outcomes <files...>] [--seed 1] [--runs 3] [--spans 6] [--max-string 2000] [--max-bytes 150000]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
}
function list(name) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return [];
  const out = [];
  for (let j = i + 1; j < args.length && !args[j].startsWith('--'); j++) out.push(args[j]);
  return out;
}
const findingsPath = args[0];
const inputs = list('traces');
// The verdicts the analysis joined (`halo analyze --outcomes`), so a packet shows each run's outcome as the finding saw it.
const outcomeFiles = list('outcomes');
const outDir = opt('out');
if (!findingsPath || findingsPath.startsWith('--') || !inputs.length || !outDir) {
  console.error('usage: node bench/review-kit.mjs <findings.json> --traces <paths...> --out <dir> [--outcomes <files...>] [--seed N] [--runs 3] [--spans 6] [--max-string 2000] [--max-bytes 150000]');
  process.exit(2);
}
const int = (name, fallback) => {
  const v = Number(opt(name, fallback));
  if (!Number.isInteger(v) || v < 0) {
    console.error(`--${name}: expected a whole number`);
    process.exit(2);
  }
  return v;
};
const seed = int('seed', 1);
const runs = int('runs', 3);
const spans = int('spans', 6);
const maxString = int('max-string', 2000);
const maxBytes = int('max-bytes', 150_000);

if (!existsSync(join(root, 'dist/internal.js'))) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
const { FindingsFile, loadTraces, readOutcomeFiles, buildReviewPackets, boundPacket, renderPacket, DEFAULT_PACKET_OPTIONS, DEFAULT_BOUNDS } = await import(new URL('../dist/internal.js', import.meta.url).href);

let file;
try {
  file = FindingsFile.parse(JSON.parse(readFileSync(findingsPath, 'utf8')));
} catch (e) {
  console.error(`${findingsPath}: not a findings.json (${e.message.split('\n')[0]})`);
  process.exit(2);
}
const { traces } = await loadTraces(inputs, outcomeFiles.length ? { outcomes: readOutcomeFiles(outcomeFiles) } : {});
const packets = await buildReviewPackets(file, traces, inputs, { ...DEFAULT_PACKET_OPTIONS, seed, tracesPerFinding: runs, spansPerTrace: spans });
mkdirSync(outDir, { recursive: true });
const index = ['# Review packets', '', `From \`${findingsPath}\`; runs drawn with seed ${seed}, ${runs} per finding (all when fewer are cited). One file per finding; judge each on its own.`, '', '| packet | cited runs | opened | bytes |', '|---|---|---|---|'];
for (const whole of packets) {
  // Keep a packet readable: cut long strings, arrays and objects harder until it fits.
  let p;
  let md;
  for (let cut = maxString, items = DEFAULT_BOUNDS.maxItems, keys = DEFAULT_BOUNDS.maxKeys; ; cut = Math.floor(cut / 2), items = Math.max(5, items >> 1), keys = Math.max(10, keys >> 1)) {
    p = boundPacket(whole, { ...DEFAULT_BOUNDS, maxString: cut, maxItems: items, maxKeys: keys });
    md = renderPacket(p);
    if (Buffer.byteLength(md) <= maxBytes || cut < 100) break;
  }
  const name = `finding-${String(p.rank).padStart(3, '0')}`;
  writeFileSync(join(outDir, `${name}.md`), md);
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(p, null, 2)}\n`);
  index.push(`| [${name}](${name}.md) | ${p.citedTraces} | ${p.traces.length} | ${Buffer.byteLength(md)} |`);
}
writeFileSync(join(outDir, 'README.md'), `${index.join('\n')}\n`);
console.log(`wrote ${packets.length} packets to ${outDir}`);
