// The report's stylesheet: system fonts only (no network), light and dark
// from the viewer's preference, colours as custom properties.
export const STYLES = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f7f7f5; --panel: #ffffff; --panel-2: #f1f1ee; --text: #1d1d1b; --muted: #6b6b66; --faint: #9a9a94;
  --border: #e3e3de; --accent: #4f46e5; --accent-soft: #eef0ff; --focus: #4f46e5;
  --sev-critical: #b42318; --sev-high: #d9480f; --sev-medium: #a15c07; --sev-low: #2f6fdf; --sev-info: #6b7280;
  --ok: #1f8a4c; --err: #c62828; --cited: #fff4d6; --cited-border: #e0a100; --mark: #ffe58f;
  --c-outcome: #e5484d; --c-tool_selection: #8e4ec6; --c-tool_arguments: #d6409f; --c-trajectory: #0091ff;
  --c-errors_recovery: #f76b15; --c-cost: #12a594; --c-latency: #ffb224; --c-consistency: #3e63dd; --c-other: #8b8d98;
  --s0: #4f46e5; --s1: #e5484d; --s2: #12a594; --s3: #f76b15; --s4: #8e4ec6; --s5: #0091ff; --s6: #d6409f; --s7: #8b8d98;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111113; --panel: #19191c; --panel-2: #212125; --text: #ececee; --muted: #a0a0a8; --faint: #6f6f78;
    --border: #2c2c31; --accent: #8b8cff; --accent-soft: #24244a; --focus: #9d9eff;
    --sev-critical: #ff6369; --sev-high: #ff8b3e; --sev-medium: #f1c21b; --sev-low: #70a7ff; --sev-info: #9ca3af;
    --ok: #3dd68c; --err: #ff6369; --cited: #3a2f0b; --cited-border: #d4a514; --mark: #6b5500;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; border-radius: 4px; }
.wrap { max-width: 1200px; margin: 0 auto; padding: 28px 24px 64px; }
header.top { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: 16px 32px; margin-bottom: 20px; }
.brand { display: flex; align-items: center; gap: 10px; font-weight: 650; font-size: 20px; letter-spacing: -0.01em; }
.brand .logo { width: 26px; height: 26px; }
.brand .sub { font-weight: 450; color: var(--muted); font-size: 15px; }
.runmeta { color: var(--muted); font-size: 13px; display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 6px; }
.runmeta code { font-family: var(--mono); font-size: 12px; }
.pill { display: inline-flex; align-items: center; gap: 6px; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid var(--border); background: var(--panel-2); color: var(--muted); white-space: nowrap; }
.pill.warn { color: var(--sev-high); border-color: color-mix(in srgb, var(--sev-high) 40%, transparent); background: color-mix(in srgb, var(--sev-high) 10%, transparent); }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 8px 0 24px; }
.stat { background: var(--panel); border: 1px solid var(--border); border-radius: 12px; padding: 12px 14px; }
.stat .v { font-size: 24px; font-weight: 650; letter-spacing: -0.02em; font-variant-numeric: tabular-nums; }
.stat .l { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.stat .d { font-size: 12px; color: var(--faint); }
.summary { background: var(--panel); border: 1px solid var(--border); border-radius: 12px; padding: 14px 18px; margin-bottom: 24px; white-space: pre-wrap; }
h2 { font-size: 17px; margin: 32px 0 12px; letter-spacing: -0.01em; }
h3 { font-size: 14px; margin: 0 0 2px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; align-items: start; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 12px; padding: 16px 18px; min-width: 0; }
.card .hint { color: var(--muted); font-size: 12.5px; margin: 0 0 10px; }
.empty { color: var(--faint); font-size: 13px; padding: 24px 0; text-align: center; }
svg.chart { width: 100%; height: auto; display: block; overflow: visible; }
svg.chart text { font-size: 11px; fill: var(--muted); font-family: inherit; }
svg.chart .grid { stroke: var(--border); stroke-width: 1; }
svg.chart .axis { stroke: var(--faint); stroke-width: 1; }
svg.chart .bar-label { fill: var(--text); font-size: 12px; }
svg.chart .bar-value { font-size: 11.5px; fill: var(--muted); font-variant-numeric: tabular-nums; }
svg.chart a:hover rect, svg.chart a:focus rect { filter: brightness(1.12); }
svg.chart a:hover .bar-label { fill: var(--accent); text-decoration: underline; }
svg.chart rect.mark { transition: opacity .12s; }
svg.chart .line { fill: none; stroke-width: 2.25; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .line.thin { stroke-width: 1.5; stroke-dasharray: 4 4; opacity: .7; }
svg.chart .point.thin { fill: var(--panel); stroke-width: 1.5; }
svg.hist rect.mark { fill: var(--accent); opacity: 0.75; }
svg.hist .pct { stroke: var(--text); stroke-width: 1; stroke-dasharray: 3 3; opacity: 0.55; }
svg.hist .pct-label { font-size: 9.5px; fill: var(--muted); }
${['outcome', 'tool_selection', 'tool_arguments', 'trajectory', 'errors_recovery', 'cost', 'latency', 'consistency', 'other']
  .map((c) => `.cat-${c} { fill: var(--c-${c}); } .sw.cat-${c}, .chip.cat-${c}::before { background: var(--c-${c}); }`)
  .join('\n')}
${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `.line.s${i} { stroke: var(--s${i}); } .point.s${i} { fill: var(--s${i}); stroke: var(--s${i}); } .point.thin.s${i} { fill: var(--panel); } .sw.s${i} { background: var(--s${i}); }`).join('\n')}
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12.5px; color: var(--muted); margin-top: 8px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.sw { width: 10px; height: 10px; border-radius: 3px; display: inline-block; }
.dist-agent { padding: 10px 0; border-top: 1px solid var(--border); }
.dist-agent:first-child { border-top: 0; padding-top: 0; }
.dist.latency-only { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 0 20px; }
.dist.latency-only .dist-agent { border-top: 0; padding: 0 0 12px; }
.dist.latency-only .hl { display: none; }
.dist-agent .agent { font-weight: 600; font-size: 13.5px; overflow-wrap: anywhere; margin-bottom: 4px; }
.dist-agent .agent small { font-weight: 400; color: var(--muted); margin-left: 6px; }
.hrow { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 6px 18px; }
.hcell { min-width: 0; }
.hcell .hl { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.hcell .hl span { text-transform: none; letter-spacing: 0; color: var(--faint); }
svg.hist { max-width: 340px; }
.q { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; margin-top: 2px; }
.q b { color: var(--text); font-weight: 600; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
.toolbar input[type=search] { flex: 1 1 240px; padding: 8px 12px; border-radius: 8px; border: 1px solid var(--border); background: var(--panel); color: var(--text); font: inherit; }
.toolbar select { font: inherit; font-size: 13px; padding: 6px 10px; border-radius: 8px; border: 1px solid var(--border); background: var(--panel); color: var(--text); }
.toolbar .seg { display: inline-flex; gap: 4px; flex-wrap: wrap; }
.toolbar button { font: inherit; font-size: 12.5px; padding: 5px 10px; border-radius: 999px; border: 1px solid var(--border); background: var(--panel); color: var(--muted); cursor: pointer; }
.toolbar button[aria-pressed=true] { background: var(--accent-soft); color: var(--accent); border-color: color-mix(in srgb, var(--accent) 40%, transparent); }
ol.findings { list-style: none; margin: 0; padding: 0; display: grid; gap: 14px; }
.finding { background: var(--panel); border: 1px solid var(--border); border-left: 4px solid var(--sev-info); border-radius: 12px; padding: 16px 20px; scroll-margin-top: 16px; }
.finding:target { box-shadow: 0 0 0 2px var(--accent); }
.finding.sev-critical { border-left-color: var(--sev-critical); } .finding.sev-high { border-left-color: var(--sev-high); }
.finding.sev-medium { border-left-color: var(--sev-medium); } .finding.sev-low { border-left-color: var(--sev-low); }
.fhead { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-bottom: 6px; }
.rank { font-variant-numeric: tabular-nums; color: var(--faint); font-weight: 650; min-width: 1.8em; }
.finding h3 { font-size: 16.5px; line-height: 1.35; margin: 2px 0 8px; letter-spacing: -0.01em; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 6px; font-size: 11.5px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: #fff; }
.badge.sev-critical { background: var(--sev-critical); } .badge.sev-high { background: var(--sev-high); }
.badge.sev-medium { background: var(--sev-medium); } .badge.sev-low { background: var(--sev-low); } .badge.sev-info { background: var(--sev-info); }
@media (prefers-color-scheme: dark) { .badge { color: #111; } }
.chip { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--muted); border: 1px solid var(--border); border-radius: 999px; padding: 0 9px; }
.chip[class*="cat-"]::before { content: ""; width: 8px; height: 8px; border-radius: 50%; }
.chip.status-new { color: var(--accent); border-color: color-mix(in srgb, var(--accent) 40%, transparent); }
.chip.status-regressed { color: var(--sev-critical); border-color: color-mix(in srgb, var(--sev-critical) 40%, transparent); }
.prev { display: flex; align-items: center; gap: 10px; font-size: 13px; color: var(--muted); margin: 4px 0 10px; font-variant-numeric: tabular-nums; }
.prev .bar { flex: 0 0 140px; height: 6px; border-radius: 3px; background: var(--panel-2); overflow: hidden; }
.prev .bar i { display: block; height: 100%; background: var(--accent); }
.trend { vertical-align: middle; }
.trend path { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.fbody p { margin: 0 0 8px; overflow-wrap: anywhere; }
.fbody code, .kv code { font-family: var(--mono); font-size: 0.88em; background: var(--panel-2); border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }
.kv { display: grid; grid-template-columns: 110px 1fr; gap: 6px 14px; margin: 10px 0; font-size: 14px; }
.kv dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; padding-top: 2px; }
.kv dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.kv .tag { font-size: 11px; color: var(--muted); border: 1px solid var(--border); border-radius: 4px; padding: 0 5px; margin-left: 6px; white-space: nowrap; }
details.evidence > summary { cursor: pointer; font-size: 13px; color: var(--muted); padding: 4px 0; }
details.evidence > summary:hover { color: var(--text); }
ul.ev { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 6px; }
details.more > summary { cursor: pointer; font-size: 12.5px; color: var(--accent); padding: 6px 0 0; }
details.more[open] > summary { margin-bottom: 0; }
details.more > ul.ev { margin-top: 6px; }
button.ev-item { all: unset; box-sizing: border-box; display: block; width: 100%; cursor: pointer; border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; background: var(--panel-2); }
button.ev-item:hover { border-color: var(--accent); }
button.ev-item:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
.ev-ids { font-family: var(--mono); font-size: 12px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 12px; }
.ev-ids b { color: var(--text); font-weight: 600; }
.ev-ex { display: block; font-family: var(--mono); font-size: 12.5px; margin-top: 4px; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 7.5em; overflow: hidden; }
.ev-note { display: block; font-size: 12.5px; color: var(--muted); margin-top: 2px; }
.ev-open { float: right; font-size: 12px; color: var(--accent); }
.resolved li { color: var(--muted); }
footer { margin-top: 40px; color: var(--faint); font-size: 12px; }
/* Trace viewer */
dialog.trace { width: min(1180px, 96vw); height: min(900px, 92vh); max-width: none; max-height: none; padding: 0; border: 1px solid var(--border); border-radius: 14px; background: var(--panel); color: var(--text); box-shadow: 0 20px 60px rgba(0,0,0,.3); }
dialog.trace::backdrop { background: rgba(10,10,14,.45); }
.tv { display: grid; grid-template-rows: auto auto 1fr; height: 100%; }
.tv-head { display: flex; align-items: flex-start; justify-content: space-between; gap: 12px; padding: 14px 18px 10px; border-bottom: 1px solid var(--border); }
.tv-title { font-family: var(--mono); font-size: 13px; overflow-wrap: anywhere; }
.tv-meta { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12.5px; color: var(--muted); margin-top: 4px; }
.tv-close { white-space: nowrap; flex: none; font: inherit; border: 1px solid var(--border); background: var(--panel-2); color: var(--text); border-radius: 8px; padding: 4px 10px; cursor: pointer; }
.tv-note { padding: 6px 18px; font-size: 12.5px; color: var(--muted); border-bottom: 1px solid var(--border); }
.tv-body { display: grid; grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr); min-height: 0; }
.tv-tree { overflow: auto; border-right: 1px solid var(--border); padding: 0 0 6px; }
.tv-detail { overflow: auto; padding: 14px 18px; }
.tv-axis { display: grid; grid-template-columns: minmax(0, 1fr) 38% 64px; gap: 10px; padding: 2px 12px 6px; font-size: 11px; color: var(--faint); position: sticky; top: 0; background: var(--panel); border-bottom: 1px solid var(--border); z-index: 1; }
.tv-axis .ticks { display: flex; justify-content: space-between; font-variant-numeric: tabular-nums; }
.span-row .dur { font-size: 11.5px; color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
.span-row { all: unset; box-sizing: border-box; display: grid; grid-template-columns: minmax(0, 1fr) 38% 64px; gap: 10px; align-items: center; width: 100%; padding: 3px 12px; cursor: pointer; font-size: 13px; border-left: 3px solid transparent; }
.span-row:hover { background: var(--panel-2); }
.span-row:focus-visible { outline: 2px solid var(--focus); outline-offset: -2px; }
.span-row[aria-selected=true] { background: var(--accent-soft); }
.span-row.cited { background: var(--cited); border-left-color: var(--cited-border); }
.span-row.cited[aria-selected=true] { box-shadow: inset 0 0 0 1px var(--cited-border); }
.sr-name { display: flex; align-items: center; gap: 6px; min-width: 0; white-space: nowrap; }
.sr-name .nm { overflow: hidden; text-overflow: ellipsis; }
.sr-name .err { color: var(--err); font-weight: 700; }
.kind { font-size: 10px; text-transform: uppercase; letter-spacing: 0.04em; font-weight: 700; border-radius: 4px; padding: 0 4px; color: var(--muted); border: 1px solid var(--border); flex: none; }
.kind-llm { color: #7c3aed; } .kind-tool { color: #0e7490; } .kind-agent { color: #b45309; }
@media (prefers-color-scheme: dark) { .kind-llm { color: #c4b5fd; } .kind-tool { color: #67e8f9; } .kind-agent { color: #fcd34d; } }
.track { position: relative; height: 12px; background: var(--panel-2); border-radius: 3px; }
.track i { position: absolute; top: 2px; bottom: 2px; min-width: 2px; border-radius: 2px; background: var(--accent); opacity: .8; }
.track i.error { background: var(--err); }
.track i.cited { background: var(--cited-border); opacity: 1; }
.sd-title { font-size: 15px; font-weight: 650; overflow-wrap: anywhere; margin: 0 0 6px; }
.sd-kv { display: grid; grid-template-columns: 92px 1fr; gap: 3px 12px; font-size: 13px; margin-bottom: 10px; }
.sd-kv dt { color: var(--muted); }
.sd-kv dd { margin: 0; font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.sd-cited { border: 1px solid var(--cited-border); background: var(--cited); border-radius: 8px; padding: 8px 10px; font-size: 13px; margin-bottom: 10px; }
details.field { border: 1px solid var(--border); border-radius: 8px; margin: 8px 0; background: var(--panel); }
details.field > summary { cursor: pointer; padding: 6px 10px; font-size: 12.5px; font-weight: 600; color: var(--muted); }
details.field > summary .len { font-weight: 400; color: var(--faint); margin-left: 6px; }
details.field pre { margin: 0; padding: 8px 10px; border-top: 1px solid var(--border); font-family: var(--mono); font-size: 12px; line-height: 1.5; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 420px; overflow: auto; }
details.field.error > summary { color: var(--err); }
mark { background: var(--mark); color: inherit; border-radius: 2px; }
@media (max-width: 760px) { .grid2 { grid-template-columns: 1fr; } .tv-body { grid-template-columns: 1fr; } .tv-tree { max-height: 45vh; border-right: 0; border-bottom: 1px solid var(--border); } .kv { grid-template-columns: 1fr; } }
@media print { dialog.trace, .toolbar { display: none; } body { background: #fff; } }
`;
