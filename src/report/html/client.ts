// The page's only script: the trace drill-down and the findings filter.
// It reads the embedded JSON and builds every node with createElement and
// textContent — never innerHTML — because trace content is untrusted.
// Plain ES2020 so any current browser runs it as is.
export const CLIENT_JS = String.raw`(() => {
'use strict';
const dataEl = document.getElementById('halo-data');
if (!dataEl) return;
const D = JSON.parse(dataEl.textContent || '{}');
const traces = new Map((D.traces || []).map((t) => [t.traceId, t]));
const dialog = document.getElementById('trace-view');

function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v; else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const k of kids.flat()) if (k !== undefined && k !== null && k !== false) el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return el;
}
function fmtMs(ms) {
  if (!isFinite(ms)) return '–';
  if (ms < 1) return ms.toFixed(2) + ' ms';
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  if (ms < 3600000) return (ms / 60000).toFixed(1) + ' min';
  return (ms / 3600000).toFixed(1) + ' h';
}
function fmtUsd(v) { return v < 0.01 ? '$' + v.toPrecision(2) : v < 1 ? '$' + v.toFixed(3) : '$' + v.toFixed(2); }
function fmtInt(n) { return Math.round(n).toLocaleString('en-US'); }

// Text with every occurrence of needle wrapped in <mark>, as DOM nodes.
function highlighted(text, needle) {
  const frag = document.createDocumentFragment();
  if (!needle || needle.length < 2) { frag.append(text); return frag; }
  let at = 0;
  for (;;) {
    const i = text.indexOf(needle, at);
    if (i < 0) break;
    frag.append(text.slice(at, i), h('mark', null, needle));
    at = i + needle.length;
  }
  frag.append(text.slice(at));
  return frag;
}

function field(label, text, opts) {
  const d = h('details', { class: 'field' + (opts.error ? ' error' : ''), 'data-field': opts.key });
  if (opts.open) d.open = true;
  d.append(h('summary', null, label, h('span', { class: 'len' }, fmtInt(text.length) + ' chars')));
  d.append(h('pre', null, highlighted(text, opts.excerpt)));
  return d;
}

function spanDetail(trace, span, cites) {
  const box = h('div', { class: 'sd' });
  box.append(h('p', { class: 'sd-title', id: 'sd-title' }, span.name));
  for (const c of cites) {
    box.append(h('div', { class: 'sd-cited' },
      h('strong', null, 'Cited by: '), c.title,
      c.excerpt ? h('div', null, 'Excerpt: ', h('mark', null, c.excerpt)) : null,
      c.note ? h('div', null, c.note) : null));
  }
  const kv = h('dl', { class: 'sd-kv' });
  const row = (k, v) => { if (v !== undefined && v !== null && v !== '') kv.append(h('dt', null, k), h('dd', null, String(v))); };
  row('kind', span.kind);
  row('status', span.status);
  row('span id', span.id);
  row('parent', span.parent);
  row('start', '+' + fmtMs(span.start));
  row('duration', fmtMs(span.duration));
  row('model', span.model);
  if (span.tool) row('tool', span.tool.name + (span.tool.argsInvalid ? '  (arguments are not valid JSON)' : ''));
  if (span.tokens) row('tokens', fmtInt(span.tokens.input) + ' in · ' + fmtInt(span.tokens.output) + ' out');
  if (span.cost) row('cost', fmtUsd(span.cost));
  box.append(kv);
  const excerpt = cites.map((c) => c.excerpt).find(Boolean);
  const cited = cites.length > 0;
  const fields = [
    ['Error', span.error, 'error', true],
    ['Status message', span.statusMessage, 'statusMessage', true],
    ['Tool arguments', span.tool && span.tool.args, 'args', false],
    ['Tool result', span.tool && span.tool.result, 'result', false],
    ['Input', span.input, 'input', false],
    ['Output', span.output, 'output', false],
  ];
  let any = false;
  for (const [label, text, key, isErr] of fields) {
    if (typeof text !== 'string' || text === '') continue;
    any = true;
    box.append(field(label, text, { key, error: isErr, excerpt, open: cited || isErr || text.length <= 1500 }));
  }
  if (!any) box.append(h('p', { class: 'empty' }, 'This span records no input, output or tool data.'));
  if (span.truncated) box.append(h('p', { class: 'tv-note' }, 'Some text was truncated to keep the report small.'));
  return box;
}

function openEvidence(fi, ei) {
  const ev = (D.evidence[fi] || [])[ei];
  if (ev) openTrace(ev.t, ev.s, 'Evidence for: ', (D.findings[fi] || {}).title || '');
}

// The open trace lives in the URL (#trace=…&span=…) so a view can be linked to.
function setHash(traceId, spanId) {
  try {
    const hash = traceId ? '#trace=' + encodeURIComponent(traceId) + (spanId ? '&span=' + encodeURIComponent(spanId) : '') : '';
    history.replaceState(null, '', hash || location.pathname + location.search);
  } catch (e) { /* some viewers forbid history edits; the link is a convenience */ }
}
function openFromHash() {
  if (!location.hash.startsWith('#trace=')) return;
  const p = new URLSearchParams(location.hash.slice(1));
  if (p.get('trace')) openTrace(p.get('trace'), p.get('span') || undefined, 'Linked trace', '');
}

function openTrace(traceId, spanId, why, findingTitle) {
  if (!dialog) return;
  const ev = { t: traceId, s: spanId };
  const trace = traces.get(ev.t);
  dialog.replaceChildren();
  const close = h('button', { class: 'tv-close', type: 'button', 'aria-label': 'Close trace view' }, 'Close ✕');
  close.addEventListener('click', () => dialog.close());
  const head = h('div', { class: 'tv-head' },
    h('div', null,
      h('div', { class: 'tv-title', id: 'tv-title' }, 'trace ', h('b', null, ev.t)),
      h('div', { class: 'tv-meta' }, ...(trace ? [
        trace.agent ? h('span', null, 'agent ', h('b', null, trace.agent)) : null,
        trace.taskId ? h('span', null, 'task ', h('b', null, trace.taskId)) : null,
        h('span', null, 'status ', h('b', null, trace.status)),
        h('span', null, fmtMs(trace.durationMs)),
        trace.costUsd > 0 ? h('span', null, fmtUsd(trace.costUsd)) : null,
        trace.tokens && trace.tokens.total > 0 ? h('span', null, fmtInt(trace.tokens.total) + ' tokens') : null,
        trace.outcome && trace.outcome.reward !== undefined ? h('span', null, 'reward ' + trace.outcome.reward) : null,
        trace.outcome && trace.outcome.success !== undefined ? h('span', null, trace.outcome.success ? 'succeeded' : 'failed') : null,
        h('span', null, fmtInt(trace.spanCount) + ' spans'),
        h('span', null, trace.file + ' (' + trace.format + ')'),
      ] : []))),
    close);
  const note = h('div', { class: 'tv-note' }, why, findingTitle ? h('b', null, findingTitle) : null);
  if (dialog.open) dialog.close();
  setHash(traceId, spanId);
  if (!trace) {
    dialog.append(h('div', { class: 'tv' }, head, note,
      h('p', { class: 'empty', style: 'padding:40px' }, 'This trace is not embedded in the report: it embeds at most ' + D.limit + ' cited traces. Look it up with halo inspect or halo exec.')));
    dialog.showModal();
    close.focus();
    return;
  }
  if (trace.spans.length < trace.spanCount) note.append(' · showing ' + fmtInt(trace.spans.length) + ' of ' + fmtInt(trace.spanCount) + ' spans');
  // Every finding's citations of this trace, by span, so any cited span shows why.
  const citesBySpan = new Map();
  D.evidence.forEach((list, f) => list.forEach((e) => {
    if (e.t !== ev.t || !e.s) return;
    const arr = citesBySpan.get(e.s) || [];
    arr.push({ title: (D.findings[f] || {}).title || '', excerpt: e.x, note: e.n });
    citesBySpan.set(e.s, arr);
  }));
  const total = Math.max(1, trace.durationMs, ...trace.spans.map((s) => s.start + s.duration));
  const tree = h('div', { class: 'tv-tree', role: 'listbox', 'aria-label': 'Spans', 'aria-describedby': 'tv-title' });
  const detail = h('div', { class: 'tv-detail', 'aria-live': 'polite' });
  const rows = [];
  let selected = -1;
  function select(i, focus) {
    if (i < 0 || i >= rows.length) return;
    if (selected >= 0) { rows[selected].setAttribute('aria-selected', 'false'); rows[selected].tabIndex = -1; }
    selected = i;
    const r = rows[i];
    r.setAttribute('aria-selected', 'true');
    r.tabIndex = 0;
    if (focus) r.focus();
    r.scrollIntoView({ block: 'nearest' });
    const span = trace.spans[i];
    detail.replaceChildren(spanDetail(trace, span, citesBySpan.get(span.id) || []));
  }
  tree.append(h('div', { class: 'tv-axis', 'aria-hidden': 'true' },
    h('span', null, 'span'),
    h('span', { class: 'ticks' }, h('span', null, '0'), h('span', null, fmtMs(total / 2)), h('span', null, fmtMs(total))),
    h('span', { style: 'text-align:right' }, 'duration')));
  trace.spans.forEach((s, i) => {
    const isCited = citesBySpan.has(s.id);
    const bar = h('i', { class: s.status === 'error' ? 'error' : isCited ? 'cited' : '' });
    bar.style.left = (100 * s.start / total).toFixed(3) + '%';
    bar.style.width = Math.max(0.4, 100 * s.duration / total).toFixed(3) + '%';
    const row = h('button', {
      class: 'span-row' + (isCited ? ' cited' : ''), type: 'button', role: 'option', 'aria-selected': 'false', tabindex: '-1',
      'data-span-id': s.id, title: s.name + ' · ' + fmtMs(s.duration),
    },
      h('span', { class: 'sr-name' },
        h('span', { style: 'width:' + Math.min(s.depth, 24) * 14 + 'px;flex:none' }),
        h('span', { class: 'kind kind-' + s.kind }, s.kind),
        h('span', { class: 'nm' }, s.tool && s.tool.name && !s.name.includes(s.tool.name) ? s.name + ' · ' + s.tool.name : s.name),
        s.status === 'error' ? h('span', { class: 'err', 'aria-label': 'error' }, '!') : null),
      h('span', { class: 'track', 'aria-hidden': 'true' }, bar),
      h('span', { class: 'dur' }, fmtMs(s.duration)));
    row.addEventListener('click', () => select(i, false));
    rows.push(row);
    tree.append(row);
  });
  tree.addEventListener('keydown', (e) => {
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 }[e.key];
    if (step) { e.preventDefault(); select(Math.max(0, Math.min(rows.length - 1, selected + step)), true); }
    else if (e.key === 'Home') { e.preventDefault(); select(0, true); }
    else if (e.key === 'End') { e.preventDefault(); select(rows.length - 1, true); }
  });
  dialog.append(h('div', { class: 'tv' }, head, note, h('div', { class: 'tv-body' }, tree, detail)));
  dialog.showModal();
  let start = ev.s ? trace.spans.findIndex((s) => s.id === ev.s) : -1;
  if (ev.s && start < 0) note.append(' · the cited span ' + ev.s + ' is not in the embedded spans');
  if (start < 0) start = 0;
  if (rows.length > 0) select(start, true); else close.focus();
}

document.addEventListener('click', (e) => {
  const btn = e.target instanceof Element ? e.target.closest('button.ev-item') : null;
  if (!btn) return;
  openEvidence(Number(btn.getAttribute('data-f')), Number(btn.getAttribute('data-e')));
});
if (dialog) {
  dialog.addEventListener('click', (e) => { if (e.target === dialog) dialog.close(); });
  // 'close' fires after a task; if another trace opened meanwhile, its hash stays.
  dialog.addEventListener('close', () => { if (!dialog.open) setHash(null); });
}
window.addEventListener('hashchange', openFromHash);
openFromHash();

// Findings filter: free text plus severity toggles.
const search = document.getElementById('finding-search');
const category = document.getElementById('finding-category');
const sevButtons = Array.from(document.querySelectorAll('button[data-sev]'));
const items = Array.from(document.querySelectorAll('li.finding'));
const counter = document.getElementById('finding-count');
function applyFilter() {
  const q = search ? search.value.trim().toLowerCase() : '';
  const on = new Set(sevButtons.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.getAttribute('data-sev')));
  let shown = 0;
  for (const li of items) {
    const cat = category ? category.value : '';
    const ok = (on.size === 0 || on.has(li.getAttribute('data-severity'))) && (!cat || li.getAttribute('data-category') === cat) && (!q || li.textContent.toLowerCase().includes(q));
    li.hidden = !ok;
    if (ok) shown++;
  }
  if (counter) counter.textContent = shown === items.length ? fmtInt(items.length) + ' findings' : fmtInt(shown) + ' of ' + fmtInt(items.length) + ' findings';
}
if (search) search.addEventListener('input', applyFilter);
if (category) category.addEventListener('change', applyFilter);
for (const b of sevButtons) b.addEventListener('click', () => { b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true'); applyFilter(); });
})();
`;
