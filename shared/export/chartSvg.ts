/**
 * The throughput chart as a standalone SVG, for exports and the HTML report: the same picture as
 * the live chart (rate per bin, gaps shaded, loss by sequence number, timeline events), drawn from
 * a report with no browser and no chart library, so the CLI makes the same file as the UI. It
 * carries its own verdict, time range and legend, since a PNG travels without the page around it;
 * gaps denser than the pixels are drawn as a density band (shared/chart/gapDensity.ts).
 */
import { decimateMinMax } from '../chart/decimate';
import { gapDensity, gapsTooDenseToDraw, type GapDensity } from '../chart/gapDensity';
import { formatTick, timeTicks } from '../chart/ticks';
import { byteRateAxis, formatCount, formatDuration, formatPercent, formatStreamTime } from '../format';
import { gapCause } from '../reception/gapCause';
import { gapLocationHint, gapLocationText } from '../reception/gapLocation';
import type { ReceptionReport } from '../reception/report';
import { reportVerdict } from './gapSummary';

/** A timeline event placed on the stream's time axis. */
export interface ChartEventMark {
  /** ms since the stream started. */
  t: number;
  severity: 'info' | 'warning' | 'error';
  text: string;
}

/** Size and content of the drawing. */
export interface ChartSvgOptions {
  width?: number;
  height?: number;
  /** Stream time to draw; default the whole report. */
  startMs?: number;
  endMs?: number;
  events?: readonly ChartEventMark[];
  title?: string;
  /** The sentence under the title; default the report's verdict (gapSummary.ts), null for none. */
  verdict?: string | null;
}

/** The report fields the chart reads. */
export type ChartReport = Pick<ReceptionReport, 'bins' | 'binMs' | 'gaps' | 'gapCount' | 'localStalls' | 'durationMs' | 'loss' | 'periodicity' | 'trailingSilenceMs'>;

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const COLORS = { line: '#2563eb', fill: '#bfdbfe', gap: '#ef4444', band: '#dc2626', stall: '#a855f7', loss: '#c2410c', grid: '#e2e8f0', axis: '#64748b', text: '#0f172a', lane: '#f8fafc', warning: '#b45309', error: '#dc2626', info: '#64748b' };
/** Height of the density band above the plot, px. */
const LANE = 18;

/** Round axis steps (1, 2 or 5 × a power of ten) reaching at least max in about `count` steps. */
function niceAxis(max: number, count: number): { step: number; top: number } {
  const raw = Math.max(max, 1e-9) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * pow).find((s) => s >= raw) ?? 10 * pow;
  return { step, top: Math.max(step, Math.ceil(max / step - 1e-9) * step) };
}

const trim = (v: number): string => String(Number(v.toPrecision(6)));

/** Splits a sentence into at most `lines` lines of about `width` characters, the last one cut with an ellipsis. */
function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  if (out.length > lines) {
    const kept = out.slice(0, lines);
    kept[lines - 1] = `${kept[lines - 1]!.slice(0, Math.max(0, width - 1))}…`;
    return kept;
  }
  return out;
}

/** The chart as an SVG document (UTF-8 text). */
export function throughputSvg(report: ChartReport, options: ChartSvgOptions = {}): string {
  const W = Math.max(300, Math.min(4000, Math.round(options.width ?? 1200)));
  const H = Math.max(150, Math.min(2000, Math.round(options.height ?? 400)));
  const f = (n: number) => n.toFixed(1);
  const left = 64;
  const right = 56;
  const pw = W - left - right;

  const start = Math.max(0, options.startMs ?? 0);
  const end = Math.max(start + report.binMs, options.endMs ?? Math.max(report.durationMs, report.bins.length * report.binMs));
  const range = { startMs: start, endMs: end };
  const gaps = gapDensity(report.gaps, range, pw);
  const stalls = gapDensity(report.localStalls, range, pw);
  const dense = gapsTooDenseToDraw(gaps.spans, pw);
  const stallsDense = gapsTooDenseToDraw(stalls.spans, pw);

  // Header: title, verdict, time range.
  const header: string[] = [];
  let y0 = 6;
  if (options.title) {
    y0 += 18;
    header.push(`<text x="${left}" y="${y0}" font-size="14" font-weight="600" fill="${COLORS.text}">${escapeXml(options.title)}</text>`);
  }
  const verdict = options.verdict === undefined ? reportVerdict(report) : options.verdict;
  for (const line of verdict ? wrap(verdict, Math.floor(pw / 6.4), 2) : []) {
    y0 += 16;
    header.push(`<text class="chart-verdict" x="${left}" y="${y0}" fill="${COLORS.text}">${escapeXml(line)}</text>`);
  }
  y0 += 16;
  header.push(`<text class="chart-range" x="${left}" y="${y0}" fill="${COLORS.axis}">${escapeXml(`${formatStreamTime(start)} – ${formatStreamTime(end)} (${formatDuration(end - start)}) · ${formatCount(report.binMs)} ms bins`)}</text>`);
  const lane = dense || stallsDense;
  const top = y0 + 10 + (lane ? LANE + 8 : 0);
  const span = end - start;
  const x = (t: number) => left + ((t - start) / span) * pw;

  // Rates: bytes per second in one IEC unit, round steps.
  const perSec = 1000 / report.binMs;
  const bytes = report.bins.map((b) => b.bytes);
  const lost = report.bins.map((b) => b.lost ?? 0);
  const first = Math.max(0, Math.floor(start / report.binMs));
  const last = Math.min(report.bins.length, Math.ceil(end / report.binMs));
  const perPixel = (last - first) / pw;
  const idx = decimateMinMax(bytes, first, last, pw * 2);
  const peak = Math.max(0, ...idx.map((i) => bytes[i]! * perSec));
  const unit = byteRateAxis(peak);
  const withLoss = report.loss !== null && report.loss.lost !== null;
  const events = (options.events ?? []).filter((e) => e.t >= start && e.t <= end);

  // Legend: what each mark means, with the counts in view, in as many rows as the width needs.
  const swatch = (kind: 'rate' | 'band' | 'gap' | 'stall' | 'loss' | 'event', lx: number, ly: number): string => {
    if (kind === 'rate') return `<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${COLORS.fill}" stroke="${COLORS.line}"/>`;
    if (kind === 'band') return `<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${COLORS.band}" fill-opacity="0.8"/>`;
    if (kind === 'gap') return `<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${COLORS.gap}" fill-opacity="0.3"/>`;
    if (kind === 'stall') return `<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${COLORS.stall}" fill-opacity="0.4"/>`;
    if (kind === 'loss') return `<line x1="${lx}" x2="${lx + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLORS.loss}" stroke-width="2"/>`;
    return `<line x1="${lx + 7}" x2="${lx + 7}" y1="${ly - 10}" y2="${ly + 1}" stroke="${COLORS.warning}" stroke-dasharray="3 2" stroke-width="1.5"/>`;
  };
  const items: { kind: Parameters<typeof swatch>[0]; text: string }[] = [{ kind: 'rate', text: perPixel > 2 ? `throughput (${unit.unit}), mean per pixel; light: peak bin` : `throughput (${unit.unit})` }];
  if (dense) items.push({ kind: 'band', text: `gaps: share of time per pixel (${formatCount(gaps.spans)} gaps, ${formatPercent(gaps.insideMs / span)})` });
  else items.push({ kind: 'gap', text: `gap (${formatCount(gaps.spans)})` });
  if (stalls.spans > 0) items.push({ kind: 'stall', text: `Gapscope stalled (${formatCount(stalls.spans)})` });
  if (withLoss) items.push({ kind: 'loss', text: 'lost packets/s (by sequence number)' });
  if (events.length > 0) items.push({ kind: 'event', text: `event (${formatCount(events.length)})` });
  const placed: { kind: Parameters<typeof swatch>[0]; text: string; x: number; row: number }[] = [];
  let lx = left;
  let row = 0;
  for (const item of items) {
    const w = 19 + item.text.length * 6.4 + 16;
    if (lx > left && lx + w > W - 8) {
      row++;
      lx = left;
    }
    placed.push({ ...item, x: lx, row });
    lx += w;
  }
  const bottom = 30 + (row + 1) * 16;
  const legendTop = H - (row + 1) * 16 + 8;
  const ph = Math.max(40, H - top - bottom);
  const rateAxis = niceAxis(Math.max(peak / unit.divisor, 1), 4);
  const maxRate = rateAxis.top * unit.divisor;
  const y = (r: number) => top + ph - (r / maxRate) * ph;
  const lossIdx = withLoss ? decimateMinMax(lost, first, last, pw * 2) : [];
  const lossAxis = niceAxis(Math.max(10, ...lossIdx.map((i) => lost[i]! * perSec)), 4);
  const yl = (r: number) => top + ph - (r / lossAxis.top) * ph;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(...header);
  // Grid and axes.
  for (let v = 0; v <= rateAxis.top + 1e-9; v += rateAxis.step) {
    const r = v * unit.divisor;
    out.push(`<line x1="${left}" x2="${left + pw}" y1="${f(y(r))}" y2="${f(y(r))}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${left - 6}" y="${f(y(r) + 4)}" text-anchor="end" fill="${COLORS.axis}">${trim(v)}</text>`);
  }
  if (withLoss) {
    for (let v = 0; v <= lossAxis.top + 1e-9; v += lossAxis.step) out.push(`<text x="${left + pw + 6}" y="${f(yl(v) + 4)}" fill="${COLORS.loss}">${trim(v)}</text>`);
  }
  out.push(`<text x="14" y="${f(top + ph / 2)}" transform="rotate(-90 14 ${f(top + ph / 2)})" text-anchor="middle" fill="${COLORS.axis}">${unit.unit}</text>`);
  if (withLoss) out.push(`<text x="${W - 8}" y="${f(top + ph / 2)}" transform="rotate(90 ${W - 8} ${f(top + ph / 2)})" text-anchor="middle" fill="${COLORS.loss}">lost packets/s</text>`);
  const tickCount = Math.max(2, Math.floor(pw / 110));
  for (const t of timeTicks(range, tickCount)) {
    out.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${top + ph}" y2="${top + ph + 4}" stroke="${COLORS.axis}"/>`);
    out.push(`<text x="${f(x(t))}" y="${top + ph + 17}" text-anchor="middle" fill="${COLORS.axis}">${escapeXml(formatTick(t, span, tickCount))}</text>`);
  }

  // Gaps and stalls: one shape each while they are far enough apart, a density band when not.
  const shade = (a: number, b: number, color: string, cls: string, label: string) => {
    const x1 = x(Math.max(a, start));
    const x2 = Math.max(x1 + 1, x(Math.min(b, end)));
    out.push(`<rect class="${cls}" x="${f(x1)}" y="${top}" width="${f(x2 - x1)}" height="${ph}" fill="${color}" fill-opacity="0.22"><title>${escapeXml(label)}</title></rect>`);
  };
  const firstNumber = report.gapCount - report.gaps.length + 1;
  if (lane) {
    out.push(`<rect class="lane" x="${left}" y="${top - LANE - 8}" width="${pw}" height="${LANE}" fill="${COLORS.lane}" stroke="${COLORS.grid}"/>`);
    out.push(`<text x="${left - 6}" y="${top - 12}" text-anchor="end" fill="${COLORS.axis}">gaps</text>`);
  }
  if (dense) out.push(band(gaps, left, top - 8, COLORS.band, 'gap-density', `${formatCount(gaps.spans)} gaps, ${formatPercent(gaps.insideMs / span)} of the time`));
  else {
    report.gaps.forEach((g, i) => {
      if (g.endMs <= start || g.startMs >= end) return;
      const lostText = g.lostPackets !== null ? `, ${formatCount(g.lostPackets)} packets lost` : '';
      // Where the wire view says it was lost: the gap table's label and the sentence with its numbers.
      const whereText = g.location ? ` \u00b7 ${gapLocationText(g.location)}. ${gapLocationHint(g.location)}` : '';
      shade(g.startMs, g.endMs, COLORS.gap, 'gap', `Gap ${firstNumber + i}: ${formatDuration(g.durationMs)} from ${formatStreamTime(g.startMs)}${lostText}, ${gapCause(g).text}${whereText}`);
    });
  }
  if (stallsDense) out.push(band(stalls, left, top - 8, COLORS.stall, 'stall-density', `${formatCount(stalls.spans)} stalls of Gapscope`));
  else {
    for (const s of report.localStalls) {
      if (s.endMs <= start || s.startMs >= end) continue;
      shade(s.startMs, s.endMs, COLORS.stall, 'stall', `Gapscope stalled ${formatDuration(s.durationMs)} from ${formatStreamTime(s.startMs)}`);
    }
  }

  // Throughput as a step area; with several bins per pixel, each pixel's mean, and its peak as a light envelope
  // (min/max of 0 and full rate in every pixel would paint a solid block).
  if (perPixel > 2) {
    const mean = new Float64Array(pw);
    const max = new Float64Array(pw);
    for (let c = 0; c < pw; c++) {
      const i0 = Math.max(first, Math.floor(first + c * perPixel));
      const i1 = Math.min(last, Math.max(i0 + 1, Math.floor(first + (c + 1) * perPixel)));
      let sum = 0;
      let m = 0;
      for (let i = i0; i < i1; i++) {
        const v = bytes[i]!;
        sum += v;
        if (v > m) m = v;
      }
      mean[c] = (sum / (i1 - i0)) * perSec;
      max[c] = m * perSec;
    }
    // One horizontal edge per run of columns at the same height: the same outline with no vertex in a straight line.
    const area = (values: Float64Array): string => {
      const ys = Array.from(values, (v) => f(y(v)));
      let d = `M${left},${f(y(0))}`;
      for (let c = 0; c < pw; ) {
        let e = c + 1;
        while (e < pw && ys[e] === ys[c]) e++;
        d += ` L${left + c},${ys[c]} L${left + e},${ys[c]}`;
        c = e;
      }
      return `${d} L${left + pw},${f(y(0))} Z`;
    };
    out.push(`<path class="rate-peak" d="${area(max)}" fill="${COLORS.fill}" fill-opacity="0.45" stroke="none"/>`);
    out.push(`<path class="rate" d="${area(mean)}" fill="${COLORS.line}" fill-opacity="0.35" stroke="${COLORS.line}" stroke-width="1.2"/>`);
  } else if (idx.length > 0) {
    let d = `M${f(x(idx[0]! * report.binMs))},${f(y(0))}`;
    for (const i of idx) {
      const r = bytes[i]! * perSec;
      d += ` L${f(x(i * report.binMs))},${f(y(r))} L${f(x(Math.min(end, (i + 1) * report.binMs)))},${f(y(r))}`;
    }
    d += ` L${f(x(Math.min(end, (idx[idx.length - 1]! + 1) * report.binMs)))},${f(y(0))} Z`;
    out.push(`<path class="rate" d="${d}" fill="${COLORS.fill}" fill-opacity="0.6" stroke="${COLORS.line}" stroke-width="1.2"/>`);
  }
  if (withLoss && lossIdx.length > 0) {
    let d = '';
    for (const i of lossIdx) d += `${d ? ' L' : 'M'}${f(x(i * report.binMs))},${f(yl(lost[i]! * perSec))} L${f(x(Math.min(end, (i + 1) * report.binMs)))},${f(yl(lost[i]! * perSec))}`;
    out.push(`<path class="loss" d="${d}" fill="none" stroke="${COLORS.loss}" stroke-width="1.5"/>`);
  }
  for (const e of events) {
    out.push(`<line class="event" x1="${f(x(e.t))}" x2="${f(x(e.t))}" y1="${top}" y2="${top + ph}" stroke="${COLORS[e.severity]}" stroke-dasharray="4 3" stroke-width="1.5"><title>${escapeXml(e.text)}</title></line>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="${COLORS.grid}"/>`);

  out.push('<g class="legend">');
  for (const p of placed) {
    const ly = legendTop + p.row * 16;
    out.push(swatch(p.kind, p.x, ly));
    out.push(`<text x="${p.x + 19}" y="${ly}" fill="${COLORS.axis}">${escapeXml(p.text)}</text>`);
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}

/** The density band: one bar per run of pixel columns of equal share, as tall as the share of their time in gaps. */
function band(d: GapDensity, left: number, laneBottom: number, color: string, cls: string, label: string): string {
  const parts: string[] = [`<g class="${cls}" fill="${color}" fill-opacity="0.8"><title>${escapeXml(label)}</title>`];
  const q = (s: number) => Math.round(s * LANE * 2) / 2;
  for (let c = 0; c < d.share.length; ) {
    const h = q(d.share[c]!);
    let e = c + 1;
    while (e < d.share.length && q(d.share[e]!) === h) e++;
    if (h > 0) parts.push(`<rect x="${left + c}" y="${(laneBottom - Math.max(h, 1)).toFixed(1)}" width="${e - c}" height="${Math.max(h, 1).toFixed(1)}"/>`);
    c = e;
  }
  parts.push('</g>');
  return parts.join('');
}
