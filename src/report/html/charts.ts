// Inline SVG charts, drawn as strings on the host so the page needs no
// library and no network. Every data mark carries class="mark" (and a
// <title> for a native tooltip) so a viewer — or a test — can count them.
// Labels are escaped: agent names and finding titles come from the data.
import { Category } from '../../findings/schema.ts';
import type { Histogram, PassKCurve, ReportData } from '../data.ts';
import { esc } from './escape.ts';
import { fmtDay, fmtInt, fmtMs, fmtPct, fmtUsd } from './format.ts';

// The schema's own list, so the report cannot drift from what findings may carry.
export const CATEGORIES = Category.options;

/** A CSS-safe category token: known categories as they are, anything else "other". */
export function categoryToken(category: string): string {
  return (CATEGORIES as readonly string[]).includes(category) ? category : 'other';
}

/** Series colours for agents (pass^k lines): index-based, never derived from the name. */
export const SERIES_COUNT = 8;

/** Round step for about `target` ticks up to `max`. */
function niceStep(max: number, target: number): number {
  if (max <= 0) return 1;
  const raw = max / target;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  const step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return Math.max(1, step * mag);
}

function svgOpen(w: number, h: number, label: string, cls: string): string {
  return `<svg class="chart ${cls}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}" preserveAspectRatio="xMidYMid meet">`;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export function stackedBarsByDay(fd: ReportData['failuresByDay']): string {
  const W = 640;
  const H = 240;
  const m = { l: 40, r: 10, t: 12, b: 30 };
  const n = fd.days.length;
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const totals = fd.days.map((_, i) => fd.series.reduce((s, x) => s + (x.counts[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = niceStep(max, 4);
  const top = Math.ceil(max / step) * step;
  const y = (v: number) => m.t + ph - (v / top) * ph;
  const slot = n > 0 ? pw / n : pw;
  const bw = Math.max(2, Math.min(48, slot * 0.72));
  const out: string[] = [svgOpen(W, H, 'Affected traces by failure category per day', 'stacked')];
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(`<line class="grid" x1="${m.l}" x2="${W - m.r}" y1="${r1(y(v))}" y2="${r1(y(v))}"/>`);
    out.push(`<text class="tick" x="${m.l - 6}" y="${r1(y(v)) + 4}" text-anchor="end">${fmtInt(v)}</text>`);
  }
  const every = Math.max(1, Math.ceil(n / 8));
  fd.days.forEach((day, i) => {
    const x = m.l + slot * i + (slot - bw) / 2;
    let acc = 0;
    for (const s of fd.series) {
      const c = s.counts[i] ?? 0;
      if (c <= 0) continue;
      const y1 = y(acc + c);
      const h = y(acc) - y1;
      acc += c;
      const label = fd.bucketDays > 1 ? `${fmtDay(day)} (+${fd.bucketDays - 1}d)` : fmtDay(day);
      out.push(
        `<rect class="mark cat-${categoryToken(s.category)}" x="${r1(x)}" y="${r1(y1)}" width="${r1(bw)}" height="${r1(Math.max(0.5, h))}" rx="1.5"><title>${esc(label)} · ${esc(s.category)}: ${fmtInt(c)} trace${c === 1 ? '' : 's'}</title></rect>`,
      );
    }
    if (i % every === 0) out.push(`<text class="tick" x="${r1(m.l + slot * i + slot / 2)}" y="${H - 10}" text-anchor="middle">${esc(fmtDay(day))}</text>`);
  });
  out.push(`<line class="axis" x1="${m.l}" x2="${W - m.r}" y1="${r1(y(0))}" y2="${r1(y(0))}"/>`);
  out.push('</svg>');
  return out.join('');
}

export interface BarItem {
  label: string;
  value: number;
  category: string;
  href: string;
  note: string;
}

export function horizontalBars(items: BarItem[], total: number): string {
  const W = 640;
  const row = 28;
  const H = Math.max(row, items.length * row) + 8;
  const labelW = 300;
  const valueW = 90;
  const pw = W - labelW - valueW;
  const max = Math.max(1, ...items.map((i) => i.value));
  const out: string[] = [svgOpen(W, H, 'Top findings by affected traces', 'hbars')];
  items.forEach((it, i) => {
    const yy = 4 + i * row;
    const w = Math.max(2, (it.value / max) * pw);
    const label = it.label.length > 44 ? `${it.label.slice(0, 43)}…` : it.label;
    out.push(
      `<a href="${esc(it.href)}" class="bar-link"><text class="bar-label" x="${labelW - 10}" y="${yy + 18}" text-anchor="end">${esc(label)}</text>` +
        `<rect class="mark cat-${categoryToken(it.category)}" x="${labelW}" y="${yy + 5}" width="${r1(w)}" height="${row - 10}" rx="3"><title>${esc(it.label)}: ${fmtInt(it.value)} of ${fmtInt(total)} traces</title></rect>` +
        `<text class="bar-value" x="${r1(labelW + w + 6)}" y="${yy + 18}">${esc(it.note)}</text></a>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}

/** A pass^k point over fewer than a fifth of the agent's tasks (and fewer than 20). */
export function thinPoint(c: PassKCurve, p: PassKCurve['points'][number]): boolean {
  return p.tasks < Math.min(20, Math.ceil(c.tasks / 5));
}

export function passKLines(curves: PassKCurve[]): string {
  const W = 640;
  const H = 240;
  const m = { l: 44, r: 14, t: 12, b: 32 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const K = Math.max(2, ...curves.flatMap((c) => c.points.map((p) => p.k)));
  const x = (k: number) => m.l + ((k - 1) / (K - 1)) * pw;
  const y = (v: number) => m.t + ph - v * ph;
  const out: string[] = [svgOpen(W, H, 'pass^k per agent: chance that k trials of a task all pass', 'lines')];
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line class="grid" x1="${m.l}" x2="${W - m.r}" y1="${r1(y(v))}" y2="${r1(y(v))}"/>`);
    out.push(`<text class="tick" x="${m.l - 6}" y="${r1(y(v)) + 4}" text-anchor="end">${Math.round(v * 100)}%</text>`);
  }
  for (let k = 1; k <= K; k++) out.push(`<text class="tick" x="${r1(x(k))}" y="${H - 14}" text-anchor="middle">${k}</text>`);
  out.push(`<text class="tick axis-title" x="${m.l + pw / 2}" y="${H - 1}" text-anchor="middle">k (trials that must all pass)</text>`);
  curves.forEach((c, i) => {
    const s = i % SERIES_COUNT;
    // Points backed by few tasks (only some tasks were tried k times) are drawn
    // dashed and hollow: they say less about the agent than the solid part.
    const solid = c.points.filter((p) => !thinPoint(c, p));
    const thin = c.points.filter((p) => thinPoint(c, p));
    const path = (pts: typeof c.points) => pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${r1(x(p.k))},${r1(y(p.value))}`).join('');
    const head = solid.length > 0 ? solid : c.points.slice(0, 1);
    out.push(`<path class="mark line s${s}" d="${path(head)}"><title>${esc(c.agent)}</title></path>`);
    if (thin.length > 0) out.push(`<path class="line thin s${s}" d="${path([head[head.length - 1]!, ...thin.filter((p) => p !== head[head.length - 1])])}"/>`);
    for (const p of c.points) {
      out.push(
        `<circle class="point s${s}${thinPoint(c, p) ? ' thin' : ''}" cx="${r1(x(p.k))}" cy="${r1(y(p.value))}" r="3.5"><title>${esc(c.agent)} · pass^${p.k} = ${fmtPct(p.value)} over ${fmtInt(p.tasks)} task${p.tasks === 1 ? '' : 's'} with ≥ ${p.k} trials</title></circle>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('');
}

/** A small log-scale histogram with p50/p90/p99 markers. */
export function histogramChart(h: Histogram, unit: 'ms' | 'usd', label: string): string {
  const W = 280;
  const H = 96;
  const m = { l: 4, r: 4, t: 14, b: 20 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const fmt = unit === 'ms' ? fmtMs : fmtUsd;
  const n = h.buckets.length;
  const out: string[] = [svgOpen(W, H, label, 'hist')];
  if (n === 0) {
    out.push(`<text class="tick" x="${W / 2}" y="${H / 2}" text-anchor="middle">no positive values</text></svg>`);
    return out.join('');
  }
  const max = Math.max(1, ...h.buckets.map((b) => b.count));
  const bw = pw / n;
  h.buckets.forEach((b, i) => {
    if (b.count === 0) return;
    // A floor of 3px keeps a handful of outliers visible next to a bucket of thousands.
    const bh = Math.max(3, (b.count / max) * ph);
    out.push(
      `<rect class="mark" x="${r1(m.l + i * bw + 0.5)}" y="${r1(m.t + ph - bh)}" width="${r1(Math.max(1, bw - 1))}" height="${r1(bh)}"><title>${esc(fmt(b.lo))} – ${esc(fmt(b.hi))}: ${fmtInt(b.count)} trace${b.count === 1 ? '' : 's'}</title></rect>`,
    );
  });
  // Buckets are 4 per decade, so a value's position is its log10 × 4 from the first edge.
  const lo = Math.log10(h.buckets[0]!.lo);
  const px = (v: number) => m.l + Math.min(n, Math.max(0, ((Math.log10(v) - lo) * 4))) * bw;
  // Markers closer than a label's width share one label ("p90·p99").
  const labels: { x: number; names: string[] }[] = [];
  for (const [name, v] of [['p50', h.p50], ['p90', h.p90], ['p99', h.p99]] as const) {
    if (!(v > 0)) continue;
    const xx = r1(px(v));
    out.push(`<line class="pct pct-${name}" x1="${xx}" x2="${xx}" y1="${m.t - 3}" y2="${m.t + ph}"><title>${name} ${esc(fmt(v))}</title></line>`);
    const last = labels[labels.length - 1];
    if (last && xx - last.x < 24) last.names.push(name);
    else labels.push({ x: xx, names: [name] });
  }
  for (const l of labels) out.push(`<text class="pct-label" x="${l.x}" y="${m.t - 5}" text-anchor="middle">${l.names.join('·')}</text>`);
  out.push(`<line class="axis" x1="${m.l}" x2="${W - m.r}" y1="${m.t + ph}" y2="${m.t + ph}"/>`);
  out.push(`<text class="tick" x="${m.l}" y="${H - 5}">${esc(fmt(h.buckets[0]!.lo))}</text>`);
  out.push(`<text class="tick" x="${W - m.r}" y="${H - 5}" text-anchor="end">${esc(fmt(h.buckets[n - 1]!.hi))}</text>`);
  out.push('</svg>');
  return out.join('');
}
